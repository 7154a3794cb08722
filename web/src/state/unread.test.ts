import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Chat } from '../api/types';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('./apiMock'));
vi.mock('../api', async (real) => ({ ...(await real<typeof import('../api')>()), api: apiMock }));

const { startRealtime } = await import('./realtime');
const { endSession } = await import('./session');
const { useChatList } = await import('./chatList');
const { useTimeline } = await import('./timeline');
const { useReceipts } = await import('./receipts');
const { NO_BASELINE, unreadCount } = await import('./unread');
const { fakeConnection } = await import('./realtime/fakeConnection');
const { chat, fromBob, ME, msg, page, settle, signedInAsMe } = await import('./testing');

describe('unreadCount (the rule)', () => {
  const baseline = { count: 4, atSeq: 6, readSeq: 0 };
  const items = [msg(1), msg(2, { sender_id: ME }), msg(3), msg(4), msg(5, { deleted: true, body: '' }), msg(6)];

  it('a message from someone else beyond the baseline counts; mine, deleted ones and read ones do not', () => {
    expect(unreadCount(NO_BASELINE, 0, [msg(1)], ME)).toBe(1);
    expect(unreadCount(NO_BASELINE, 0, [msg(1), msg(2, { sender_id: ME })], ME)).toBe(1);
    expect(unreadCount(NO_BASELINE, 0, [msg(1), msg(2, { deleted: true })], ME)).toBe(1);
    expect(unreadCount(NO_BASELINE, 1, [msg(1), msg(2)], ME)).toBe(1);
    // What the baseline counted is not counted again when the same messages are held.
    expect(unreadCount(baseline, 0, items, ME)).toBe(4);
    expect(unreadCount(baseline, 0, [...items, msg(7), msg(8, { sender_id: ME })], ME)).toBe(5);
  });

  it('falls as my marker moves over messages from others, to nothing at the end', () => {
    expect(unreadCount(baseline, 1, items, ME)).toBe(3);
    expect(unreadCount(baseline, 4, items, ME)).toBe(1);
    expect(unreadCount(baseline, 6, items, ME)).toBe(0);
    expect(unreadCount(baseline, 0, items, ME)).toBe(4);
    expect(unreadCount(baseline, 6, [...items, msg(7)], ME)).toBe(1);
  });

  it('an edit of a message counts nothing new (one per seq)', () => {
    expect(unreadCount(NO_BASELINE, 0, [msg(1, { body: 'edited', edited_at: '2026-01-01T13:00:00Z' })], ME)).toBe(1);
  });
});

