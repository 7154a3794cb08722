/**
 * Blocking from a direct chat's header (docs/SECURITY.md): Block / Unblock, and a notice in
 * the conversation while I block the other member. What a block does is the server's: our
 * direct chat goes quiet both ways, they cannot add me to chats or see my presence.
 */
import { useEffect, useState } from 'react';

import type { ChatMember } from '../../api/types';
import { useBlocks } from '../../state/blocks';
import { Button } from '../../ui/Button';

export function BlockButton({ peer }: { peer: ChatMember }) {
  const blocked = useBlocks((s) => s.blocked?.[peer.id] === true);
  const loaded = useBlocks((s) => s.blocked !== null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    useBlocks
      .getState()
      .load()
      .catch(() => setFailed(true));
  }, []);

  async function toggle() {
    setBusy(true);
    setFailed(false);
    try {
      await useBlocks.getState().set(peer.id, !blocked);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button
      variant={blocked ? 'secondary' : 'ghost'}
      busy={busy}
      disabled={!loaded && !failed}
      onClick={() => void toggle()}
      aria-label={`${blocked ? 'Unblock' : 'Block'} ${peer.display_name}`}
      title={failed ? 'That did not work. Try again.' : undefined}
      className="h-9 shrink-0 px-3 text-[14px]"
    >
      {blocked ? 'Unblock' : 'Block'}
    </Button>
  );
}

export function BlockedNotice({ peer }: { peer: ChatMember }) {
  const blocked = useBlocks((s) => s.blocked?.[peer.id] === true);
  if (!blocked) return null;
  return (
    <p role="status" className="border-b border-line bg-surface-2 px-4 py-2 text-center text-[13px] text-ink-2">
      You blocked {peer.display_name}. Neither of you can send messages here until you unblock them.
    </p>
  );
}
