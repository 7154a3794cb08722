import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Chat } from '../api/types';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('./apiMock'));
vi.mock('../api', async (real) => ({ ...(await real<typeof import('../api')>()), api: apiMock }));

const { fresherBaseline, mergeChat, useChatList } = await import('./chatList');
const { usePresence } = await import('./presence');
const { useReceipts } = await import('./receipts');
const { endSession } = await import('./session');
const { BOB, chat, ME, msg, signedInAsMe } = await import('./testing');

beforeEach(() => {
  resetApiMock();
  signedInAsMe();
});

afterEach(() => endSession());

describe('the chat list', () => {
  it('keeps the furthest last message of two answers, and the freshest members', () => {
    const pushed = chat({ last_seq: 5, last_message: msg(5), last_activity_at: '2026-01-01T12:00:05Z' });
    const stale = chat({ last_seq: 4, last_message: msg(4), title: 'Bob B.' });
    expect(mergeChat(pushed, stale)).toMatchObject({ last_seq: 5, last_message: { seq: 5 }, title: 'Bob B.' });
    expect(mergeChat(stale, pushed)).toBe(pushed);
  });

  it('takes the unread baseline from the later answer (both seqs only grow on the server)', () => {
    expect(fresherBaseline(undefined, { count: 1, atSeq: 1, readSeq: 0 })).toBe(true);
    expect(fresherBaseline({ count: 3, atSeq: 5, readSeq: 2 }, { count: 2, atSeq: 4, readSeq: 2 })).toBe(false);
    expect(fresherBaseline({ count: 3, atSeq: 5, readSeq: 2 }, { count: 0, atSeq: 5, readSeq: 5 })).toBe(true);
    expect(fresherBaseline({ count: 0, atSeq: 5, readSeq: 5 }, { count: 3, atSeq: 5, readSeq: 2 })).toBe(false);
  });

  it('a chat gone from the list is gone (I left it), but one answered while the list was out stays', async () => {
    useChatList.getState().ingest([chat({ id: 'left' })]);
    let answer!: (chats: Chat[]) => void;
    apiMock.chats.list.mockReturnValue(new Promise((r) => (answer = r)));
    const loading = useChatList.getState().loadChats();
    apiMock.chats.get.mockResolvedValue(chat({ id: 'new' }));
    await useChatList.getState().fetchChat('new');
    answer([chat({ id: 'kept' })]);
    await loading;
    expect(Object.keys(useChatList.getState().chats).sort()).toEqual(['kept', 'new']);
    expect(useChatList.getState().chatsLoaded).toBe(true);
  });

  it('a chat answer seeds presence and the read markers', () => {
    useChatList.getState().ingest([
      chat({
        last_read_seq: 3,
        members: [
          { id: ME, display_name: 'Me', role: 'member', last_read_seq: 3, online: true },
          { id: BOB, display_name: 'Bob', role: 'member', last_read_seq: 2, online: true, last_seen_at: '2026-01-01T10:00:00Z' },
        ],
      }),
    ]);
    expect(usePresence.getState().users[BOB]).toEqual({ online: true, last_seen_at: '2026-01-01T10:00:00Z' });
    expect(useReceipts.getState().mine.c1).toEqual({ read: 3, confirmed: 3 });
    expect(useReceipts.getState().others.c1).toEqual({ [BOB]: 2 });
  });

  it('the direct chat with someone is the one I have, else a new one', async () => {
    useChatList.getState().ingest([chat()]);
    const bob = { id: BOB, display_name: 'Bob', last_seen_at: null };
    expect((await useChatList.getState().directChatWith(bob)).id).toBe('c1');
    expect(apiMock.chats.createDirect).not.toHaveBeenCalled();
    apiMock.chats.createDirect.mockResolvedValue(chat({ id: 'c2', members: [chat().members[0]!, { id: 'carol', display_name: 'Carol', role: 'member', last_read_seq: 0, online: false }] }));
    expect((await useChatList.getState().directChatWith({ id: 'carol', display_name: 'Carol', last_seen_at: null })).id).toBe('c2');
    expect(useChatList.getState().chats.c2).toBeDefined();
  });
});
