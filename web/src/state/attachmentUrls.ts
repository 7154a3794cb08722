/**
 * Download and thumbnail URLs for attachments (`GET /api/attachments/{id}`). They are presigned
 * for 15 minutes, so each answer is kept for 10 and shared by everyone asking (one request in
 * flight per attachment); an image that fails to load drops its entry and asks again.
 */
import { api } from '../api';
import type { AttachmentDownload } from '../api/types';

export const URL_CACHE_MS = 10 * 60_000;

interface Entry {
  at: number;
  pending?: Promise<AttachmentDownload>;
  value?: AttachmentDownload;
}

export function createUrlCache(fetch: (id: string) => Promise<AttachmentDownload>, now: () => number = Date.now) {
  const entries = new Map<string, Entry>();
  return {
    /** A fresh answer from the cache, without asking the server. */
    peek(id: string): AttachmentDownload | undefined {
      const e = entries.get(id);
      return e?.value && now() - e.at < URL_CACHE_MS ? e.value : undefined;
    },
    get(id: string): Promise<AttachmentDownload> {
      const e = entries.get(id);
      if (e?.value && now() - e.at < URL_CACHE_MS) return Promise.resolve(e.value);
      if (e?.pending) return e.pending;
      const entry: Entry = { at: now() };
      entry.pending = fetch(id).then(
        (value) => {
          if (entries.get(id) === entry) {
            entry.value = value;
            entry.at = now();
            entry.pending = undefined;
          }
          return value;
        },
        (error: unknown) => {
          if (entries.get(id) === entry) entries.delete(id);
          throw error;
        },
      );
      entries.set(id, entry);
      return entry.pending;
    },
    /** Forget an answer (its URL stopped working). */
    invalidate(id: string) {
      entries.delete(id);
    },
    clear() {
      entries.clear();
    },
  };
}

export const attachmentUrls = createUrlCache((id) => api.attachments.get(id));
