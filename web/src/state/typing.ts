/**
 * Typing, both ways. Others': who is typing in which chat, from `typing` events, ending after
 * `TYPING_EXPIRES_MS` without a refresh, on their message, or when they go offline. Mine: the
 * composer only reports that its text changed (`textChanged`) or was sent (`sent`); this store
 * decides what goes out: `typing true` at most every `TYPING_REFRESH_MS` while there is text,
 * `false` once when the text is emptied or sent.
 */
import { create } from 'zustand';

import { transmit } from './realtime/socket';

/** A `typing` event without a refresh for this long ends. */
export const TYPING_EXPIRES_MS = 6_000;
/** While I type, `typing true` goes out again this often (others' indicators expire otherwise). */
export const TYPING_REFRESH_MS = 3_000;

interface TypingState {
  /** chat id -> user id -> when their "typing" ends (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  /** Someone else started (or refreshed) typing. */
  started(chatId: string, userId: string): void;
  stopped(chatId: string, userId: string): void;
  /** Someone went offline: they type nowhere. */
  goneOffline(userId: string): void;
  /** My composer's text in `chatId` is now `text`. */
  textChanged(chatId: string, text: string): void;
  /** I sent what I was typing in `chatId`. */
  sent(chatId: string): void;
  reset(): void;
}

const expiries = new Set<ReturnType<typeof setTimeout>>();
/** chat id -> when I last said `typing true` there. */
const myLastTyping = new Map<string, number>();

export const useTyping = create<TypingState>()((set, get) => {
  function clear(chatId: string, userId: string) {
    set((s) => {
      const forChat = s.typing[chatId];
      if (!forChat || !(userId in forChat)) return s;
      const rest = { ...forChat };
      delete rest[userId];
      return { typing: { ...s.typing, [chatId]: rest } };
    });
  }
  function stopMine(chatId: string) {
    if (!myLastTyping.has(chatId)) return;
    myLastTyping.delete(chatId);
    transmit({ action: 'typing', chat_id: chatId, is_typing: false });
  }

  return {
    typing: {},

    started(chatId, userId) {
      const until = Date.now() + TYPING_EXPIRES_MS;
      set((s) => ({ typing: { ...s.typing, [chatId]: { ...s.typing[chatId], [userId]: until } } }));
      const timer = setTimeout(() => {
        expiries.delete(timer);
        if ((get().typing[chatId]?.[userId] ?? 0) <= Date.now()) clear(chatId, userId);
      }, TYPING_EXPIRES_MS + 50);
      expiries.add(timer);
    },

    stopped: clear,

    goneOffline(userId) {
      for (const chatId of Object.keys(get().typing)) clear(chatId, userId);
    },

    textChanged(chatId, text) {
      if (!text.trim()) {
        stopMine(chatId);
        return;
      }
      const now = Date.now();
      const last = myLastTyping.get(chatId);
      if (last !== undefined && now - last <= TYPING_REFRESH_MS) return;
      // Only counts as said when it went out, so typing resumes being announced after a reconnect.
      if (transmit({ action: 'typing', chat_id: chatId, is_typing: true })) myLastTyping.set(chatId, now);
    },

    sent: stopMine,

    reset() {
      for (const t of expiries) clearTimeout(t);
      expiries.clear();
      myLastTyping.clear();
      set({ typing: {} });
    },
  };
});
