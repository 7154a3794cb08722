/**
 * The sidebar's chats: each chat's summary (title, members, last message, activity) and the
 * unread baseline of the freshest server answer for it (see `unread.ts`). Fed by chat answers
 * (`GET /api/chats`, `GET /api/chats/{id}`, creating a chat) and by stored messages (the
 * preview); members change with the membership events (`membership.ts`). A chat answer also
 * seeds presence and read markers.
 */
import { create } from 'zustand';

import { api } from '../api';
import { errorCode } from '../api/errors';
import type { Chat, ChatMember, Message, PublicUser } from '../api/types';
import { myId } from './me';
import { chatAfterMessage } from './messages';
import { usePresence } from './presence';
import { useReceipts } from './receipts';
import type { UnreadBaseline } from './unread';

interface ChatListState {
  chats: Record<string, Chat>;
  baselines: Record<string, UnreadBaseline>;
  chatsLoaded: boolean;
  chatsError: string | null;

  /** The whole list (`GET /api/chats`): chats no longer in it are gone (I left them). */
  loadChats(): Promise<void>;
  /** One chat (`GET /api/chats/{id}`), one request in flight per chat; null when it is not mine. */
  fetchChat(id: string): Promise<Chat | null>;
  /** Chat answers from anywhere. */
  ingest(chats: Chat[]): void;
  /** A stored message moves the preview (false when the chat is not in the list). */
  applyMessage(message: Message): boolean;
  /** Messages from others in the chat became deleted (their seqs): the unread baseline notes those it counted. */
  deletedSeen(chatId: string, seqs: number[]): void;
  /** Someone joined the group (or changed as a member): added, or put in place of their old entry. */
  putMember(chatId: string, member: ChatMember): void;
  /** Someone left the group or was removed. */
  dropMember(chatId: string, userId: string): void;
  /** I am no longer in the chat: it leaves the list, and answers asked for before now cannot bring it back. */
  forget(chatId: string): void;
  /** The direct chat with `user`: the one I have, or a new one. */
  directChatWith(user: PublicUser): Promise<Chat>;
  createGroup(title: string, members: PublicUser[]): Promise<Chat>;
  reset(): void;
}

const inFlight = new Map<string, Promise<Chat | null>>();
// Chats answered one by one while a list request was out: the list may predate them.
const answeredDuringList = new Set<string>();
let listsInFlight = 0;
// Ticks at every request for chats and every chat forgotten: an answer asked for before I left
// a chat (or was removed) says I am in it, and must not bring it back.
let clock = 0;
const forgottenAt = new Map<string, number>();

/**
 * Of two answers about one chat, which to take the unread baseline from: the later one. Both
 * `last_seq` and my `last_read_seq` only grow on the server, so the later answer has neither
 * smaller; on a tie the one that arrived last (deletions can lower the count).
 */
export function fresherBaseline(held: UnreadBaseline | undefined, incoming: UnreadBaseline): boolean {
  if (!held) return true;
  if (incoming.atSeq !== held.atSeq) return incoming.atSeq > held.atSeq;
  return incoming.readSeq >= held.readSeq;
}

/** A chat answer merged into the held summary: the fresh members, the furthest last message. */
export function mergeChat(held: Chat | undefined, incoming: Chat): Chat {
  if (!held || incoming.last_seq >= held.last_seq) return incoming;
  return { ...incoming, last_seq: held.last_seq, last_message: held.last_message, last_activity_at: held.last_activity_at };
}

