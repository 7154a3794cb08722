/**
 * The files waiting above the composer: each with its name, size, an upload progress bar, and
 * Remove; a clear reason when one cannot be sent (too big, type not allowed) and Retry when its
 * upload failed.
 */
import { CloseIcon } from '../../ui/icons';
import { progressOf, type Upload } from '../../state/uploadMachine';
import { humanSize, isImage } from '../../lib/files';
import { FileIcon, ImageIcon } from '../../ui/icons';

export function AttachmentTray({
  uploads,
  onRemove,
  onRetry,
  hint,
}: {
  uploads: Upload[];
  onRemove: (id: string) => void;
  onRetry: (id: string) => void;
  hint: string | null;
}) {
  if (uploads.length === 0) return null;
  return (
    <div className="mb-2">
      <ul aria-label="Files to send" className="flex max-h-48 flex-col gap-1.5 overflow-y-auto">
        {uploads.map((u) => (
          <TrayItem key={u.id} upload={u} onRemove={() => onRemove(u.id)} onRetry={() => onRetry(u.id)} />
        ))}
      </ul>
      {hint ? <p className="mt-1 px-1 text-xs text-ink-3">{hint}</p> : null}
    </div>
  );
}

function TrayItem({ upload: u, onRemove, onRetry }: { upload: Upload; onRemove: () => void; onRetry: () => void }) {
  const bad = u.status === 'invalid' || u.status === 'failed';
  const percent = Math.round(progressOf(u) * 100);
  const state =
    u.status === 'done'
      ? 'Ready to send'
      : u.status === 'presigning'
        ? 'Preparing…'
        : u.status === 'uploading'
          ? `Uploading ${percent}%`
          : u.status === 'completing'
            ? 'Finishing…'
            : null;
  const errorId = `upload-error-${u.id}`;
  return (
    <li
      data-upload={u.status}
      aria-describedby={bad ? errorId : undefined}
      className={`flex items-center gap-3 rounded-xl border px-3 py-2 ${bad ? 'border-danger/50 bg-danger-soft' : 'border-line bg-surface-2'}`}
    >
      <span className={`inline-flex size-9 shrink-0 items-center justify-center rounded-lg ${bad ? 'text-danger' : 'bg-accent-soft text-accent'}`}>
        {isImage(u.type) ? <ImageIcon /> : <FileIcon />}
      </span>
      <div className="min-w-0 flex-1">
        <p className="flex items-baseline gap-2 text-sm">
          <span className="min-w-0 truncate font-semibold text-ink">{u.name}</span>
          <span className="shrink-0 text-xs text-ink-3">{humanSize(u.size)}</span>
        </p>
        {bad ? (
          <p id={errorId} role="alert" className="text-xs text-danger">
            {u.error}
          </p>
        ) : (
          <div className="mt-1 flex items-center gap-2">
            <div
              role="progressbar"
              aria-label={`Upload of ${u.name}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={percent}
              className="h-1.5 flex-1 overflow-hidden rounded-full bg-surface-3"
            >
              <div
                className={`h-full rounded-full transition-[width] ${u.status === 'done' ? 'bg-success' : 'bg-accent'}`}
                style={{ width: `${percent}%` }}
              />
            </div>
            <span className="shrink-0 text-xs text-ink-3">{state}</span>
          </div>
        )}
      </div>
      {u.status === 'failed' ? (
        <button
          type="button"
          onClick={onRetry}
          aria-label={`Retry ${u.name}`}
          className="shrink-0 rounded-full px-2 py-1 text-xs font-semibold text-accent hover:bg-surface"
        >
          Retry
        </button>
      ) : null}
      <button
        type="button"
        onClick={onRemove}
        aria-label={`Remove ${u.name}`}
        title="Remove"
        className="inline-flex size-8 shrink-0 items-center justify-center rounded-full text-ink-2 hover:bg-surface hover:text-ink"
      >
        <CloseIcon className="size-4" />
      </button>
    </li>
  );
}
