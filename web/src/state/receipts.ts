/**
 * Read markers: mine per chat (how far I have read here, and how far the server has confirmed
 * storing), and the other members' (for "Seen").
 *
 * My marker goes to the server by REST only (`POST /api/chats/{id}/read`), because its answer,
 * the stored marker, is the confirmation: the WebSocket `mark_read` has no acknowledgement, and
 * the `read` event, which also reaches my own connections, is not tied to any request (and is
 * best effort). A `read` event for me moves my marker here too, so another tab's or device's
 * reading lowers this page's unread counts. Until the server has confirmed a
 * marker at least as far as mine, it is retried: at most one request per chat per
 * `MARK_READ_THROTTLE_MS` (the first one waits that long, gathering a scroll's worth of
 * reads), one in flight per chat, failures retried with backoff, and everything unconfirmed
 * sent again after every catch-up. The server's marker only moves forward, so a repeat is
 * harmless. See docs/WEB.md, "Healing".
 */
import { create } from 'zustand';

import { api } from '../api';
import { errorCode, isServerTrouble } from '../api/errors';
import type { Chat, ServerEventOf } from '../api/types';
import { backoffDelay } from './connection';

export const MARK_READ_THROTTLE_MS = 500;

export interface MyMarker {
  /** The highest seq I have read on this page (or the server had for me). */
  read: number;
  /** The highest seq the server has confirmed storing as my marker. */
  confirmed: number;
}

interface ReceiptsState {
  mine: Record<string, MyMarker>;
  /** chat id -> user id -> how far they have read. */
  others: Record<string, Record<string, number>>;
  /** A chat answer: my stored marker (a confirmation) and the members' markers. */
  fromChats(chats: Chat[], me: string): void;
  /** I have read up to `seq` (it was on screen). */
  markRead(chatId: string, seq: number): void;
  /** Another member's marker moved. */
  applyRead(event: ServerEventOf<'read'>): void;
  /** My marker moved on the server (a `read` event for me: another tab or device, or this one): forward only. */
  readElsewhere(chatId: string, seq: number): void;
  /** Sends every marker the server has not confirmed (after a catch-up). */
  resendUnconfirmed(): void;
  reset(): void;
}

interface Sender {
  timer?: ReturnType<typeof setTimeout>;
  inFlight: boolean;
  failures: number;
}

const senders = new Map<string, Sender>();
// Bumped by reset, so an answer for a signed-out session is dropped.
let generation = 0;

function sender(chatId: string): Sender {
  let s = senders.get(chatId);
  if (!s) {
    s = { inFlight: false, failures: 0 };
    senders.set(chatId, s);
  }
  return s;
}

export const useReceipts = create<ReceiptsState>()((set, get) => {
  function marker(chatId: string): MyMarker {
    return get().mine[chatId] ?? { read: 0, confirmed: 0 };
  }
  function putMarker(chatId: string, next: MyMarker) {
    const held = marker(chatId);
    if (held.read === next.read && held.confirmed === next.confirmed) return;
    set((s) => ({ mine: { ...s.mine, [chatId]: next } }));
  }
  function due(chatId: string): boolean {
    const m = marker(chatId);
    return m.read > m.confirmed;
  }

  /** Sends after `delay` unless a send is already waiting or in flight (that one re-checks). */
  function schedule(chatId: string, delay: number) {
    const s = sender(chatId);
    if (s.timer !== undefined || s.inFlight || !due(chatId)) return;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void send(chatId);
    }, delay);
  }

  async function send(chatId: string) {
    const s = sender(chatId);
    if (s.inFlight || !due(chatId)) return;
    const seq = marker(chatId).read;
    const started = generation;
    s.inFlight = true;
    try {
      const stored = await api.chats.markRead(chatId, seq);
      if (started !== generation) return;
      s.failures = 0;
      const m = marker(chatId);
      // The server clamps to the chat's last seq; what it answered covers what was sent.
      putMarker(chatId, { read: Math.max(m.read, stored.last_read_seq), confirmed: Math.max(m.confirmed, stored.last_read_seq, seq) });
    } catch (error) {
      if (started !== generation) return;
      // The API's refusal (left the chat, bad seq) will not change by retrying; anything else
      // (no answer, the server's trouble, a proxy's answer) might.
      const code = errorCode(error);
      if (code !== null && !isServerTrouble(code)) {
        const m = marker(chatId);
        putMarker(chatId, { ...m, confirmed: Math.max(m.confirmed, seq) });
      } else {
        s.failures += 1;
      }
    } finally {
      if (started === generation) s.inFlight = false;
    }
    if (started !== generation) return;
    schedule(chatId, s.failures > 0 ? Math.max(MARK_READ_THROTTLE_MS, backoffDelay(s.failures)) : MARK_READ_THROTTLE_MS);
  }

  return {
    mine: {},
    others: {},

    fromChats(chats, me) {
      set((s) => {
        const mine = { ...s.mine };
        const others = { ...s.others };
        for (const chat of chats) {
          const held = mine[chat.id] ?? { read: 0, confirmed: 0 };
          mine[chat.id] = { read: Math.max(held.read, chat.last_read_seq), confirmed: Math.max(held.confirmed, chat.last_read_seq) };
          const markers = { ...others[chat.id] };
          for (const m of chat.members) if (m.id !== me) markers[m.id] = Math.max(markers[m.id] ?? 0, m.last_read_seq);
          others[chat.id] = markers;
        }
        return { mine, others };
      });
    },

    markRead(chatId, seq) {
      const m = marker(chatId);
      if (seq <= m.read) return;
      putMarker(chatId, { ...m, read: seq });
      schedule(chatId, MARK_READ_THROTTLE_MS);
    },

    applyRead(event) {
      set((s) => {
        const held = s.others[event.chat_id]?.[event.user_id] ?? 0;
        if (event.seq <= held) return s;
        return { others: { ...s.others, [event.chat_id]: { ...s.others[event.chat_id], [event.user_id]: event.seq } } };
      });
    },

    readElsewhere(chatId, seq) {
      const m = marker(chatId);
      // The server has it: read here, and nothing left to send up to it.
      putMarker(chatId, { read: Math.max(m.read, seq), confirmed: Math.max(m.confirmed, seq) });
    },

    resendUnconfirmed() {
      for (const chatId of Object.keys(get().mine)) {
        if (!due(chatId)) continue;
        const s = sender(chatId);
        // A catch-up means the network is back: no need to wait out a long backoff.
        if (s.timer !== undefined && s.failures > 0) {
          clearTimeout(s.timer);
          s.timer = undefined;
        }
        s.failures = 0;
        schedule(chatId, MARK_READ_THROTTLE_MS);
      }
    },

    reset() {
      generation += 1;
      for (const s of senders.values()) clearTimeout(s.timer);
      senders.clear();
      set({ mine: {}, others: {} });
    },
  };
});

/** How far I have read a chat (what the "unread" styling and counts go by). */
export function useMyReadSeq(chatId: string): number {
  return useReceipts((s) => Math.max(s.mine[chatId]?.read ?? 0, s.mine[chatId]?.confirmed ?? 0));
}
