import { AlertIcon } from '../../ui/icons';

/** The error (or notice) above a form; announced to screen readers when it appears. */
export function FormAlert({ message, tone = 'error' }: { message: string | null; tone?: 'error' | 'info' }) {
  if (!message) return null;
  const colours = tone === 'error' ? 'bg-danger-soft text-danger' : 'bg-accent-soft text-ink';
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`flex items-start gap-2.5 rounded-xl px-3.5 py-3 text-sm ${colours}`}>
      <AlertIcon className="mt-px size-[18px] shrink-0" />
      <span>{message}</span>
    </div>
  );
}
