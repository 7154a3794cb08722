/**
 * Chats and their messages: the list in the sidebar, the open chat, messages per chat (see
 * `messages.ts` for the rules), who is typing, who is online. Fed by REST (lists, history,
 * catch-up) and by the WebSocket (`connection.ts`): `startRealtime()` is called once signed in.
 */
import { create } from 'zustand';

import { api } from '../api';
import { wsUrl } from '../api/config';
import type { Chat, ClientAction, Message, MessageAttachment, PublicUser, ServerEvent } from '../api/types';
import { authStore } from './auth';
import { type Connection, startConnection } from './connection';
import { attachmentUrls } from './attachmentUrls';
import { useUploads } from './uploads';
import {
  addOutgoing,
  applyAttachmentUpdate,
  chatAfterMessage,
  type ChatMessages,
  EMPTY_CHAT_MESSAGES,
  highestSeq,
  lowestSeq,
  receiveMessages,
  setOutgoingStatus,
  unreadAfterRead,
} from './messages';

export const PAGE_SIZE = 50;
/** No `message_sent` this long after a message went out: it is shown as failed (retry reuses its id). */
export const SEND_TIMEOUT_MS = 10_000;
/** A `typing` event without a refresh for this long ends. */
export const TYPING_EXPIRES_MS = 6_000;

interface ChatsState {
  chats: Record<string, Chat>;
  chatsLoaded: boolean;
  chatsError: string | null;
  openChatId: string | null;
  messages: Record<string, ChatMessages>;
  /** chat id -> user id -> when their "typing" ends (ms since epoch). */
  typing: Record<string, Record<string, number>>;

  loadChats(): Promise<void>;
  openChat(id: string): void;
  openDirectChat(user: PublicUser): Promise<void>;
  createGroup(title: string, members: PublicUser[]): Promise<Chat>;
  /** Back to the list (phones show one pane at a time). */
  closeConversation(): void;
  loadLatest(chatId: string): Promise<void>;
  loadOlder(chatId: string): Promise<void>;
  /** A message with text, attachments (uploaded and completed), or both. */
  send(chatId: string, body: string, attachments?: MessageAttachment[]): void;
  retry(chatId: string, clientMessageId: string): void;
  /** Forget a message that failed to send. */
  discard(chatId: string, clientMessageId: string): void;
  edit(chatId: string, messageId: string, body: string): Promise<void>;
  remove(chatId: string, messageId: string): Promise<void>;
  markRead(chatId: string, seq: number): void;
  sendTyping(chatId: string, isTyping: boolean): void;
  receive(event: ServerEvent): void;
  catchUp(): Promise<void>;
  reset(): void;
}

const initial = {
  chats: {},
  chatsLoaded: false,
  chatsError: null,
  openChatId: null,
  messages: {},
  typing: {},
};

function myId(): string {
  return authStore.getState().user?.id ?? '';
}

let connection: Connection | null = null;
const sendTimers = new Map<string, ReturnType<typeof setTimeout>>();
const markReadTimers = new Map<string, { timer: ReturnType<typeof setTimeout>; seq: number }>();
const MARK_READ_THROTTLE_MS = 500;

function transmit(action: ClientAction): boolean {
  return connection?.send(action) ?? false;
}

