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
import { applyAttachmentUpdate, type ChatMessages, EMPTY_CHAT_MESSAGES, lowestSeq, receiveLatestPage, receiveMessages, receiveOlderPage } from './messages';
import { useOutbox } from './outbox';

export const PAGE_SIZE = 50;

interface TimelineState {
  byChat: Record<string, ChatMessages>;
  /** Stored messages of one chat arrived. */
  accept(chatId: string, messages: Message[]): void;
  /** Loads the latest page unless it is loaded (or loading). */
  ensureLoaded(chatId: string): Promise<void>;
  /** Chats whose latest page was asked for and has not arrived (it failed: offline). */
  wanted(): string[];
  loadOlder(chatId: string): Promise<void>;
  edit(chatId: string, messageId: string, body: string): Promise<void>;
  remove(chatId: string, messageId: string): Promise<void>;
  applyAttachment(attachment: Attachment): void;
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
  function arrived(messages: Message[]) {
    if (messages.length === 0) return;
    useOutbox.getState().confirm(messages);
    const list = useChatList.getState();
    // The newest carries the preview; an edit of an older one can change it too.
    for (const m of messages) list.applyMessage(m);
  }

  return {
    byChat: {},

    accept(chatId, messages) {
      put(chatId, (m) => receiveMessages(m, messages));
      arrived(messages);
    },

    ensureLoaded(chatId) {
      if (get().byChat[chatId]?.loaded) return Promise.resolve();
      asked.add(chatId);
      const pending = loading.get(chatId);
      if (pending) return pending;
      const request = api.chats
        .messages(chatId, { limit: PAGE_SIZE })
        .then((page) => {
          put(chatId, (m) => receiveLatestPage(m, page));
          arrived(page.messages);
        })
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
      put(chatId, (m) => receiveOlderPage(m, page));
      arrived(page.messages);
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

    reset() {
      loading.clear();
      asked.clear();
      set({ byChat: {} });
    },
  };
});
