/**
 * A chat's history: oldest at the top, newest at the bottom. Scrolling near the top loads the
 * page before (keeping what is on screen in place); new messages keep the view at the bottom
 * when it was there. Messages from others that scroll into view mark the chat read.
 */
import { Fragment, type KeyboardEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

import type { Chat, Message } from '../../api/types';
import { EMPTY_CHAT_MESSAGES, seenUpTo } from '../../state/messages';
import { type Outgoing } from '../../state/outgoing';
import { useOutbox } from '../../state/outbox';
import { useMyReadSeq, useReceipts } from '../../state/receipts';
import { useTimeline } from '../../state/timeline';
import { Spinner } from '../../ui/Spinner';
import { MessageAttachments } from '../attachments/MessageAttachments';

export function MessageList({ chat, me }: { chat: Chat; me: string }) {
  const held = useTimeline((s) => s.byChat[chat.id] ?? EMPTY_CHAT_MESSAGES);
  const outgoing = useOutbox((s) => s.byChat[chat.id] ?? NO_OUTGOING);
  const loadOlder = useTimeline((s) => s.loadOlder);
  const markRead = useReceipts((s) => s.markRead);
  const readSeq = useMyReadSeq(chat.id);
  const othersRead = useReceipts((s) => s.others[chat.id] ?? NO_MARKERS);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const restoreFromBottom = useRef<number | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { items } = held;

  const older = useCallback(() => {
    const el = scroller.current;
    if (!el || loadingOlder || !held.hasOlder) return;
    restoreFromBottom.current = el.scrollHeight - el.scrollTop;
    setLoadingOlder(true);
    loadOlder(chat.id).then(
      () => setLoadingOlder(false),
      (e: unknown) => {
        setLoadingOlder(false);
        setLoadError(e instanceof Error ? e.message : 'Could not load older messages');
      },
    );
  }, [chat.id, held.hasOlder, loadOlder, loadingOlder]);

  const outgoingCount = useRef(outgoing.length);

  // The pane shrinks when files are added above the composer (or the keyboard opens): stay at the bottom if there.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // After a render: keep the view where it was (older page added above), or at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Something I just sent shows at the bottom, wherever I had scrolled to.
    if (outgoing.length > outgoingCount.current) atBottom.current = true;
    outgoingCount.current = outgoing.length;
    if (restoreFromBottom.current !== null && !loadingOlder) {
      el.scrollTop = el.scrollHeight - restoreFromBottom.current;
      restoreFromBottom.current = null;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [items, outgoing, loadingOlder]);

  // When the first page does not fill the pane, there is nothing to scroll: fetch more now.
  useEffect(() => {
    const el = scroller.current;
    if (el && held.loaded && held.hasOlder && el.scrollHeight <= el.clientHeight + 40) older();
  }, [held.loaded, held.hasOlder, items.length, older]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    if (el.scrollTop < 120) older();
  }

  // Read receipts: the highest seq from others that is on screen marks the chat read (again
  // when the tab comes back into view).
  const [visibleTick, setVisibleTick] = useState(0);
  useEffect(() => {
    const onVisibility = () => {
      if (document.visibilityState === 'visible') setVisibleTick((n) => n + 1);
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);
  useEffect(() => {
    const root = scroller.current;
    if (!root) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (document.visibilityState !== 'visible') return;
        let max = 0;
        for (const e of entries) if (e.isIntersecting) max = Math.max(max, Number((e.target as HTMLElement).dataset.seq));
        if (max > 0) markRead(chat.id, max);
      },
      { root, threshold: 0.5 },
    );
    for (const el of root.querySelectorAll<HTMLElement>('[data-unread]')) observer.observe(el);
    return () => observer.disconnect();
  }, [chat.id, items, markRead, visibleTick]);

  const seen = seenUpTo(othersRead, me);
  const lastSeenOwn = [...items].reverse().find((m) => m.sender_id === me && m.seq <= seen && !m.deleted)?.seq;
  const lastOwn = [...items].reverse().find((m) => m.sender_id === me)?.seq;

  return (
    <div ref={scroller} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto px-3 py-4 md:px-8" data-testid="messages">
      <ol aria-label="Messages" className="mx-auto flex max-w-3xl flex-col gap-1">
        {held.hasOlder || loadingOlder ? (
          <li className="flex justify-center py-2">
            <Spinner className="size-5 text-ink-3" label="Loading older messages" />
          </li>
        ) : null}
        {loadError ? (
          <li role="alert" className="py-2 text-center text-sm text-danger">
            {loadError}
          </li>
        ) : null}
        {!held.loaded && items.length === 0 ? (
          <li className="flex justify-center py-8">
            <Spinner className="size-6 text-ink-3" label="Loading messages" />
          </li>
        ) : null}
        {held.loaded && !held.hasOlder && items.length === 0 && outgoing.length === 0 ? (
          <li className="mx-auto my-8 max-w-xs rounded-2xl bg-surface/90 px-6 py-4 text-center text-sm text-ink-3 shadow-sm ring-1 ring-line">
            This is the beginning of your conversation with {chat.title}.
          </li>
        ) : null}
        {items.map((m, i) => {
          const prev = items[i - 1];
          const newDay = !prev || dayKey(prev.created_at) !== dayKey(m.created_at);
          const mine = m.sender_id === me;
          const showName = chat.kind === 'group' && !mine && (newDay || prev?.sender_id !== m.sender_id);
          return (
            <Fragment key={m.seq}>
              {newDay ? <DateSeparator iso={m.created_at} /> : null}
              <StoredBubble
                chatId={chat.id}
                message={m}
                mine={mine}
                sender={showName ? (chat.members.find((x) => x.id === m.sender_id)?.display_name ?? 'Former member') : null}
                unread={!mine && m.seq > readSeq}
                seen={m.seq === lastSeenOwn}
                delivered={m.seq === lastOwn && m.seq !== lastSeenOwn}
              />
            </Fragment>
          );
        })}
        {outgoing.map((o, i) => (
          <Fragment key={o.client_message_id}>
            {i === 0 && (items.length === 0 || dayKey(items.at(-1)?.created_at ?? '') !== dayKey(o.created_at)) ? (
              <DateSeparator iso={o.created_at} />
            ) : null}
            <OutgoingBubble chatId={chat.id} item={o} />
          </Fragment>
        ))}
      </ol>
    </div>
  );
}

const NO_OUTGOING: Outgoing[] = [];
const NO_MARKERS: Record<string, number> = {};

function dayKey(iso: string): string {
  return new Date(iso).toDateString();
}

function DateSeparator({ iso }: { iso: string }) {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86_400_000);
  const label =
    d.toDateString() === today.toDateString()
      ? 'Today'
      : d.toDateString() === yesterday.toDateString()
        ? 'Yesterday'
        : d.toLocaleDateString(undefined, {
            weekday: 'long',
            day: 'numeric',
            month: 'long',
            year: d.getFullYear() === today.getFullYear() ? undefined : 'numeric',
          });
  return (
    <li role="separator" aria-label={label} className="sticky top-0 z-10 my-2 flex justify-center">
      <span className="rounded-full bg-surface/90 px-3 py-1 text-xs font-semibold text-ink-2 shadow-sm ring-1 ring-line backdrop-blur">
        {label}
      </span>
    </li>
  );
}

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

