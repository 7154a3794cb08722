/**
 * A chat request to me, open: who asks, what accepting and declining do, and the three
 * answers. Nothing of the chat shows (the server sends none of it) until I accept.
 */
import { useState } from 'react';

import type { Chat } from '../../api/types';
import { useAuth } from '../../state/auth';
import { acceptRequest, declineRequest, pendingMembers } from '../../state/requests';
import { Button, IconButton } from '../../ui/Button';
import { BackIcon } from '../../ui/icons';
import { ChatAvatar } from './ChatAvatar';

export function RequestPane({ chat, onBack }: { chat: Chat; onBack: () => void }) {
  const me = useAuth((s) => s.user?.id ?? '');
  const [busy, setBusy] = useState<'accept' | 'decline' | 'block' | null>(null);
  const [failed, setFailed] = useState(false);
  const from = chat.request?.from_name ?? 'Someone';
  const asks = chat.kind === 'group' ? `${from} wants to add you to ${chat.title}` : `${from} wants to chat with you`;

  async function run(which: 'accept' | 'decline' | 'block') {
    setBusy(which);
    setFailed(false);
    try {
      if (which === 'accept') await acceptRequest(chat.id);
      else await declineRequest(chat, which === 'block');
    } catch {
      setFailed(true);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex h-16 shrink-0 items-center gap-3 border-b border-line bg-surface px-3 md:px-5">
        <IconButton label="Back to chats" onClick={onBack} className="md:hidden">
          <BackIcon />
        </IconButton>
        <ChatAvatar chat={chat} me={me} online={false} size="sm" />
        <h2 className="min-w-0 flex-1 truncate text-[15px] font-semibold">{chat.title}</h2>
      </header>
      <section aria-label="Chat request" className="flex flex-1 flex-col items-center justify-center gap-4 p-8 text-center">
        <p className="text-lg font-semibold">{asks}</p>
        <p className="max-w-md text-[15px] text-ink-3">
          You don’t share a chat with {from} yet. Their messages show once you accept. If you decline, the request goes away and {from} is not
          told.
        </p>
        <div className="flex flex-wrap justify-center gap-2">
          <Button busy={busy === 'accept'} disabled={busy !== null} onClick={() => void run('accept')}>
            Accept
          </Button>
          <Button variant="secondary" busy={busy === 'decline'} disabled={busy !== null} onClick={() => void run('decline')}>
            Decline
          </Button>
          <Button variant="danger" busy={busy === 'block'} disabled={busy !== null} onClick={() => void run('block')}>
            Decline and block
          </Button>
        </div>
        {failed ? (
          <p role="alert" className="text-sm text-danger">
            That did not work. Try again.
          </p>
        ) : null}
      </section>
    </div>
  );
}

/** On the asker's side of a direct chat: the other has not accepted yet. */
export function PendingNotice({ chat }: { chat: Chat }) {
  const waiting = pendingMembers(chat);
  if (chat.kind !== 'direct' || waiting.length === 0) return null;
  const name = waiting[0]?.display_name ?? '';
  return (
    <p role="status" className="border-b border-line bg-surface-2 px-4 py-2 text-center text-[13px] text-ink-2">
      {name} has not accepted your request yet. They will see your messages once they do.
    </p>
  );
}
