/**
 * A message's attachments inside its bubble. Images show inline as thumbnails, sized from their
 * width and height before they load (no layout jump), a placeholder while the media worker
 * checks them; a click opens the full-size image. Other files are chips with name and size that
 * download through their presigned URL (the server sends them as attachments; they are never
 * rendered here). A file the worker refused shows as a "rejected" chip.
 */
import { useState } from 'react';

import type { MessageAttachment } from '../../api/types';
import { Spinner } from '../../ui/Spinner';
import { fitWithin, humanSize, isImage } from '../../lib/files';
import { BlockedIcon, DownloadIcon, FileIcon } from '../../ui/icons';
import { Lightbox } from './Lightbox';
import { useAttachmentUrls } from './useAttachmentUrls';

/** The largest box a thumbnail takes in a bubble (CSS px); narrower screens shrink it further. */
const THUMB_MAX_WIDTH = 280;
const THUMB_MAX_HEIGHT = 320;

export function MessageAttachments({ attachments, mine }: { attachments: MessageAttachment[]; mine: boolean }) {
  if (attachments.length === 0) return null;
  const images = attachments.filter((a) => isImage(a.content_type) && a.status !== 'rejected');
  const others = attachments.filter((a) => !images.includes(a));
  return (
    <div className="mb-1 flex flex-col gap-1.5" data-attachments="">
      {images.length > 0 ? (
        <div className="flex flex-wrap gap-1.5">
          {images.map((a) => (
            <ImageAttachment key={a.id} attachment={a} />
          ))}
        </div>
      ) : null}
      {others.map((a) =>
        a.status === 'rejected' ? <RejectedChip key={a.id} attachment={a} mine={mine} /> : <FileChip key={a.id} attachment={a} mine={mine} />,
      )}
    </div>
  );
}

function ImageAttachment({ attachment: a }: { attachment: MessageAttachment }) {
  const ready = a.status === 'ready';
  const { data, error, refresh } = useAttachmentUrls(a.id, ready);
  const [failures, setFailures] = useState(0);
  const [open, setOpen] = useState(false);
  const box = fitWithin(a.width ?? 0, a.height ?? 0, THUMB_MAX_WIDTH, THUMB_MAX_HEIGHT);
  const style = { width: box.width, aspectRatio: `${box.width} / ${box.height}` };
  const src = data ? (data.thumbnail_url ?? data.download_url) : undefined;

  if (!ready || !src) {
    const label = !ready ? `${a.filename}, processing` : error ? `${a.filename}: ${error}` : `${a.filename}, loading`;
    return (
      <div
        role="img"
        aria-label={label}
        data-attachment-image={a.status}
        style={style}
        className="flex max-w-full flex-col items-center justify-center gap-2 rounded-xl bg-surface-3/70 p-3 text-center text-xs text-ink-2"
      >
        {error ? <span className="text-danger">{error}</span> : <Spinner className="size-5" />}
        {!ready ? <span>Processing…</span> : null}
      </div>
    );
  }

  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Open ${a.filename} full size`}
        style={style}
        className="block max-w-full overflow-hidden rounded-xl bg-surface-3/70"
      >
        <img
          src={src}
          alt={a.filename}
          width={box.width}
          height={box.height}
          data-attachment-image="ready"
          className="block h-full w-full object-cover"
          onError={() => {
            // The URL may have expired (a tab left open): ask for fresh ones, a couple of times at most.
            if (failures < 2) {
              setFailures((n) => n + 1);
              refresh();
            }
          }}
        />
      </button>
      {open ? <Lightbox attachment={a} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function FileChip({ attachment: a, mine }: { attachment: MessageAttachment; mine: boolean }) {
  const ready = a.status === 'ready';
  const { data, error, refresh } = useAttachmentUrls(a.id, ready);
  const tone = mine ? 'bg-accent-ink/15 text-accent-ink' : 'bg-surface-2 text-ink ring-1 ring-line';
  const body = (
    <>
      <span className={`inline-flex size-9 shrink-0 items-center justify-center rounded-lg ${mine ? 'bg-accent-ink/20' : 'bg-accent-soft text-accent'}`}>
        <FileIcon />
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-semibold">{a.filename}</span>
        <span className={`block text-xs ${mine ? 'text-accent-ink/75' : 'text-ink-3'}`}>
          {humanSize(a.size)}
          {!ready ? ' · checking…' : error ? ` · ${error}` : ''}
        </span>
      </span>
      {ready ? <DownloadIcon className="shrink-0" /> : <Spinner className="size-4 shrink-0" />}
    </>
  );
  const className = `flex w-64 max-w-full items-center gap-2.5 rounded-xl px-2.5 py-2 text-left ${tone}`;
  if (ready && data) {
    // Another origin, served with Content-Disposition: attachment, so this downloads.
    return (
      <a href={data.download_url} target="_blank" rel="noopener noreferrer" data-attachment-file="" aria-label={`Download ${a.filename}, ${humanSize(a.size)}`} className={className}>
        {body}
      </a>
    );
  }
  return (
    <button
      type="button"
      disabled={!ready}
      onClick={refresh}
      data-attachment-file=""
      aria-label={ready ? `Download ${a.filename}, ${humanSize(a.size)}` : `${a.filename}, ${humanSize(a.size)}, being checked`}
      className={`${className} disabled:cursor-default`}
    >
      {body}
    </button>
  );
}

function RejectedChip({ attachment: a, mine }: { attachment: MessageAttachment; mine: boolean }) {
  return (
    <div
      data-attachment-rejected=""
      className={`flex w-64 max-w-full items-center gap-2.5 rounded-xl px-2.5 py-2 ${mine ? 'bg-accent-ink/15 text-accent-ink' : 'bg-danger-soft text-danger'}`}
    >
      <BlockedIcon className="shrink-0" />
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-semibold line-through">{a.filename}</span>
        <span className="block text-xs">Rejected: this file is not what its type says, or cannot be read.</span>
      </span>
    </div>
  );
}
