/** A new group: a title and members picked by searching people. A modal <dialog>, full screen on a phone. */
import { type FormEvent, useEffect, useRef, useState } from 'react';

import type { PublicUser } from '../../api/types';
import { useUserSearch } from '../../hooks/useUserSearch';
import { useChatList } from '../../state/chatList';
import { useNavigation } from '../../state/navigation';
import { Avatar } from '../../ui/Avatar';
import { Button, IconButton } from '../../ui/Button';
import { CloseIcon } from '../../ui/icons';
import { TextField } from '../../ui/TextField';

export function NewGroupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      aria-labelledby="new-group-title"
      className="m-0 h-dvh max-h-none w-full max-w-none bg-transparent p-0 text-ink backdrop:bg-black/45 sm:m-auto sm:h-auto sm:max-h-[calc(100dvh-4rem)] sm:w-[440px] sm:rounded-3xl"
    >
      {open ? <NewGroup onClose={onClose} /> : null}
    </dialog>
  );
}

function NewGroup({ onClose }: { onClose: () => void }) {
  const createGroup = useChatList((s) => s.createGroup);
  const openChat = useNavigation((s) => s.openChat);
  const [title, setTitle] = useState('');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<PublicUser[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const search = useUserSearch(query);
  const results = (search.users ?? []).filter((u) => !picked.some((p) => p.id === u.id));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const chat = await createGroup(title, picked);
      openChat(chat.id);
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not create the group');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex h-full flex-col bg-surface sm:h-auto sm:max-h-[calc(100dvh-4rem)] sm:rounded-3xl">
      <header className="flex items-center gap-2 border-b border-line px-4 py-3">
        <h2 id="new-group-title" className="flex-1 pl-1 text-lg font-bold">
          New group
        </h2>
        <IconButton label="Close" onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </header>
      <div className="flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto p-5 sm:min-h-64">
        <TextField label="Group name" name="title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={100} required />
        <div>
          <label htmlFor="group-member-search" className="mb-1.5 block text-sm font-semibold text-ink-2">
            Add people
          </label>
          <input
            id="group-member-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search by name or e-mail"
            autoComplete="off"
            className="h-11 w-full rounded-xl border border-line bg-surface-2 px-3 text-[15px] focus:border-accent focus:outline-none"
          />
        </div>
        {picked.length > 0 ? (
          <ul aria-label="Members" className="flex flex-wrap gap-2">
            {picked.map((u) => (
              <li key={u.id} className="flex items-center gap-1.5 rounded-full bg-accent-soft py-1 pl-1 pr-2 text-sm font-semibold text-accent">
                <Avatar id={u.id} name={u.display_name} size="sm" />
                {u.display_name}
                <button
                  type="button"
                  aria-label={`Remove ${u.display_name}`}
                  onClick={() => setPicked(picked.filter((p) => p.id !== u.id))}
                  className="rounded-full p-0.5 hover:bg-surface"
                >
                  <CloseIcon className="size-4" />
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {search.active ? (
          <ul aria-label="People to add" className="-mx-2">
            {results.map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  onClick={() => {
                    setPicked([...picked, u]);
                    setQuery('');
                  }}
                  className="flex w-full items-center gap-3 rounded-xl px-2 py-2 text-left hover:bg-surface-2"
                >
                  <Avatar id={u.id} name={u.display_name} size="sm" />
                  <span className="truncate text-[15px] font-semibold">{u.display_name}</span>
                </button>
              </li>
            ))}
            {!search.loading && search.users && results.length === 0 ? <li className="px-2 text-sm text-ink-3">No one found.</li> : null}
          </ul>
        ) : null}
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
      </div>
      <footer className="flex justify-end gap-2 border-t border-line px-5 py-3">
        <Button variant="ghost" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" busy={busy} disabled={!title.trim() || picked.length === 0}>
          Create group
        </Button>
      </footer>
    </form>
  );
}