export const useChats = create<ChatsState>()((set, get) => {
  function chatMessages(chatId: string): ChatMessages {
    return get().messages[chatId] ?? EMPTY_CHAT_MESSAGES;
  }
  function putMessages(chatId: string, update: (m: ChatMessages) => ChatMessages) {
    set((s) => {
      const before = s.messages[chatId] ?? EMPTY_CHAT_MESSAGES;
      const after = update(before);
      return after === before ? s : { messages: { ...s.messages, [chatId]: after } };
    });
  }
  function putChat(chat: Chat) {
    set((s) => ({ chats: { ...s.chats, [chat.id]: chat } }));
  }
  function updateChat(chatId: string, update: (c: Chat) => Chat) {
    set((s) => {
      const chat = s.chats[chatId];
      if (!chat) return s;
      const next = update(chat);
      return next === chat ? s : { chats: { ...s.chats, [chatId]: next } };
    });
  }

  /** Put one outgoing message on the wire, with a deadline for its `message_sent`. */
  function dispatch(chatId: string, clientMessageId: string) {
    const item = chatMessages(chatId).outgoing.find((o) => o.client_message_id === clientMessageId);
    if (!item || item.status !== 'pending') return;
    const sent = transmit({
      action: 'send_message',
      chat_id: chatId,
      client_message_id: clientMessageId,
      body: item.body,
      ...(item.attachments.length > 0 ? { attachment_ids: item.attachments.map((a) => a.id) } : {}),
    });
    if (!sent) return; // Queued: goes out after the next connect.
    clearTimeout(sendTimers.get(clientMessageId));
    sendTimers.set(
      clientMessageId,
      setTimeout(() => {
        sendTimers.delete(clientMessageId);
        putMessages(chatId, (m) => setOutgoingStatus(m, clientMessageId, 'failed', 'No answer from the server'));
      }, SEND_TIMEOUT_MS),
    );
  }

  function acceptMessages(chatId: string, incoming: Message[]) {
    for (const m of incoming) {
      clearTimeout(sendTimers.get(m.client_message_id));
      sendTimers.delete(m.client_message_id);
    }
    putMessages(chatId, (m) => receiveMessages(m, incoming));
  }

  function onMessage(message: Message) {
    const me = myId();
    acceptMessages(message.chat_id, [message]);
    if (!get().chats[message.chat_id]) {
      // A chat I was just added to (or one created elsewhere): fetch it.
      void api.chats.get(message.chat_id).then(putChat, () => undefined);
      return;
    }
    updateChat(message.chat_id, (c) => chatAfterMessage(c, message, me, false));
    if (message.sender_id !== me) clearTyping(message.chat_id, message.sender_id);
  }

  function clearTyping(chatId: string, userId: string) {
    set((s) => {
      const forChat = s.typing[chatId];
      if (!forChat || !(userId in forChat)) return s;
      const rest = { ...forChat };
      delete rest[userId];
      return { typing: { ...s.typing, [chatId]: rest } };
    });
  }

  return {
    ...initial,

    async loadChats() {
      try {
        const list = await api.chats.list();
        set((s) => {
          const chats: Record<string, Chat> = {};
          for (const c of list) {
            const held = s.chats[c.id];
            // Keep what pushes told us beyond the list (a reply that raced the request).
            chats[c.id] = held && held.last_seq > c.last_seq ? held : c;
          }
          return { chats, chatsLoaded: true, chatsError: null };
        });
      } catch (error) {
        set({ chatsError: error instanceof Error ? error.message : 'Could not load your chats' });
      }
    },

    openChat(id) {
      set({ openChatId: id });
      if (!chatMessages(id).loaded) void get().loadLatest(id).catch(() => undefined);
    },

    async openDirectChat(user) {
      const existing = Object.values(get().chats).find((c) => c.kind === 'direct' && c.members.some((m) => m.id === user.id));
      if (existing) {
        get().openChat(existing.id);
        return;
      }
      const chat = await api.chats.createDirect(user.id);
      putChat(get().chats[chat.id] ?? chat);
      get().openChat(chat.id);
    },

    async createGroup(title, members) {
      const chat = await api.chats.createGroup(title, members.map((m) => m.id));
      putChat(chat);
      get().openChat(chat.id);
      return chat;
    },

    closeConversation: () => set({ openChatId: null }),

    async loadLatest(chatId) {
      const page = await api.chats.messages(chatId, { limit: PAGE_SIZE });
      acceptMessages(chatId, page.messages);
      putMessages(chatId, (m) => ({ ...m, loaded: true, hasOlder: m.loaded ? m.hasOlder : page.has_more }));
    },

    async loadOlder(chatId) {
      const before = lowestSeq(chatMessages(chatId));
      if (before === null || before <= 1) {
        putMessages(chatId, (m) => (m.hasOlder ? { ...m, hasOlder: false } : m));
        return;
      }
      const page = await api.chats.messages(chatId, { before_seq: before, limit: PAGE_SIZE });
      acceptMessages(chatId, page.messages);
      putMessages(chatId, (m) => ({ ...m, hasOlder: page.has_more }));
    },

    send(chatId, body, attachments = []) {
      const text = body.trim();
      if (!text && attachments.length === 0) return;
      const clientMessageId = crypto.randomUUID();
      putMessages(chatId, (m) =>
        addOutgoing(m, {
          client_message_id: clientMessageId,
          chat_id: chatId,
          body: text,
          attachments,
          created_at: new Date().toISOString(),
          status: 'pending',
        }),
      );
      dispatch(chatId, clientMessageId);
    },

    retry(chatId, clientMessageId) {
      putMessages(chatId, (m) => setOutgoingStatus(m, clientMessageId, 'pending'));
      dispatch(chatId, clientMessageId);
    },

    discard(chatId, clientMessageId) {
      clearTimeout(sendTimers.get(clientMessageId));
      sendTimers.delete(clientMessageId);
      putMessages(chatId, (m) => ({ ...m, outgoing: m.outgoing.filter((o) => o.client_message_id !== clientMessageId) }));
    },

    async edit(chatId, messageId, body) {
      const message = await api.chats.edit(chatId, messageId, body);
      onMessage(message);
    },

    async remove(chatId, messageId) {
      const message = await api.chats.remove(chatId, messageId);
      onMessage(message);
    },

    markRead(chatId, seq) {
      const chat = get().chats[chatId];
      if (!chat || seq <= chat.last_read_seq) return;
      const me = myId();
      updateChat(chatId, (c) => ({
        ...c,
        unread_count: unreadAfterRead(c, chatMessages(chatId).items, me, seq),
        last_read_seq: Math.max(c.last_read_seq, seq),
      }));
      // Throttled: one mark_read per chat per half second, for the highest seq seen.
      const pending = markReadTimers.get(chatId);
      if (pending) {
        pending.seq = Math.max(pending.seq, seq);
        return;
      }
      const entry = {
        seq,
        timer: setTimeout(() => {
          markReadTimers.delete(chatId);
          if (!transmit({ action: 'mark_read', chat_id: chatId, seq: entry.seq })) {
            void api.chats.markRead(chatId, entry.seq).catch(() => undefined);
          }
        }, MARK_READ_THROTTLE_MS),
      };
      markReadTimers.set(chatId, entry);
    },

    sendTyping(chatId, isTyping) {
      transmit({ action: 'typing', chat_id: chatId, is_typing: isTyping });
    },

    receive(event) {
      switch (event.type) {
        case 'message_sent':
          onMessage(event.message);
          break;
        case 'new_message':
          onMessage(event.message);
          break;
        case 'message_updated':
          onMessage(event.message);
          break;
        case 'error':
          if (event.client_message_id) {
            const id = event.client_message_id;
            clearTimeout(sendTimers.get(id));
            sendTimers.delete(id);
            for (const chatId of Object.keys(get().messages)) {
              putMessages(chatId, (m) => setOutgoingStatus(m, id, 'failed', event.message));
            }
          }
          break;
        case 'typing': {
          const { chat_id: chatId, user_id: userId } = event;
          if (!event.is_typing) {
            clearTyping(chatId, userId);
            break;
          }
          const until = Date.now() + TYPING_EXPIRES_MS;
          set((s) => ({ typing: { ...s.typing, [chatId]: { ...s.typing[chatId], [userId]: until } } }));
          setTimeout(() => {
            if ((get().typing[chatId]?.[userId] ?? 0) <= Date.now()) clearTyping(chatId, userId);
          }, TYPING_EXPIRES_MS + 50);
          break;
        }
        case 'presence':
          set((s) => {
            const chats = { ...s.chats };
            for (const [id, chat] of Object.entries(chats)) {
              if (!chat.members.some((m) => m.id === event.user_id)) continue;
              chats[id] = {
                ...chat,
                members: chat.members.map((m) =>
                  m.id === event.user_id ? { ...m, online: event.online, last_seen_at: event.last_seen_at ?? m.last_seen_at } : m,
                ),
              };
            }
            return { chats };
          });
          if (!event.online) for (const chatId of Object.keys(get().typing)) clearTyping(chatId, event.user_id);
          break;
        case 'read':
          updateChat(event.chat_id, (c) => ({
            ...c,
            members: c.members.map((m) => (m.id === event.user_id ? { ...m, last_read_seq: Math.max(m.last_read_seq, event.seq) } : m)),
          }));
          break;
        case 'attachment_updated':
          putMessages(event.attachment.chat_id, (m) => applyAttachmentUpdate(m, event.attachment));
          break;
        case 'pong':
          break;
      }
    },

    async catchUp() {
      await get().loadChats();
      const { chats, messages } = get();
      await Promise.all(
        Object.keys(messages).map(async (chatId) => {
          const chat = chats[chatId];
          const held = messages[chatId];
          if (!chat || !held?.loaded) return;
          let after = highestSeq(held);
          while (chat.last_seq > after) {
            const page = await api.chats.messages(chatId, { after_seq: after, limit: 100 });
            acceptMessages(chatId, page.messages);
            const top = page.messages.at(-1)?.seq ?? after;
            if (!page.has_more || top <= after) break;
            after = top;
          }
        }),
      );
      // Whatever I wrote while away goes out now (the server de-duplicates by client_message_id).
      for (const [chatId, held] of Object.entries(get().messages)) {
        for (const o of held.outgoing) if (o.status === 'pending') dispatch(chatId, o.client_message_id);
      }
    },

    reset() {
      stopRealtime();
      useUploads.getState().reset();
      attachmentUrls.clear();
      set(initial);
    },
  };
});

/** Connects the WebSocket (once signed in); catches up after every (re)connect. */
export function startRealtime(): () => void {
  if (connection) return stopRealtime;
  connection = startConnection({
    ticket: async () => (await api.chats.wsTicket()).ticket,
    url: () => wsUrl(),
    onEvent: (event) => useChats.getState().receive(event),
    onOpen: () => void useChats.getState().catchUp().catch(() => undefined),
  });
  return stopRealtime;
}

export function stopRealtime() {
  connection?.stop();
  connection = null;
  for (const t of sendTimers.values()) clearTimeout(t);
  sendTimers.clear();
  for (const { timer } of markReadTimers.values()) clearTimeout(timer);
  markReadTimers.clear();
}

/** For tests (e2e hooks): drop the socket and reconnect. */
export function reconnectRealtime() {
  connection?.reconnect();
}
