import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('./apiMock'));
vi.mock('../api', async (real) => ({ ...(await real<typeof import('../api')>()), api: apiMock }));

const { ApiError } = await import('../api/errors');
const { fromResponse, networkError } = await import('../api/errors');
const { startRealtime } = await import('./realtime');
const { endSession } = await import('./session');
const { MARK_READ_THROTTLE_MS, useReceipts } = await import('./receipts');
const { useChatList } = await import('./chatList');
const { fakeConnection } = await import('./realtime/fakeConnection');
const { BOB, chat, ME, page, signedInAsMe } = await import('./testing');

let socket: ReturnType<typeof fakeConnection>;
/** What the server holds as my marker in c1. */
let stored = 0;
const marker = () => useReceipts.getState().mine.c1;
const requests = () => apiMock.chats.markRead.mock.calls.map(([, seq]) => seq as number);

beforeEach(async () => {
  vi.useFakeTimers();
  resetApiMock();
  signedInAsMe();
  stored = 0;
  apiMock.chats.list.mockImplementation(async () => [chat({ last_seq: 40, unread_count: 40, last_read_seq: stored })]);
  apiMock.chats.messages.mockResolvedValue(page([]));
  apiMock.chats.markRead.mockImplementation(async (chatId: string, seq: number) => {
    stored = Math.max(stored, seq);
    return { chat_id: chatId, last_read_seq: stored };
  });
  socket = fakeConnection();
  startRealtime(socket.connect);
  socket.open();
  await vi.advanceTimersByTimeAsync(0);
});

afterEach(() => {
  endSession();
  vi.useRealTimers();
});

describe('my read marker', () => {
  it('goes by REST, at most once per chat per throttle window, for the highest seq read', async () => {
    const receipts = useReceipts.getState();
    for (let seq = 1; seq <= 20; seq++) receipts.markRead('c1', seq);
    expect(marker()).toEqual({ read: 20, confirmed: 0 });
    await vi.advanceTimersByTimeAsync(MARK_READ_THROTTLE_MS);
    expect(requests()).toEqual([20]);
    expect(marker()).toEqual({ read: 20, confirmed: 20 });
    // Reading on, a scroll's worth of reads: one more request per window, never more.
    for (let i = 0; i < 10; i++) {
      receipts.markRead('c1', 21 + i);
      await vi.advanceTimersByTimeAsync(100);
    }
    await vi.advanceTimersByTimeAsync(MARK_READ_THROTTLE_MS);
    expect(requests().length).toBeLessThanOrEqual(1 + Math.ceil(1_500 / MARK_READ_THROTTLE_MS));
    expect(requests().at(-1)).toBe(30);
    expect(stored).toBe(30);
    // Nothing new to say: nothing goes out, and no frame ever did.
    receipts.markRead('c1', 12);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(requests().at(-1)).toBe(30);
    expect(socket.sentOf('mark_read')).toEqual([]);
  });

  it('a failed request is retried with backoff until the server has it', async () => {
    let fails = 3;
    const real = apiMock.chats.markRead.getMockImplementation()!;
    apiMock.chats.markRead.mockImplementation(async (chatId: string, seq: number) => {
      if (fails-- > 0) throw networkError(new TypeError('Failed to fetch'));
      return real(chatId, seq);
    });
    useReceipts.getState().markRead('c1', 7);
    await vi.advanceTimersByTimeAsync(MARK_READ_THROTTLE_MS);
    expect(requests()).toEqual([7]);
    expect(marker()?.confirmed).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests()).toEqual([7, 7, 7, 7]);
    expect(stored).toBe(7);
    expect(marker()?.confirmed).toBe(7);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests()).toHaveLength(4);
  });

  it('a marker that was due as the connection dropped goes out after the catch-up (and what the list says counts)', async () => {
    apiMock.chats.markRead.mockRejectedValue(networkError(new TypeError('Failed to fetch')));
    useReceipts.getState().markRead('c1', 9);
    socket.drop();
    await vi.advanceTimersByTimeAsync(MARK_READ_THROTTLE_MS);
    expect(marker()).toEqual({ read: 9, confirmed: 0 });
    // Back online: the list still says 0, so the marker is sent again right after the catch-up.
    apiMock.chats.markRead.mockImplementation(async (chatId: string, seq: number) => {
      stored = Math.max(stored, seq);
      return { chat_id: chatId, last_read_seq: stored };
    });
    apiMock.chats.markRead.mockClear();
    socket.open();
    await vi.advanceTimersByTimeAsync(MARK_READ_THROTTLE_MS);
    expect(requests()).toEqual([9]);
    expect(marker()?.confirmed).toBe(9);
    expect(useChatList.getState().baselines.c1?.readSeq).toBe(0);
  });

  it('a marker another device stored (the list shows it) needs no request', async () => {
    stored = 15;
    await useChatList.getState().loadChats();
    useReceipts.getState().markRead('c1', 12);
    await vi.advanceTimersByTimeAsync(MARK_READ_THROTTLE_MS * 4);
    expect(requests()).toEqual([]);
    expect(marker()).toEqual({ read: 15, confirmed: 15 });
  });

  it('a refusal (no longer in the chat) is not retried', async () => {
    apiMock.chats.markRead.mockRejectedValue(new ApiError(404, 'chat_not_found', 'Chat not found'));
    useReceipts.getState().markRead('c1', 3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests()).toEqual([3]);
  });

  it('an answer that is not the API’s (a proxy throttling with 429) is retried like no answer', async () => {
    apiMock.chats.markRead.mockRejectedValueOnce(fromResponse(429, { message: 'Too Many Requests' }));
    useReceipts.getState().markRead('c1', 3);
    await vi.advanceTimersByTimeAsync(MARK_READ_THROTTLE_MS);
    expect(marker()).toEqual({ read: 3, confirmed: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests()).toEqual([3, 3]);
    expect(marker()).toEqual({ read: 3, confirmed: 3 });
  });
});

describe('others’ markers', () => {
  it('come from the chat answers, then from read events, and only move forward', async () => {
    useChatList.getState().ingest([chat({ members: [...chat().members.slice(0, 1), { id: BOB, display_name: 'Bob', role: 'member', last_read_seq: 4, online: true }] })]);
    expect(useReceipts.getState().others.c1).toEqual({ [BOB]: 4 });
    socket.push({ type: 'read', chat_id: 'c1', user_id: BOB, seq: 6 });
    useChatList.getState().ingest([chat()]);
    expect(useReceipts.getState().others.c1).toEqual({ [BOB]: 6 });
    expect(useReceipts.getState().others.c1?.[ME]).toBeUndefined();
  });
});
