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
 * Known limit: a message deleted after the baseline was taken still counts until the next
 * chat answer (nothing says whether the baseline had counted it).
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
  const above = Math.max(baseline.atSeq, marker);
  const beyond = items.filter((m) => m.seq > above && countable(m)).length;
  return Math.max(0, counted) + beyond;
}

/** The unread count of one chat, live. */
export function useUnreadCount(chatId: string): number {
  const baseline = useChatList((s) => s.baselines[chatId] ?? NO_BASELINE);
  const read = useMyReadSeq(chatId);
  const items = useTimeline((s) => (s.byChat[chatId] ?? EMPTY_CHAT_MESSAGES).items);
  const me = useAuth((s) => s.user?.id ?? '');
  return useMemo(() => unreadCount(baseline, read, items, me), [baseline, read, items, me]);
}
