import type { Ref } from 'react';

import { CloseIcon, SearchIcon } from '../../ui/icons';

type Props = {
  value: string;
  onChange: (value: string) => void;
  /** ArrowDown from the box moves into the results. */
  onArrowDown: () => void;
  busy: boolean;
  ref?: Ref<HTMLInputElement>;
};

export function UserSearchBox({ value, onChange, onArrowDown, busy, ref }: Props) {
  return (
    <div role="search" className="relative">
      <label htmlFor="people-search" className="sr-only">
        Search people
      </label>
      <SearchIcon className="pointer-events-none absolute left-3.5 top-1/2 size-[18px] -translate-y-1/2 text-ink-3" />
      <input
        ref={ref}
        id="people-search"
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && value) {
            e.preventDefault();
            onChange('');
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            onArrowDown();
          }
        }}
        placeholder="Search people"
        title="Search by name or e-mail address"
        autoComplete="off"
        spellCheck={false}
        aria-controls="people-results"
        aria-busy={busy || undefined}
        className="h-10 w-full rounded-full border border-transparent bg-surface-2 pl-10 pr-10 text-[15px] text-ink placeholder:text-ink-3 focus:border-accent focus:bg-surface focus:outline-none [&::-webkit-search-cancel-button]:hidden"
      />
      {value ? (
        <button
          type="button"
          onClick={() => onChange('')}
          aria-label="Clear search"
          className="absolute right-1.5 top-1/2 inline-flex size-7 -translate-y-1/2 items-center justify-center rounded-full text-ink-3 hover:bg-surface-3 hover:text-ink"
        >
          <CloseIcon className="size-4" />
        </button>
      ) : null}
    </div>
  );
}
