/** An image at full size over everything (a native modal <dialog>: Escape and the backdrop close it). */
import { useEffect, useRef, useState } from 'react';

import type { MessageAttachment } from '../../api/types';
import { IconButton } from '../../ui/Button';
import { CloseIcon } from '../../ui/icons';
import { Spinner } from '../../ui/Spinner';
import { humanSize } from '../../lib/files';
import { DownloadIcon } from '../../ui/icons';
import { useAttachmentUrls } from './useAttachmentUrls';

export function Lightbox({ attachment: a, onClose }: { attachment: MessageAttachment; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const { data, error, refresh } = useAttachmentUrls(a.id, true);
  const [failures, setFailures] = useState(0);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      aria-label={`Image: ${a.filename}`}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      className="m-0 h-dvh max-h-none w-full max-w-none bg-black/90 p-0 text-white backdrop:bg-black/60"
    >
      <div className="flex h-full flex-col" onClick={(e) => e.target === e.currentTarget && onClose()}>
        <header className="flex shrink-0 items-center gap-2 px-3 py-2">
          <p className="min-w-0 flex-1 truncate pl-1 text-sm font-semibold">
            {a.filename} <span className="font-normal text-white/70">· {humanSize(a.size)}</span>
          </p>
          {data ? (
            <a
              href={data.download_url}
              target="_blank"
              rel="noopener noreferrer"
              aria-label="Open the original in a new tab"
              title="Open the original"
              className="inline-flex size-10 items-center justify-center rounded-full hover:bg-white/10"
            >
              <DownloadIcon />
            </a>
          ) : null}
          <IconButton label="Close" onClick={onClose} className="text-white hover:bg-white/10 hover:text-white">
            <CloseIcon />
          </IconButton>
        </header>
        <div className="flex min-h-0 flex-1 items-center justify-center p-2 sm:p-6" onClick={(e) => e.target === e.currentTarget && onClose()}>
          {data ? (
            <img
              src={data.download_url}
              alt={a.filename}
              width={a.width ?? undefined}
              height={a.height ?? undefined}
              data-full-size=""
              className="max-h-full max-w-full object-contain"
              onError={() => {
                if (failures < 2) {
                  setFailures((n) => n + 1);
                  refresh();
                }
              }}
            />
          ) : error ? (
            <p role="alert" className="text-sm">
              {error}
            </p>
          ) : (
            <Spinner className="size-8" label="Loading the image" />
          )}
        </div>
      </div>
    </dialog>
  );
}
