/** The presigned URLs of one attachment (shared cache, see `state/attachmentUrls`), with a way to ask again. */
import { useCallback, useEffect, useState } from 'react';

import type { AttachmentDownload } from '../../api/types';
import { attachmentUrls } from '../../state/attachmentUrls';

export interface AttachmentUrls {
  data: AttachmentDownload | undefined;
  error: string | null;
  /** Drop the cached answer and fetch new URLs (an image failed to load: they may have expired). */
  refresh(): void;
}

export function useAttachmentUrls(id: string, enabled: boolean): AttachmentUrls {
  const [answer, setAnswer] = useState<{ id: string; data?: AttachmentDownload; error?: string }>(() => ({
    id,
    data: attachmentUrls.peek(id),
  }));
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    attachmentUrls.get(id).then(
      (data) => {
        if (live) setAnswer({ id, data });
      },
      (e: unknown) => {
        if (live) setAnswer({ id, error: e instanceof Error ? e.message : 'Could not load the file' });
      },
    );
    return () => {
      live = false;
    };
  }, [id, enabled, attempt]);

  const refresh = useCallback(() => {
    attachmentUrls.invalidate(id);
    setAttempt((n) => n + 1);
  }, [id]);

  const current = answer.id === id ? answer : { id };
  return { data: current.data, error: current.error ?? null, refresh };
}
