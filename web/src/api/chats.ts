/** The chat and message routes, and the WebSocket ticket. */
import { type ApiClient, unwrap } from './http';
import type { Chat, Message, MessagePage, ReadMarker, TicketResponse } from './types';

export interface HistoryQuery {
  before_seq?: number;
  after_seq?: number;
  limit?: number;
}

export interface ChatsApi {
  /** All my chats (every page); a group's `members` may be only its first 20 (`member_count` says how many). */
  list(): Promise<Chat[]>;
  get(id: string): Promise<Chat>;
  /** Direct: at most one per pair, so this returns the existing chat when there is one. */
  createDirect(userId: string): Promise<Chat>;
  createGroup(title: string, memberIds: string[]): Promise<Chat>;
  /** The owner adds someone to a group; answers the chat as it is now. */
  addMember(chatId: string, userId: string): Promise<Chat>;
  /** I answer a chat request: accepted, the chat as I now see it; declined, null. */
  answerRequest(chatId: string, accept: boolean): Promise<Chat | null>;
  /** The owner removes someone, or anyone removes themself (leaving). */
  removeMember(chatId: string, userId: string): Promise<void>;
  messages(chatId: string, query?: HistoryQuery): Promise<MessagePage>;
  edit(chatId: string, messageId: string, body: string): Promise<Message>;
  remove(chatId: string, messageId: string): Promise<Message>;
  /** Moves my marker forward; answers the marker the server now holds. */
  markRead(chatId: string, seq: number): Promise<ReadMarker>;
  /** A one-use ticket for opening the WebSocket (valid 60 s). */
  wsTicket(): Promise<TicketResponse>;
}

export function createChatsApi(client: ApiClient): ChatsApi {
  return {
    // Every page (docs/API.md: `GET /api/chats` pages by cursor, 100 at most per page).
    list: async () => {
      const all: Chat[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(client.GET('/api/chats', { params: { query: { limit: 100, cursor } } }));
        all.push(...page.chats);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return all;
    },
    get: (id) => unwrap(client.GET('/api/chats/{id}', { params: { path: { id } } })),
    createDirect: (userId) => unwrap(client.POST('/api/chats', { body: { kind: 'direct', member_ids: [userId] } })),
    createGroup: (title, memberIds) =>
      unwrap(client.POST('/api/chats', { body: { kind: 'group', title, member_ids: memberIds } })),
    addMember: (chatId, userId) => unwrap(client.POST('/api/chats/{id}/members', { params: { path: { id: chatId } }, body: { user_id: userId } })),
    answerRequest: async (chatId, accept) => {
      const chat = await unwrap(client.POST('/api/chats/{id}/request', { params: { path: { id: chatId } }, body: { accept } }));
      return accept ? (chat as Chat) : null;
    },
    removeMember: async (chatId, userId) => {
      await unwrap(client.DELETE('/api/chats/{id}/members/{user_id}', { params: { path: { id: chatId, user_id: userId } } }));
    },
    messages: (chatId, query = {}) =>
      unwrap(client.GET('/api/chats/{id}/messages', { params: { path: { id: chatId }, query } })),
    edit: (chatId, messageId, body) =>
      unwrap(client.PATCH('/api/chats/{id}/messages/{message_id}', { params: { path: { id: chatId, message_id: messageId } }, body: { body } })),
    remove: (chatId, messageId) =>
      unwrap(client.DELETE('/api/chats/{id}/messages/{message_id}', { params: { path: { id: chatId, message_id: messageId } } })),
    markRead: (chatId, seq) => unwrap(client.POST('/api/chats/{id}/read', { params: { path: { id: chatId } }, body: { seq } })),
    wsTicket: () => unwrap(client.POST('/api/ws/ticket')),
  };
}