export const useChatList = create<ChatListState>()((set, get) => {
  /** Chat answers asked for at tick `asked` (now, when not given). */
  function ingest(answers: Chat[], complete: boolean, asked = clock) {
    const list = answers.filter((c) => (forgottenAt.get(c.id) ?? -1) < asked);
    set((s) => {
      const chats: Record<string, Chat> = { ...s.chats };
      const baselines: Record<string, UnreadBaseline> = { ...s.baselines };
      if (complete) {
        const listed = new Set(list.map((c) => c.id));
        for (const id of Object.keys(chats)) {
          if (listed.has(id) || answeredDuringList.has(id)) continue;
          delete chats[id];
          delete baselines[id];
        }
      } else if (listsInFlight > 0) {
        for (const c of list) answeredDuringList.add(c.id);
      }
      for (const c of list) {
        chats[c.id] = mergeChat(s.chats[c.id], c);
        const incoming = { count: c.unread_count, atSeq: c.last_seq, readSeq: c.last_read_seq };
        const held = s.baselines[c.id];
        baselines[c.id] = held && !fresherBaseline(held, incoming) ? held : incoming;
      }
      return complete ? { chats, baselines, chatsLoaded: true, chatsError: null } : { chats, baselines };
    });
    usePresence.getState().fromChats(list);
    useReceipts.getState().fromChats(list, myId());
  }

  return {
    chats: {},
    baselines: {},
    chatsLoaded: false,
    chatsError: null,

    async loadChats() {
      listsInFlight += 1;
      const asked = ++clock;
      try {
        const list = await api.chats.list();
        ingest(list, true, asked);
      } catch (error) {
        set({ chatsError: error instanceof Error ? error.message : 'Could not load your chats' });
      } finally {
        listsInFlight -= 1;
        if (listsInFlight === 0) answeredDuringList.clear();
      }
    },

    fetchChat(id) {
      const pending = inFlight.get(id);
      if (pending) return pending;
      const asked = ++clock;
      const request = api.chats.get(id).then(
        (chat) => {
          ingest([chat], false, asked);
          return get().chats[id] ? chat : null;
        },
        (error: unknown) => {
          if (errorCode(error) === 'chat_not_found') return null;
          throw error;
        },
      );
      // Only its own entry: `forget` may have let a newer request in meanwhile.
      const settled: Promise<Chat | null> = request.finally(() => {
        if (inFlight.get(id) === settled) inFlight.delete(id);
      });
      inFlight.set(id, settled);
      return settled;
    },

    ingest: (chats) => ingest(chats, false),

    applyMessage(message) {
      const chat = get().chats[message.chat_id];
      if (!chat) return false;
      const next = chatAfterMessage(chat, message);
      if (next !== chat) set((s) => ({ chats: { ...s.chats, [chat.id]: next } }));
      return true;
    },

    deletedSeen(chatId, seqs) {
      const held = get().baselines[chatId];
      if (!held) return;
      const counted = seqs.filter((seq) => seq > held.readSeq && seq <= held.atSeq && !held.deleted?.includes(seq));
      if (counted.length === 0) return;
      const baseline = { ...held, deleted: [...(held.deleted ?? []), ...counted] };
      set((s) => ({ baselines: { ...s.baselines, [chatId]: baseline } }));
    },

    putMember(chatId, member) {
      const chat = get().chats[chatId];
      if (!chat) return;
      const held = chat.members.find((m) => m.id === member.id);
      const members = held ? chat.members.map((m) => (m.id === member.id ? member : m)) : [...chat.members, member];
      // `member_count` counts members, not those asked in: an accepted request is one more.
      const joined = !member.pending && (!held || held.pending === true);
      const member_count = joined ? chat.member_count + 1 : chat.member_count;
      set((s) => ({ chats: { ...s.chats, [chatId]: { ...chat, members, member_count } } }));
    },

    dropMember(chatId, userId) {
      const chat = get().chats[chatId];
      if (!chat?.members.some((m) => m.id === userId)) return;
      const members = chat.members.filter((m) => m.id !== userId);
      const member_count = Math.max(members.length, chat.member_count - 1);
      set((s) => ({ chats: { ...s.chats, [chatId]: { ...chat, members, member_count } } }));
    },

    forget(chatId) {
      forgottenAt.set(chatId, ++clock);
      inFlight.delete(chatId);
      answeredDuringList.delete(chatId);
      set((s) => {
        if (!s.chats[chatId] && !s.baselines[chatId]) return s;
        const chats = { ...s.chats };
        const baselines = { ...s.baselines };
        delete chats[chatId];
        delete baselines[chatId];
        return { chats, baselines };
      });
    },

    async directChatWith(user) {
      const existing = Object.values(get().chats).find((c) => c.kind === 'direct' && c.members.some((m) => m.id === user.id));
      if (existing) return existing;
      const chat = await api.chats.createDirect(user.id);
      ingest([chat], false);
      return get().chats[chat.id] ?? chat;
    },

    async createGroup(title, members) {
      const chat = await api.chats.createGroup(title, members.map((m) => m.id));
      ingest([chat], false);
      return chat;
    },

    reset() {
      inFlight.clear();
      answeredDuringList.clear();
      forgottenAt.clear();
      set({ chats: {}, baselines: {}, chatsLoaded: false, chatsError: null });
    },
  };
});