describe('unread counts when sources race', () => {
  let socket: ReturnType<typeof fakeConnection>;
  const count = (chatId: string) =>
    unreadCount(
      useChatList.getState().baselines[chatId] ?? NO_BASELINE,
      Math.max(useReceipts.getState().mine[chatId]?.read ?? 0, useReceipts.getState().mine[chatId]?.confirmed ?? 0),
      useTimeline.getState().byChat[chatId]?.items ?? [],
      ME,
    );
  /** A request the test answers when it wants. */
  function deferred<T>() {
    let resolve!: (value: T) => void;
    const promise = new Promise<T>((r) => (resolve = r));
    return { promise, resolve };
  }

  beforeEach(async () => {
    resetApiMock();
    signedInAsMe();
    apiMock.chats.list.mockResolvedValue([]);
    apiMock.chats.messages.mockResolvedValue(page([]));
    socket = fakeConnection();
    startRealtime(socket.connect);
    socket.open();
    await settle();
  });

  afterEach(() => endSession());

  it('121 messages of a new chat arriving while its GET is in flight count 121, whenever the GET was computed', async () => {
    for (const computedAfter of [0, 60, 121]) {
      endSession();
      socket = fakeConnection();
      startRealtime(socket.connect);
      socket.open();
      await settle();
      const get = deferred<Chat>();
      apiMock.chats.get.mockReturnValue(get.promise);
      const all = fromBob(1, 121).map((m) => ({ ...m, chat_id: 'c9' }));
      for (const m of all) socket.push({ type: 'new_message', message: m });
      expect(count('c9')).toBe(121);
      // The answer was computed after `computedAfter` of them were stored.
      get.resolve(chat({ id: 'c9', last_seq: computedAfter, unread_count: computedAfter }));
      await settle();
      expect(count('c9')).toBe(121);
    }
  });

  it('a list answer that left before a push and arrives after it counts that push once', async () => {
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 5, unread_count: 5 })]);
    await useChatList.getState().loadChats();
    for (const m of fromBob(1, 5)) socket.push({ type: 'new_message', message: m });
    expect(count('c1')).toBe(5);

    // A reload of the list is out (computed before 6 was stored) while 6 arrives; then a second
    // one (computed after) comes back first, the stale first one last.
    const stale = deferred<Chat[]>();
    const fresh = deferred<Chat[]>();
    apiMock.chats.list.mockReturnValueOnce(stale.promise).mockReturnValueOnce(fresh.promise);
    const first = useChatList.getState().loadChats();
    socket.push({ type: 'new_message', message: msg(6) });
    const second = useChatList.getState().loadChats();
    expect(count('c1')).toBe(6);
    fresh.resolve([chat({ last_seq: 6, unread_count: 6 })]);
    await second;
    expect(count('c1')).toBe(6);
    stale.resolve([chat({ last_seq: 5, unread_count: 5 })]);
    await first;
    expect(count('c1')).toBe(6);
  });

  it('reading on another device: the next answer brings the count down, pushes after it still count', async () => {
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 3, unread_count: 3 })]);
    await useChatList.getState().loadChats();
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 3, unread_count: 0, last_read_seq: 3 })]);
    await useChatList.getState().loadChats();
    expect(count('c1')).toBe(0);
    socket.push({ type: 'new_message', message: msg(4) });
    expect(count('c1')).toBe(1);
  });

  it('reading here brings it down at once', async () => {
    apiMock.chats.markRead.mockResolvedValue({ chat_id: 'c1', last_read_seq: 3 });
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 3, unread_count: 3 })]);
    await useChatList.getState().loadChats();
    useTimeline.getState().accept('c1', fromBob(1, 3));
    useReceipts.getState().markRead('c1', 2);
    expect(count('c1')).toBe(1);
    useReceipts.getState().markRead('c1', 3);
    expect(count('c1')).toBe(0);
  });

  const deleted = (seq: number, over = {}) => msg(seq, { deleted: true, body: '', ...over });

  it('a message the list counted, deleted afterwards, drops out at once, and once only however often it is told', async () => {
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 3, unread_count: 3 })]);
    await useChatList.getState().loadChats();
    expect(count('c1')).toBe(3);
    // Never held here (the chat was not opened): the push alone says it.
    socket.push({ type: 'message_updated', message: deleted(2) });
    expect(count('c1')).toBe(2);
    socket.push({ type: 'message_updated', message: deleted(2) });
    useTimeline.getState().accept('c1', [deleted(2)]);
    expect(count('c1')).toBe(2);
    // The next answer has left it out itself; the record starts again with it.
    apiMock.chats.get.mockResolvedValue(chat({ last_seq: 3, unread_count: 2 }));
    await useChatList.getState().fetchChat('c1');
    expect(count('c1')).toBe(2);
    expect(useChatList.getState().baselines.c1?.deleted).toBeUndefined();
  });

  it('a deleted copy in a page takes off a message held undeleted, but not one never held (it may be older than the count)', async () => {
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 4, unread_count: 3 })]);
    await useChatList.getState().loadChats();
    socket.push({ type: 'new_message', message: msg(4) });
    expect(count('c1')).toBe(3);
    // Seq 2 was deleted before the list was counted (3 of 4 then); its push was lost.
    const history = deferred<{ messages: ReturnType<typeof msg>[]; has_more: boolean }>();
    apiMock.chats.messages.mockReturnValueOnce(history.promise);
    const opening = useTimeline.getState().ensureLoaded('c1');
    history.resolve(page([msg(1), deleted(2), msg(3), deleted(4)]));
    await opening;
    // Seq 4 was held undeleted: its deletion is news. Seq 2 was never held: not taken off again.
    expect(count('c1')).toBe(2);
  });

  it('a deletion that races a chat answer: counted by it or not, the answer that follows settles it', async () => {
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 3, unread_count: 3 })]);
    await useChatList.getState().loadChats();
    // An answer computed before the deletion arrives after its push: it still counts seq 3.
    const before = deferred<Chat>();
    apiMock.chats.get.mockReturnValueOnce(before.promise);
    const asked = useChatList.getState().fetchChat('c1');
    socket.push({ type: 'message_updated', message: deleted(3) });
    expect(count('c1')).toBe(2);
    before.resolve(chat({ last_seq: 3, unread_count: 3 }));
    await asked;
    // Known limit: the record went with the older baseline, so this answer's count shows ...
    expect(count('c1')).toBe(3);
    // ... until the next one.
    apiMock.chats.get.mockResolvedValueOnce(chat({ last_seq: 3, unread_count: 2 }));
    await useChatList.getState().fetchChat('c1');
    expect(count('c1')).toBe(2);
  });

  it('deleting my own message, one I have read, or one beyond the baseline changes only what it should', async () => {
    // Seq 2 is mine; 3 and 4 are Bob's and unread.
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 4, unread_count: 2, last_read_seq: 1 })]);
    await useChatList.getState().loadChats();
    socket.push({ type: 'message_updated', message: deleted(1) });
    socket.push({ type: 'message_updated', message: deleted(2, { sender_id: ME }) });
    expect(count('c1')).toBe(2);
    socket.push({ type: 'new_message', message: msg(5) });
    expect(count('c1')).toBe(3);
    socket.push({ type: 'message_updated', message: deleted(5) });
    expect(count('c1')).toBe(2);
    // Read here up to 3, then 4 is deleted: nothing left.
    useTimeline.getState().accept('c1', [msg(3), msg(4)]);
    useReceipts.getState().markRead('c1', 3);
    expect(count('c1')).toBe(1);
    socket.push({ type: 'message_updated', message: deleted(4) });
    expect(count('c1')).toBe(0);
  });
});
