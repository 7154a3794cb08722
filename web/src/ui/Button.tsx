import type { ButtonHTMLAttributes } from 'react';

import { Spinner } from './Spinner';

const VARIANTS = {
  primary: 'bg-accent text-accent-ink hover:bg-accent-hover disabled:opacity-60',
  secondary: 'bg-surface-2 text-ink hover:bg-surface-3 border border-line disabled:opacity-60',
  danger: 'bg-danger-soft text-danger hover:brightness-95 disabled:opacity-60',
  ghost: 'text-ink-2 hover:bg-surface-2 hover:text-ink disabled:opacity-60',
} as const;

type Props = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: keyof typeof VARIANTS;
  busy?: boolean;
};

export function Button({ variant = 'primary', busy = false, className = '', children, disabled, ...rest }: Props) {
  return (
    <button
      type="button"
      {...rest}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      className={`inline-flex h-11 items-center justify-center gap-2 rounded-xl px-4 text-[15px] font-semibold transition-colors disabled:cursor-not-allowed ${VARIANTS[variant]} ${className}`}
    >
      {busy ? <Spinner className="size-4" /> : null}
      {children}
    </button>
  );
}

/** A square, icon-only button; `label` is its accessible name and tooltip. */
export function IconButton({
  label,
  className = '',
  children,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { label: string }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      {...rest}
      className={`inline-flex size-10 shrink-0 items-center justify-center rounded-full text-ink-2 transition-colors hover:bg-surface-2 hover:text-ink ${className}`}
    >
      {children}
    </button>
  );
}
