/** People matching the search box; picking one starts (today: drafts) a direct chat. */
import type { KeyboardEvent } from 'react';

import type { PublicUser } from '../../api/types';
import type { UserSearch } from '../../hooks/useUserSearch';
import { lastSeen } from '../../lib/time';
import { Avatar } from '../../ui/Avatar';
import { Spinner } from '../../ui/Spinner';

type Props = {
  search: UserSearch;
  query: string;
  onPick: (user: PublicUser) => void;
  /** ArrowUp from the first result goes back to the box. */
  onLeaveTop: () => void;
};

export function SearchResults({ search, query, onPick, onLeaveTop }: Props) {
  const users = search.users ?? [];

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>('button[data-result]'));
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    event.preventDefault();
    if (event.key === 'ArrowUp' && index <= 0) {
      onLeaveTop();
      return;
    }
    buttons[event.key === 'ArrowDown' ? Math.min(index + 1, buttons.length - 1) : index - 1]?.focus();
  }

  return (
    <section aria-labelledby="people-heading" className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center justify-between px-5 pb-1 pt-3">
        <h2 id="people-heading" className="text-xs font-semibold uppercase tracking-wider text-ink-3">
          People
        </h2>
        {search.loading ? <Spinner className="size-4 text-ink-3" label="Searching" /> : null}
      </div>
      <div aria-live="polite" className="sr-only">
        {!search.loading && search.users ? `${users.length} ${users.length === 1 ? 'person' : 'people'} found` : ''}
      </div>
      {search.error ? (
        <p role="alert" className="px-5 py-3 text-sm text-danger">
          {search.error}
        </p>
      ) : null}
      {!search.loading && !search.error && search.users && users.length === 0 ? (
        <p className="px-5 py-6 text-center text-sm text-ink-3">
          No one found for “{query.trim()}”.
          <br />
          Try the start of a name or a full e-mail address.
        </p>
      ) : null}
      {search.loading && search.users === null ? <Placeholders /> : null}
      <ul id="people-results" aria-label="Search results" onKeyDown={onKeyDown} className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {users.map((user) => {
          const seen = lastSeen(user.last_seen_at);
          return (
            <li key={user.id}>
              <button
                type="button"
                data-result
                onClick={() => onPick(user)}
                className="flex w-full items-center gap-3 rounded-xl px-3 py-2.5 text-left transition-colors hover:bg-surface-2 focus-visible:bg-surface-2 focus-visible:outline-offset-[-2px]"
              >
                <Avatar id={user.id} name={user.display_name} />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-[15px] font-semibold text-ink">{user.display_name}</span>
                  <span className="block truncate text-sm text-ink-3">{seen ?? 'Start a conversation'}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Grey rows where the first results will appear. */
function Placeholders() {
  return (
    <div aria-hidden="true" className="px-2">
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex items-center gap-3 px-3 py-2.5">
          <span className="size-11 shrink-0 animate-pulse rounded-full bg-surface-3" />
          <span className="flex-1 space-y-2">
            <span className="block h-3.5 w-2/5 animate-pulse rounded bg-surface-3" />
            <span className="block h-3 w-3/5 animate-pulse rounded bg-surface-2" />
          </span>
        </div>
      ))}
    </div>
  );
}