const BUBBLE = 'max-w-[85%] rounded-2xl px-3.5 py-2 text-[15px] leading-snug shadow-sm md:max-w-[70%]';
const MINE = 'bg-accent text-accent-ink rounded-br-md';
const THEIRS = 'bg-surface text-ink ring-1 ring-line rounded-bl-md';

function StoredBubble({
  chatId,
  message,
  mine,
  sender,
  unread,
  seen,
  delivered,
}: {
  chatId: string;
  message: Message;
  mine: boolean;
  sender: string | null;
  unread: boolean;
  seen: boolean;
  delivered: boolean;
}) {
  const edit = useTimeline((s) => s.edit);
  const remove = useTimeline((s) => s.remove);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.body);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
      setEditing(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'That did not work');
    } finally {
      setBusy(false);
    }
  }

  function onEditKey(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      setEditing(false);
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void run(() => edit(chatId, message.id, draft));
    }
  }

  return (
    <li
      data-seq={message.seq}
      data-unread={unread || undefined}
      data-mine={mine || undefined}
      className={`group flex flex-col ${mine ? 'items-end' : 'items-start'}`}
    >
      {sender ? <span className="mb-0.5 ml-3 mt-1 text-xs font-semibold text-ink-2">{sender}</span> : null}
      <div className={`flex w-full items-center gap-1 ${mine ? 'flex-row-reverse justify-start' : ''}`}>
        <div className={`${BUBBLE} ${mine ? MINE : THEIRS} ${message.deleted ? 'opacity-70' : ''}`}>
          {editing ? (
            <div className="flex flex-col gap-2">
              <label className="sr-only" htmlFor={`edit-${message.id}`}>
                Edit message
              </label>
              <textarea
                id={`edit-${message.id}`}
                autoFocus
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                onKeyDown={onEditKey}
                rows={Math.min(6, draft.split('\n').length + 1)}
                className="w-64 max-w-full resize-none rounded-lg bg-surface px-2 py-1 text-ink"
              />
              <div className="flex justify-end gap-2 text-sm font-semibold">
                <button type="button" onClick={() => setEditing(false)} className="rounded px-2 py-0.5 hover:underline">
                  Cancel
                </button>
                <button
                  type="button"
                  disabled={busy || !draft.trim()}
                  onClick={() => void run(() => edit(chatId, message.id, draft))}
                  className="rounded bg-surface px-2 py-0.5 text-accent disabled:opacity-50"
                >
                  Save
                </button>
              </div>
            </div>
          ) : message.deleted ? (
            <p className="italic">This message was deleted</p>
          ) : (
            <>
              <MessageAttachments attachments={message.attachments ?? []} mine={mine} />
              {message.body ? <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{message.body}</p> : null}
            </>
          )}
          <p className={`mt-0.5 text-right text-[11px] ${mine ? 'text-accent-ink/75' : 'text-ink-3'}`}>
            {message.edited_at && !message.deleted ? 'edited · ' : ''}
            {time(message.created_at)}
          </p>
        </div>
        {mine && !message.deleted && !editing ? (
          <div className="flex shrink-0 gap-0.5 opacity-0 transition-opacity group-hover:opacity-100 focus-within:opacity-100 [@media(hover:none)]:opacity-60">
            <button
              type="button"
              aria-label="Edit message"
              title="Edit"
              onClick={() => {
                setDraft(message.body);
                setEditing(true);
              }}
              className="rounded-full px-2 py-1 text-xs font-semibold text-ink-2 hover:bg-surface"
            >
              Edit
            </button>
            <button
              type="button"
              aria-label="Delete message"
              title="Delete"
              disabled={busy}
              onClick={() => void run(() => remove(chatId, message.id))}
              className="rounded-full px-2 py-1 text-xs font-semibold text-danger hover:bg-surface"
            >
              Delete
            </button>
          </div>
        ) : null}
      </div>
      {error ? (
        <p role="alert" className="mr-1 mt-0.5 text-xs text-danger">
          {error}
        </p>
      ) : null}
      {seen ? <p className="mr-1 mt-0.5 text-xs font-semibold text-ink-3">Seen</p> : null}
      {delivered ? <p className="mr-1 mt-0.5 text-xs text-ink-3">Sent</p> : null}
    </li>
  );
}

function OutgoingBubble({ chatId, item }: { chatId: string; item: Outgoing }) {
  const retry = useOutbox((s) => s.retry);
  const discard = useOutbox((s) => s.discard);
  const failed = item.status === 'failed';
  return (
    <li data-pending={item.status} className="flex flex-col items-end">
      <div className={`${BUBBLE} ${MINE} ${failed ? 'opacity-80 ring-2 ring-danger' : 'opacity-75'}`}>
        <MessageAttachments attachments={item.attachments} mine />
        {item.body ? <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{item.body}</p> : null}
        <p className="mt-0.5 text-right text-[11px] text-accent-ink/75">{failed ? 'Not sent' : 'Sending…'}</p>
      </div>
      {failed ? (
        <p role="alert" className="mr-1 mt-0.5 flex items-center gap-2 text-xs text-danger">
          {item.error ?? 'Not sent'}
          <button type="button" onClick={() => retry(chatId, item.client_message_id)} className="font-semibold underline">
            Retry
          </button>
          <button type="button" onClick={() => discard(chatId, item.client_message_id)} className="font-semibold underline">
            Discard
          </button>
        </p>
      ) : null}
    </li>
  );
}
