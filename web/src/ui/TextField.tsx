/** A labelled input with its hint or error wired up for screen readers. */
import { type ComponentProps, type ReactNode, useId } from 'react';

type Props = ComponentProps<'input'> & {
  label: string;
  error?: string | null;
  hint?: string;
  /** Something inside the field's right edge, e.g. a show-password toggle. */
  trailing?: ReactNode;
};

export function TextField({ label, error, hint, trailing, id, className = '', ...input }: Props) {
  const autoId = useId();
  const fieldId = id ?? autoId;
  const noteId = `${fieldId}-note`;
  const note = error ?? hint;
  return (
    <div className={className}>
      <label htmlFor={fieldId} className="mb-1.5 block text-sm font-medium text-ink-2">
        {label}
      </label>
      <div className="relative">
        <input
          id={fieldId}
          aria-invalid={error ? true : undefined}
          aria-describedby={note ? noteId : undefined}
          {...input}
          className={`h-11 w-full rounded-xl border bg-surface px-3.5 text-[15px] text-ink placeholder:text-ink-3 transition-colors focus:border-accent focus:outline-none focus-visible:outline-2 focus-visible:outline-offset-0 ${
            error ? 'border-danger' : 'border-line'
          } ${trailing ? 'pr-11' : ''}`}
        />
        {trailing ? <div className="absolute inset-y-0 right-1 flex items-center">{trailing}</div> : null}
      </div>
      {note ? (
        <p id={noteId} className={`mt-1.5 text-sm ${error ? 'text-danger' : 'text-ink-3'}`}>
          {note}
        </p>
      ) : null}
    </div>
  );
}
