/** The left pane: who I am, the people search, a new group, and my chats. */
import { useRef, useState } from 'react';

import type { PublicUser } from '../../api/types';
import { useUserSearch } from '../../hooks/useUserSearch';
import { useAuth } from '../../state/auth';
import { useChatList } from '../../state/chatList';
import { useNavigation } from '../../state/navigation';
import { Avatar } from '../../ui/Avatar';
import { IconButton } from '../../ui/Button';
import { PeopleIcon, SettingsIcon } from '../../ui/icons';
import { ChatList } from '../chats/ChatList';
import { SearchResults } from '../search/SearchResults';
import { UserSearchBox } from '../search/UserSearchBox';

export function Sidebar({
  className = '',
  onOpenSettings,
  onNewGroup,
}: {
  className?: string;
  onOpenSettings: () => void;
  onNewGroup: () => void;
}) {
  const me = useAuth((s) => s.user);
  const directChatWith = useChatList((s) => s.directChatWith);
  const openChat = useNavigation((s) => s.openChat);
  const notice = useNavigation((s) => s.notice);
  const dismissNotice = useNavigation((s) => s.dismissNotice);
  const [query, setQuery] = useState('');
  const [startError, setStartError] = useState<string | null>(null);
  const search = useUserSearch(query);
  const searchRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);

  function pick(user: PublicUser) {
    setStartError(null);
    directChatWith(user).then(
      (chat) => {
        setQuery('');
        openChat(chat.id);
      },
      (error: unknown) => setStartError(error instanceof Error ? error.message : 'Could not start the chat'),
    );
  }

  return (
    <aside aria-label="Chats and people" className={`min-h-0 w-full flex-col border-line bg-surface md:w-[340px] md:border-r lg:w-[380px] ${className}`}>
      <header className="flex items-center gap-2 px-4 pb-2 pt-3">
        {me ? (
          <button
            type="button"
            onClick={onOpenSettings}
            aria-label={`Your profile: ${me.display_name}`}
            title="Profile and settings"
            className="rounded-full"
          >
            <Avatar id={me.id} name={me.display_name} size="sm" />
          </button>
        ) : null}
        <h1 className="flex-1 truncate pl-1 text-xl font-bold tracking-tight">Chats</h1>
        <IconButton label="New group" onClick={onNewGroup}>
          <PeopleIcon />
        </IconButton>
        <IconButton label="Settings" onClick={onOpenSettings}>
          <SettingsIcon />
        </IconButton>
      </header>
      <div className="px-4 pb-2">
        <UserSearchBox
          ref={searchRef}
          value={query}
          onChange={setQuery}
          busy={search.loading}
          onArrowDown={() => resultsRef.current?.querySelector<HTMLButtonElement>('button[data-result]')?.focus()}
        />
      </div>
      {startError ? (
        <p role="alert" className="px-5 pb-2 text-sm text-danger">
          {startError}
        </p>
      ) : null}
      {notice ? (
        <div aria-live="polite" data-testid="notice" className="mx-4 mb-2 flex items-start gap-2 rounded-xl bg-surface-2 px-3 py-2 text-sm text-ink-2">
          <p className="flex-1">{notice}</p>
          <button type="button" onClick={dismissNotice} className="shrink-0 font-semibold text-accent hover:underline">
            OK
          </button>
        </div>
      ) : null}
      <div ref={resultsRef} className="flex min-h-0 flex-1 flex-col">
        {search.active ? (
          <SearchResults search={search} query={query} onPick={pick} onLeaveTop={() => searchRef.current?.focus()} />
        ) : (
          <ChatList onFindPeople={() => searchRef.current?.focus()} />
        )}
      </div>
    </aside>
  );
}
