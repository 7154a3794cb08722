import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Message } from '../api/types';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('./apiMock'));
vi.mock('../api', async (real) => ({ ...(await real<typeof import('../api')>()), api: apiMock }));

const { networkError } = await import('../api/errors');
const { startRealtime } = await import('./realtime');
const { endSession } = await import('./session');
const { useChatList } = await import('./chatList');
const { useTimeline } = await import('./timeline');
const { loadHistory } = await import('./catchUp');
const { fakeConnection } = await import('./realtime/fakeConnection');
const { chat, fromBob, msg, page, settle, signedInAsMe } = await import('./testing');

/** The server's c1: messages 1..n, answering history queries as the API does. */
let server: Message[] = [];
let socket: ReturnType<typeof fakeConnection>;
const held = () => useTimeline.getState().byChat.c1?.items.map((m) => m.seq) ?? [];
const afterQueries = () =>
  apiMock.chats.messages.mock.calls.map(([, q]) => q as { after_seq?: number }).filter((q) => q.after_seq !== undefined).map((q) => q.after_seq);

function answerHistory(_chatId: string, q: { before_seq?: number; after_seq?: number; limit?: number } = {}) {
  const limit = q.limit ?? 50;
  if (q.after_seq !== undefined) {
    const rest = server.filter((m) => m.seq > q.after_seq!);
    return Promise.resolve(page(rest.slice(0, limit), rest.length > limit));
  }
  const older = server.filter((m) => q.before_seq === undefined || m.seq < q.before_seq);
  return Promise.resolve(page(older.slice(-limit), older.length > limit));
}

beforeEach(async () => {
  resetApiMock();
  signedInAsMe();
  server = fromBob(1, 10);
  apiMock.chats.list.mockImplementation(async () => [chat({ last_seq: server.length, unread_count: 0, last_read_seq: server.length })]);
  apiMock.chats.messages.mockImplementation(answerHistory);
  socket = fakeConnection();
  startRealtime(socket.connect);
  socket.open();
  await settle();
  await loadHistory('c1');
  apiMock.chats.messages.mockClear();
});

afterEach(() => {
  endSession();
  vi.useRealTimers();
});

/** Bob sends: the server stores it; the push reaches us only when `delivered`. */
function bobSends(delivered: boolean) {
  const m = msg(server.length + 1);
  server.push(m);
  if (delivered) socket.push({ type: 'new_message', message: m });
  return m;
}

describe('gap repair on an open socket', () => {
  it('a push whose seq skips ahead fetches the gap, and the chat ends complete and in order', async () => {
    bobSends(true);
    bobSends(false); // 12 lost
    bobSends(true); // 13 shows the gap
    await settle();
    expect(afterQueries()).toEqual([11]);
    expect(held()).toEqual(fromBob(1, 13).map((m) => m.seq));
  });

  it('one fetch in flight per chat: gaps found meanwhile are coalesced into it', async () => {
    let release!: () => void;
    apiMock.chats.messages.mockImplementationOnce((id: string, q: object) => new Promise((r) => (release = () => r(answerHistory(id, q)))));
    bobSends(false);
    bobSends(true); // gap: fetch after 10 starts and hangs
    bobSends(false);
    bobSends(true); // another gap while it is out
    bobSends(true);
    expect(apiMock.chats.messages).toHaveBeenCalledTimes(1);
    release();
    await settle();
    // The first answer already carried everything (it was computed after 15 was stored).
    expect(afterQueries()).toEqual([10]);
    expect(held()).toEqual(fromBob(1, 15).map((m) => m.seq));
  });

  it('pages until has_more is false', async () => {
    for (let i = 0; i < 230; i++) bobSends(false);
    bobSends(true);
    await settle(40);
    expect(afterQueries()).toEqual([10, 110, 210]);
    expect(held()).toHaveLength(241);
  });

  it('a chat answer whose last_seq is beyond what is held fetches the rest (no push needed)', async () => {
    bobSends(false);
    bobSends(false);
    apiMock.chats.get.mockResolvedValue(chat({ last_seq: 12 }));
    await useChatList.getState().loadChats();
    await useChatList.getState().fetchChat('c1');
    socket.drop();
    socket.open(); // the catch-up measures every chat held
    await settle();
    expect(held()).toEqual(fromBob(1, 12).map((m) => m.seq));
  });

  it('a chat answer arriving on an open socket, not only a catch-up, reveals a gap', async () => {
    const { healOnChatAnswers } = await import('./catchUp');
    const stop = healOnChatAnswers();
    bobSends(false);
    apiMock.chats.get.mockResolvedValue(chat({ last_seq: 11 }));
    await useChatList.getState().fetchChat('c1');
    await settle();
    stop();
    expect(afterQueries()).toEqual([10]);
    expect(held()).toEqual(fromBob(1, 11).map((m) => m.seq));
  });

  it('a chat opened while offline loads its history after the next connect', async () => {
    socket.drop();
    apiMock.chats.messages.mockRejectedValueOnce(networkError(new TypeError('Failed to fetch')));
    await expect(loadHistory('c2')).rejects.toThrow();
    apiMock.chats.messages.mockResolvedValue(page([msg(1, { chat_id: 'c2' })]));
    socket.open();
    await settle();
    expect(useTimeline.getState().byChat.c2).toMatchObject({ loaded: true, items: [{ seq: 1 }] });
  });

  it('a failed gap fetch is tried again with backoff', async () => {
    vi.useFakeTimers();
    apiMock.chats.messages.mockRejectedValueOnce(networkError(new TypeError('Failed to fetch')));
    bobSends(false);
    bobSends(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(held()).not.toContain(11);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(held()).toEqual(fromBob(1, 12).map((m) => m.seq));
  });

  it('a chat never opened is measured from its unread baseline, so its count has no hole', async () => {
    apiMock.chats.list.mockImplementation(async () => [chat(), chat({ id: 'c2', last_seq: 40, unread_count: 3, last_read_seq: 37 })]);
    await useChatList.getState().loadChats();
    const c2 = (seq: number) => msg(seq, { chat_id: 'c2' });
    apiMock.chats.messages.mockImplementation(async (_id: string, q: { after_seq?: number }) => page([41, 42, 43].filter((s) => s > (q.after_seq ?? 0)).map(c2)));
    socket.push({ type: 'new_message', message: c2(41) });
    await settle();
    expect(apiMock.chats.messages).not.toHaveBeenCalled();
    socket.push({ type: 'new_message', message: c2(43) });
    await settle();
    expect(afterQueries()).toEqual([41]);
    expect(useTimeline.getState().byChat.c2?.items.map((m) => m.seq)).toEqual([41, 42, 43]);
  });
});
