/**
 * The files waiting above each chat's composer (the tray), and the work that carries each one
 * from the browser to storage: presign (`POST /api/attachments`), PUT the bytes to the presigned
 * URL with progress, complete (`POST .../complete`). The rules live in `uploadMachine.ts`; this
 * store runs them and keeps the `File`s. Per chat, so a half-written message with its files
 * survives switching chats.
 */
import { create } from 'zustand';

import { api } from '../api';
import { putFile } from '../api/attachments';
import { isAbort } from '../api/http';
import type { MessageAttachment } from '../api/types';
import { MAX_ATTACHMENTS_PER_MESSAGE } from '../lib/files';
import { messageAttachment } from './messages';
import {
  completed,
  failed,
  newUpload,
  presigned,
  progressed,
  retried,
  stageOf,
  traySendable,
  type Upload,
  uploaded,
} from './uploadMachine';

interface UploadsState {
  /** chat id -> the tray, in the order added. */
  byChat: Record<string, Upload[]>;
  /** Adds files to a chat's tray and starts uploading the ones that may be attached. */
  add(chatId: string, files: File[]): void;
  /** Takes a file out of the tray (cancelling its upload). */
  remove(chatId: string, id: string): void;
  retry(chatId: string, id: string): void;
  /** When every file is uploaded: empties the tray and returns the attachments for the message; otherwise null. */
  take(chatId: string): MessageAttachment[] | null;
  reset(): void;
}

const files = new Map<string, File>();
const aborts = new Map<string, AbortController>();

export const EMPTY_TRAY: Upload[] = [];

export const useUploads = create<UploadsState>()((set, get) => {
  function find(chatId: string, id: string): Upload | undefined {
    return get().byChat[chatId]?.find((u) => u.id === id);
  }
  function patch(chatId: string, id: string, update: (u: Upload) => Upload) {
    set((s) => {
      const tray = s.byChat[chatId];
      const index = tray?.findIndex((u) => u.id === id) ?? -1;
      if (!tray || index < 0) return s;
      const before = tray[index] as Upload;
      const after = update(before);
      if (after === before) return s;
      const next = [...tray];
      next[index] = after;
      return { byChat: { ...s.byChat, [chatId]: next } };
    });
  }

  /** Runs the stages from wherever the upload stands until it is done, fails, or is removed. */
  async function run(chatId: string, id: string) {
    const file = files.get(id);
    if (!file) return;
    aborts.get(id)?.abort();
    const controller = new AbortController();
    aborts.set(id, controller);
    const { signal } = controller;
    let checks = 0;
    try {
      for (;;) {
        const u = find(chatId, id);
        const stage = u ? stageOf(u.status) : null;
        if (!u || !stage || signal.aborted) return;
        try {
          if (stage === 'presign') {
            const answer = await api.attachments.create({ chat_id: chatId, filename: u.name, content_type: u.type, size: u.size });
            if (signal.aborted) return;
            patch(chatId, id, (x) => presigned(x, answer, Date.now()));
          } else if (stage === 'upload') {
            const target = u.target;
            if (!target) throw new Error('no upload URL');
            await putFile(target.url, target.headers, file, (loaded) => patch(chatId, id, (x) => progressed(x, loaded)), signal);
            patch(chatId, id, uploaded);
          } else {
            const attachmentId = u.attachment?.id;
            if (!attachmentId) throw new Error('no attachment');
            const attachment = await api.attachments.complete(attachmentId);
            if (signal.aborted) return;
            patch(chatId, id, (x) => completed(x, attachment));
            if (attachment.status === 'processing') {
              // The media worker has not accepted it yet: ask again shortly.
              checks += 1;
              await new Promise((resolve) => setTimeout(resolve, Math.min(250 * checks, 2000)));
            }
          }
        } catch (error) {
          if (isAbort(error) || signal.aborted) return;
          patch(chatId, id, (x) => failed(x, stage, error));
          return;
        }
      }
    } finally {
      if (aborts.get(id) === controller) aborts.delete(id);
    }
  }

  return {
    byChat: {},

    add(chatId, picked) {
      if (picked.length === 0) return;
      const tray = get().byChat[chatId] ?? [];
      let room = MAX_ATTACHMENTS_PER_MESSAGE - tray.filter((u) => u.status !== 'invalid').length;
      const added = picked.map((file) => {
        const id = crypto.randomUUID();
        let u = newUpload(id, file);
        if (u.status !== 'invalid') {
          if (room > 0) room -= 1;
          else u = newUpload(id, file, 'too_many');
        }
        if (u.status !== 'invalid') files.set(id, file);
        return u;
      });
      set((s) => ({ byChat: { ...s.byChat, [chatId]: [...(s.byChat[chatId] ?? []), ...added] } }));
      for (const u of added) if (u.status !== 'invalid') void run(chatId, u.id);
    },

    remove(chatId, id) {
      aborts.get(id)?.abort();
      aborts.delete(id);
      files.delete(id);
      set((s) => {
        const tray = s.byChat[chatId];
        if (!tray) return s;
        return { byChat: { ...s.byChat, [chatId]: tray.filter((u) => u.id !== id) } };
      });
    },

    retry(chatId, id) {
      const u = find(chatId, id);
      if (!u || u.status !== 'failed') return;
      patch(chatId, id, (x) => retried(x, Date.now()));
      void run(chatId, id);
    },

    take(chatId) {
      const tray = get().byChat[chatId] ?? [];
      if (!traySendable(tray)) return null;
      for (const u of tray) files.delete(u.id);
      set((s) => ({ byChat: { ...s.byChat, [chatId]: [] } }));
      return tray.flatMap((u) => (u.attachment ? [messageAttachment(u.attachment)] : []));
    },

    reset() {
      for (const c of aborts.values()) c.abort();
      aborts.clear();
      files.clear();
      set({ byChat: {} });
    },
  };
});
