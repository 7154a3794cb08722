/**
 * The right pane: the open conversation, or a welcome when none is open. On a phone it replaces
 * the sidebar while a conversation is open, with a back button.
 */
import { useEffect, useRef } from 'react';

import type { PublicUser } from '../../api/types';
import { lastSeen } from '../../lib/time';
import { useChats } from '../../state/chats';
import { Avatar } from '../../ui/Avatar';
import { IconButton } from '../../ui/Button';
import { BackIcon, ChatIcon, SendIcon } from '../../ui/icons';

export function ConversationPane({ className = '' }: { className?: string }) {
  const open = useChats((s) => s.open);
  const close = useChats((s) => s.closeConversation);
  return (
    <main aria-label="Conversation" className={`chat-wallpaper min-h-0 min-w-0 flex-1 flex-col ${className}`}>
      {open.kind === 'draft' ? <DraftConversation key={open.peer.id} peer={open.peer} onBack={close} /> : <NothingOpen />}
    </main>
  );
}

function NothingOpen() {
  return (
    <div className="flex flex-1 flex-col items-center justify-center p-8 text-center">
      <span className="mb-5 inline-flex size-20 items-center justify-center rounded-3xl bg-surface text-accent shadow-sm ring-1 ring-line">
        <ChatIcon className="size-10" />
      </span>
      <h2 className="text-xl font-bold tracking-tight">Your messages</h2>
      <p className="mt-2 max-w-sm text-[15px] text-ink-3">
        Pick a conversation on the left, or search for someone to start a new one.
      </p>
    </div>
  );
}

function DraftConversation({ peer, onBack }: { peer: PublicUser; onBack: () => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const seen = lastSeen(peer.last_seen_at);

  // Move focus into the conversation when it opens, so keyboard and screen-reader users follow.
  useEffect(() => headingRef.current?.focus(), []);

  return (
    <>
      <header className="flex h-16 shrink-0 items-center gap-3 border-b border-line bg-surface px-3 md:px-5">
        <IconButton label="Back to chats" onClick={onBack} className="md:hidden">
          <BackIcon />
        </IconButton>
        <Avatar id={peer.id} name={peer.display_name} size="sm" />
        <div className="min-w-0">
          <h2 ref={headingRef} tabIndex={-1} className="truncate text-[15px] font-semibold leading-tight focus:outline-none">
            {peer.display_name}
          </h2>
          {seen ? <p className="truncate text-[13px] text-ink-3">{seen}</p> : null}
        </div>
      </header>
      <div className="flex min-h-0 flex-1 flex-col items-center justify-center overflow-y-auto p-6">
        <div className="max-w-xs rounded-2xl bg-surface/90 px-6 py-5 text-center shadow-sm ring-1 ring-line backdrop-blur">
          <div className="mb-3 flex justify-center">
            <Avatar id={peer.id} name={peer.display_name} size="lg" />
          </div>
          <p className="text-[15px] font-semibold">{peer.display_name}</p>
          <p className="mt-1 text-sm text-ink-3">This is the beginning of your conversation.</p>
        </div>
      </div>
      <Composer />
    </>
  );
}

/** The message box. Disabled until sending lands with the chat API. */
function Composer() {
  return (
    <form
      className="shrink-0 border-t border-line bg-surface px-3 py-3 md:px-5"
      onSubmit={(e) => e.preventDefault()}
      aria-describedby="composer-note"
    >
      <p id="composer-note" className="mb-2 text-center text-xs text-ink-3">
        Sending messages arrives with the next update.
      </p>
      <div className="flex items-end gap-2">
        <label htmlFor="composer" className="sr-only">
          Message
        </label>
        <textarea
          id="composer"
          rows={1}
          disabled
          placeholder="Write a message…"
          className="max-h-40 min-h-11 flex-1 resize-none rounded-2xl border border-line bg-surface-2 px-4 py-2.5 text-[15px] placeholder:text-ink-3 disabled:cursor-not-allowed"
        />
        <button
          type="submit"
          disabled
          aria-label="Send"
          className="inline-flex size-11 shrink-0 items-center justify-center rounded-full bg-accent text-accent-ink disabled:opacity-40"
        >
          <SendIcon />
        </button>
      </div>
    </form>
  );
}
