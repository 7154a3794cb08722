/**
 * A group's members: who is in it (owner, online or last seen), and for the owner adding people
 * (found by search) and removing them; anyone can leave (after a second click, since only the
 * owner can bring them back). The list follows the membership events while it is open. A modal
 * <dialog>, full screen on a phone.
 */
import { useEffect, useRef, useState } from 'react';

import type { Chat, ChatMember, PublicUser } from '../../api/types';
import { useUserSearch } from '../../hooks/useUserSearch';
import { lastSeen } from '../../lib/time';
import { useAuth } from '../../state/auth';
import { useConnection } from '../../state/connection';
import { addMember, leaveGroup, removeMember } from '../../state/membership';
import { usePresenceOf } from '../../state/presence';
import { Avatar } from '../../ui/Avatar';
import { Button, IconButton } from '../../ui/Button';
import { CloseIcon } from '../../ui/icons';
import { sentence } from '../auth/formErrors';

export function GroupMembersDialog({ chat, open, onClose }: { chat: Chat; open: boolean; onClose: () => void }) {
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
      aria-labelledby="group-members-title"
      className="m-0 h-dvh max-h-none w-full max-w-none bg-transparent p-0 text-ink backdrop:bg-black/45 sm:m-auto sm:h-auto sm:max-h-[calc(100dvh-4rem)] sm:w-[440px] sm:rounded-3xl"
    >
      {open ? <Members chat={chat} onClose={onClose} /> : null}
    </dialog>
  );
}

function Members({ chat, onClose }: { chat: Chat; onClose: () => void }) {
  const me = useAuth((s) => s.user?.id ?? '');
  const owner = chat.my_role === 'owner';
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);

  /** Runs a change, showing the API's words if it is refused. */
  async function run(key: string, change: () => Promise<void>) {
    setBusy(key);
    setError(null);
    try {
      await change();
    } catch (e) {
      setError(e instanceof Error ? sentence(e.message) : 'Something went wrong. Please try again.');
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="flex h-full flex-col bg-surface sm:h-auto sm:max-h-[calc(100dvh-4rem)] sm:rounded-3xl">
      <header className="flex items-center gap-2 border-b border-line px-4 py-3">
        <div className="min-w-0 flex-1 pl-1">
          <h2 id="group-members-title" className="text-lg font-bold">
            Group members
          </h2>
          <p className="truncate text-sm text-ink-3">
            {chat.title} · {chat.member_count} {chat.member_count === 1 ? 'member' : 'members'}
          </p>
        </div>
        <IconButton label="Close" onClick={onClose}>
          <CloseIcon />
        </IconButton>
      </header>
      <div className="flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto p-5 sm:min-h-64">
        {owner ? <AddPeople chat={chat} busy={busy !== null} onAdd={(u) => run(`add:${u.id}`, () => addMember(chat.id, u))} /> : null}
        <ul aria-label="Members" className="-mx-2">
          {chat.members.map((m) => (
            <MemberRow
              key={m.id}
              member={m}
              me={m.id === me}
              busy={busy === `remove:${m.id}`}
              onRemove={owner && m.id !== me && !m.pending ? () => run(`remove:${m.id}`, () => removeMember(chat.id, m.id)) : undefined}
            />
          ))}
        </ul>
        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}
      </div>
      <footer className="flex items-center justify-end gap-2 border-t border-line px-5 py-3">
        {confirmLeave ? (
          <>
            <p className="mr-auto text-sm text-ink-2">Leave {chat.title}?</p>
            <Button variant="ghost" onClick={() => setConfirmLeave(false)}>
              Cancel
            </Button>
            <Button variant="danger" busy={busy === 'leave'} onClick={() => run('leave', () => leaveGroup(chat.id))}>
              Leave
            </Button>
          </>
        ) : (
          <Button variant="danger" onClick={() => setConfirmLeave(true)}>
            Leave group
          </Button>
        )}
      </footer>
    </div>
  );
}

function MemberRow({ member, me, busy, onRemove }: { member: ChatMember; me: boolean; busy: boolean; onRemove?: () => void }) {
  const presence = usePresenceOf(member.id);
  const connected = useConnection((s) => s.status === 'online');
  // While my own connection is down, others' presence is unknown.
  // Someone asked in by a request shows as invited until they accept (no presence before).
  const status = member.pending ? 'invited' : me ? null : !connected ? null : presence.online ? 'online' : lastSeen(presence.last_seen_at ?? member.last_seen_at);
  return (
    <li className="flex items-center gap-3 rounded-xl px-2 py-2">
      <Avatar id={member.id} name={member.display_name} size="sm" />
      <span className="min-w-0 flex-1">
        <span data-testid="member-name" className="block truncate text-[15px] font-semibold">
          {member.display_name}
          {me ? <span className="font-normal text-ink-3"> (you)</span> : null}
        </span>
        <span className={`block truncate text-[13px] ${status === 'online' ? 'text-success' : 'text-ink-3'}`}>
          {[member.role === 'owner' ? 'Owner' : null, status].filter(Boolean).join(' · ') || '\u00a0'}
        </span>
      </span>
      {onRemove ? (
        <Button variant="ghost" className="h-9 px-3 text-sm" busy={busy} onClick={onRemove} aria-label={`Remove ${member.display_name}`}>
          Remove
        </Button>
      ) : null}
    </li>
  );
}

function AddPeople({ chat, busy, onAdd }: { chat: Chat; busy: boolean; onAdd: (user: PublicUser) => Promise<void> }) {
  const [query, setQuery] = useState('');
  const search = useUserSearch(query);
  const results = (search.users ?? []).filter((u) => !chat.members.some((m) => m.id === u.id));
  return (
    <div>
      <label htmlFor="group-add-search" className="mb-1.5 block text-sm font-semibold text-ink-2">
        Add people
      </label>
      <input
        id="group-add-search"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Search by name or e-mail"
        autoComplete="off"
        className="h-11 w-full rounded-xl border border-line bg-surface-2 px-3 text-[15px] focus:border-accent focus:outline-none"
      />
      {search.active ? (
        <ul aria-label="People to add" className="-mx-2 mt-2">
          {results.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                disabled={busy}
                onClick={() => void onAdd(u).then(() => setQuery(''))}
                className="flex w-full items-center gap-3 rounded-xl px-2 py-2 text-left hover:bg-surface-2 disabled:opacity-60"
              >
                <Avatar id={u.id} name={u.display_name} size="sm" />
                <span className="truncate text-[15px] font-semibold">{u.display_name}</span>
              </button>
            </li>
          ))}
          {!search.loading && search.users && results.length === 0 ? <li className="px-2 text-sm text-ink-3">No one to add.</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
