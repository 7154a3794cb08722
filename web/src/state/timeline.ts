/**
 * The messages of each chat as stored by the server (rules in `messages.ts`): the latest page
 * when a chat is opened, older pages when scrolling up, and every stored message that arrives
 * (pushes, gap and catch-up pages, my edits). A chat never opened holds only what was pushed.
 * Whatever arrives also confirms my outgoing message with the same `client_message_id` and
 * moves the chat's preview.
 */
import { create } from 'zustand';

import { api } from '../api';
import type { Attachment, Message } from '../api/types';
import { useChatList } from './chatList';
import { myId } from './me';
import { applyAttachmentUpdate, type ChatMessages, EMPTY_CHAT_MESSAGES, lowestSeq, newlyDeleted, receiveLatestPage, receiveMessages, receiveOlderPage } from './messages';
import { useOutbox } from './outbox';

export const PAGE_SIZE = 50;

interface TimelineState {
  byChat: Record<string, ChatMessages>;
  /** Stored messages of one chat arrived; `live` when pushed as they changed (see `newlyDeleted`). */
  accept(chatId: string, messages: Message[], live?: boolean): void;
  /** Loads the latest page unless it is loaded (or loading). */
  ensureLoaded(chatId: string): Promise<void>;
  /** Chats whose latest page was asked for and has not arrived (it failed: offline). */
  wanted(): string[];
  loadOlder(chatId: string): Promise<void>;
  edit(chatId: string, messageId: string, body: string): Promise<void>;
  remove(chatId: string, messageId: string): Promise<void>;
  applyAttachment(attachment: Attachment): void;
  /** A chat I am no longer in: its messages go. */
  forget(chatId: string): void;
  reset(): void;
}

const loading = new Map<string, Promise<void>>();
const asked = new Set<string>();

export const useTimeline = create<TimelineState>()((set, get) => {
  function put(chatId: string, change: (m: ChatMessages) => ChatMessages) {
    set((s) => {
      const before = s.byChat[chatId] ?? EMPTY_CHAT_MESSAGES;
      const after = change(before);
      return after === before ? s : { byChat: { ...s.byChat, [chatId]: after } };
    });
  }
  /** Applies `change` for messages that arrived, and tells whom it concerns. */
  function receive(chatId: string, messages: Message[], live: boolean, change: (m: ChatMessages) => ChatMessages) {
    const held = get().byChat[chatId]?.items ?? [];
    put(chatId, change);
    // A deletion of a message the unread count may include (see unread.ts).
    const deleted = newlyDeleted(held, messages, live, myId());
    if (deleted.length > 0) useChatList.getState().deletedSeen(chatId, deleted);
    arrived(messages);
  }
  function arrived(messages: Message[]) {
    if (messages.length === 0) return;
    useOutbox.getState().confirm(messages);
    const list = useChatList.getState();
    // The newest carries the preview; an edit of an older one can change it too.
    for (const m of messages) list.applyMessage(m);
  }

  return {
    byChat: {},

    accept(chatId, messages, live = false) {
      receive(chatId, messages, live, (m) => receiveMessages(m, messages));
    },

    ensureLoaded(chatId) {
      if (get().byChat[chatId]?.loaded) return Promise.resolve();
      asked.add(chatId);
      const pending = loading.get(chatId);
      if (pending) return pending;
      const request = api.chats
        .messages(chatId, { limit: PAGE_SIZE })
        .then((page) => receive(chatId, page.messages, false, (m) => receiveLatestPage(m, page)))
        .finally(() => loading.delete(chatId));
      loading.set(chatId, request);
      return request;
    },

    wanted: () => [...asked].filter((id) => !get().byChat[id]?.loaded && !loading.has(id)),

    async loadOlder(chatId) {
      const held = get().byChat[chatId] ?? EMPTY_CHAT_MESSAGES;
      const before = lowestSeq(held);
      if (before === null || before <= 1) {
        put(chatId, (m) => (m.hasOlder ? { ...m, hasOlder: false, floor: 0 } : m));
        return;
      }
      const page = await api.chats.messages(chatId, { before_seq: before, limit: PAGE_SIZE });
      receive(chatId, page.messages, false, (m) => receiveOlderPage(m, page));
    },

    async edit(chatId, messageId, body) {
      get().accept(chatId, [await api.chats.edit(chatId, messageId, body)]);
    },

    async remove(chatId, messageId) {
      get().accept(chatId, [await api.chats.remove(chatId, messageId)]);
    },

    applyAttachment(attachment) {
      put(attachment.chat_id, (m) => applyAttachmentUpdate(m, attachment));
    },

    forget(chatId) {
      loading.delete(chatId);
      asked.delete(chatId);
      set((s) => {
        if (!s.byChat[chatId]) return s;
        const byChat = { ...s.byChat };
        delete byChat[chatId];
        return { byChat };
      });
    },

    reset() {
      loading.clear();
      asked.clear();
      set({ byChat: {} });
    },
  };
});
