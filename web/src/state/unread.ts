/**
 * Unread counts, derived rather than counted up, so that no race can leave them short or long.
 *
 * The server's `unread_count` is true at the `last_seq` and `last_read_seq` it was computed with
 * (the baseline, kept by the chat list from the freshest chat answer). On top of it: the
 * messages from others that are held with a greater seq (each seq once, since the timeline
 * holds one message per seq; deleted ones not), less those my marker has passed since. A
 * `new_message` arriving while `GET /api/chats/{id}` is in flight is thus counted once either
 * way: by the answer (computed after it was stored) or as held beyond the answer's `last_seq`.
 *
 * A message from someone else that becomes deleted after the baseline was taken, with a seq the
 * baseline counted (above its marker, at most its `last_seq`), is taken off too: the chat list
 * records its seq with the baseline (`deleted`), and a fresher baseline starts a new record, its
 * count having left it out already. "Becomes deleted": a `message_updated` push says so (it is
 * sent as the deletion happens, so it is news), or a page brings a deleted copy of a message
 * held undeleted; a deleted copy in a page of a message never held is not, since it may have
 * been deleted before the baseline was counted. Nothing tells exactly when a deletion fell
 * relative to the server's count, so in a race (an answer computed before the deletion arriving
 * after its push, or a push arriving after an answer computed after the deletion) the count is
 * off by one until the next chat answer (see docs/WEB.md).
 *
 * My marker moved by another tab or device (a `read` event) lowers the count by the messages
 * held between the markers; `readCounted` says when that cannot be known (they were never held
 * here), and the router then asks the server for the chat.
 */
import { useMemo } from 'react';

import type { Message } from '../api/types';
import { useAuth } from './auth';
import { useChatList } from './chatList';
import { EMPTY_CHAT_MESSAGES } from './messages';
import { useMyReadSeq } from './receipts';
import { useTimeline } from './timeline';

/** A server answer's unread count and what it was computed at. */
export interface UnreadBaseline {
  count: number;
  /** The chat's `last_seq` in that answer. */
  atSeq: number;
  /** My `last_read_seq` in that answer. */
  readSeq: number;
  /** Seqs in (`readSeq`, `atSeq`] of messages from others that became deleted since the answer. */
  deleted?: readonly number[];
}

export const NO_BASELINE: UnreadBaseline = { count: 0, atSeq: 0, readSeq: 0 };

/** The unread count for a chat: the baseline, my marker `read`, the messages held, and who I am. */
export function unreadCount(baseline: UnreadBaseline, read: number, items: Message[], me: string): number {
  const marker = Math.max(read, baseline.readSeq);
  const countable = (m: Message) => m.sender_id !== me && !m.deleted;
  let counted = baseline.count;
  if (marker >= baseline.atSeq) counted = 0;
  else if (marker > baseline.readSeq) {
    // Of what the server counted, the ones I have read since.
    counted -= items.filter((m) => m.seq > baseline.readSeq && m.seq <= marker && countable(m)).length;
  }
  // Counted by the server, deleted since (held as deleted, so not in the term above).
  if (marker < baseline.atSeq) counted -= baseline.deleted?.length ?? 0;
  const above = Math.max(baseline.atSeq, marker);
  const beyond = items.filter((m) => m.seq > above && countable(m)).length;
  return Math.max(0, counted) + beyond;
}

/**
 * Whether `unreadCount` is exact with my marker at `read`: the messages between the baseline's
 * marker and mine must be held (whose they are and whether deleted decides what they took off),
 * unless my marker is past everything the baseline counted.
 */
export function readCounted(baseline: UnreadBaseline, read: number, items: Message[]): boolean {
  if (read <= baseline.readSeq || read >= baseline.atSeq) return true;
  // One message per seq is held, so a full range has exactly this many.
  return items.filter((m) => m.seq > baseline.readSeq && m.seq <= read).length === read - baseline.readSeq;
}

/** The unread count of one chat, live. */
export function useUnreadCount(chatId: string): number {
  const baseline = useChatList((s) => s.baselines[chatId] ?? NO_BASELINE);
  const read = useMyReadSeq(chatId);
  const items = useTimeline((s) => (s.byChat[chatId] ?? EMPTY_CHAT_MESSAGES).items);
  const me = useAuth((s) => s.user?.id ?? '');
  return useMemo(() => unreadCount(baseline, read, items, me), [baseline, read, items, me]);
}
