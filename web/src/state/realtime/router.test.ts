import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('../apiMock'));
vi.mock('../../api', async (real) => ({ ...(await real<typeof import('../../api')>()), api: apiMock }));

const { startRealtime } = await import('./index');
const { endSession } = await import('../session');
const { useChatList } = await import('../chatList');
const { useTimeline } = await import('../timeline');
const { useOutbox } = await import('../outbox');
const { usePresence } = await import('../presence');
const { useReceipts } = await import('../receipts');
const { useTyping } = await import('../typing');
const { fakeConnection } = await import('./fakeConnection');
const { BOB, chat, ME, msg, page, settle, signedInAsMe } = await import('../testing');
const { unreadCount } = await import('../unread');

let socket: ReturnType<typeof fakeConnection>;

beforeEach(async () => {
  resetApiMock();
  signedInAsMe();
  apiMock.chats.list.mockResolvedValue([chat({ last_seq: 1, last_message: msg(1) })]);
  apiMock.chats.messages.mockResolvedValue(page([]));
  socket = fakeConnection();
  startRealtime(socket.connect);
  socket.open();
  await settle();
});

afterEach(() => endSession());

const held = (chatId = 'c1') => useTimeline.getState().byChat[chatId]?.items.map((m) => m.seq) ?? [];

describe('the realtime router', () => {
  it('a new_message lands in its chat and moves the preview', () => {
    socket.push({ type: 'new_message', message: msg(2, { body: 'hello' }) });
    expect(held()).toEqual([2]);
    expect(useChatList.getState().chats.c1?.last_message?.body).toBe('hello');
  });

  it('message_sent confirms my outgoing message (by client_message_id) and leaves one copy', () => {
    useOutbox.getState().send('c1', 'hi');
    const [action] = socket.sentOf('send_message');
    expect(action).toMatchObject({ chat_id: 'c1', body: 'hi' });
    socket.push({ type: 'message_sent', client_message_id: action!.client_message_id, message: msg(2, { sender_id: ME, client_message_id: action!.client_message_id, body: 'hi' }) });
    expect(useOutbox.getState().byChat.c1).toEqual([]);
    expect(held()).toEqual([2]);
  });

  it('a message in a chat not in my list fetches that chat once, however many arrive meanwhile', async () => {
    let answer!: (c: unknown) => void;
    apiMock.chats.get.mockReturnValue(new Promise((r) => (answer = r)));
    for (const seq of [1, 2, 3]) socket.push({ type: 'new_message', message: msg(seq, { chat_id: 'c2' }) });
    expect(apiMock.chats.get).toHaveBeenCalledTimes(1);
    answer(chat({ id: 'c2', last_seq: 3, unread_count: 3 }));
    await settle();
    expect(useChatList.getState().chats.c2).toBeDefined();
    expect(held('c2')).toEqual([1, 2, 3]);
  });

  it('typing starts and stops; their message or their going offline ends it too', () => {
    socket.push({ type: 'typing', chat_id: 'c1', user_id: BOB, is_typing: true });
    expect(Object.keys(useTyping.getState().typing.c1 ?? {})).toEqual([BOB]);
    socket.push({ type: 'typing', chat_id: 'c1', user_id: BOB, is_typing: false });
    expect(useTyping.getState().typing.c1).toEqual({});
    socket.push({ type: 'typing', chat_id: 'c1', user_id: BOB, is_typing: true });
    socket.push({ type: 'new_message', message: msg(2) });
    expect(useTyping.getState().typing.c1).toEqual({});
    socket.push({ type: 'typing', chat_id: 'c1', user_id: BOB, is_typing: true });
    socket.push({ type: 'presence', user_id: BOB, online: false, last_seen_at: '2026-01-02T00:00:00Z' });
    expect(useTyping.getState().typing.c1).toEqual({});
    expect(usePresence.getState().users[BOB]).toEqual({ online: false, last_seen_at: '2026-01-02T00:00:00Z' });
  });

  it('read moves the other member’s marker (forward only)', () => {
    socket.push({ type: 'read', chat_id: 'c1', user_id: BOB, seq: 5 });
    socket.push({ type: 'read', chat_id: 'c1', user_id: BOB, seq: 3 });
    expect(useReceipts.getState().others.c1?.[BOB]).toBe(5);
  });

  it('read for me (another tab or device) moves my marker forward only; the unread count falls without a request', async () => {
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 4, unread_count: 4 })]);
    await useChatList.getState().loadChats();
    const unread = () => unreadCount(useChatList.getState().baselines.c1!, useReceipts.getState().mine.c1?.read ?? 0, useTimeline.getState().byChat.c1?.items ?? [], ME);
    expect(unread()).toBe(4);
    socket.push({ type: 'read', chat_id: 'c1', user_id: ME, seq: 4 });
    expect(useReceipts.getState().mine.c1).toEqual({ read: 4, confirmed: 4 });
    expect(unread()).toBe(0);
    socket.push({ type: 'read', chat_id: 'c1', user_id: ME, seq: 2 });
    expect(useReceipts.getState().mine.c1).toEqual({ read: 4, confirmed: 4 });
    // Not another member's marker ("Seen" is about the others).
    expect(useReceipts.getState().others.c1?.[ME]).toBeUndefined();
    expect(apiMock.chats.get).not.toHaveBeenCalled();
    expect(apiMock.chats.markRead).not.toHaveBeenCalled();
  });

  it('read for me part of the way: held messages say how many are left; when they were never held here, the chat is asked for', async () => {
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 4, unread_count: 4 })]);
    await useChatList.getState().loadChats();
    const unread = () => unreadCount(useChatList.getState().baselines.c1!, useReceipts.getState().mine.c1?.read ?? 0, useTimeline.getState().byChat.c1?.items ?? [], ME);
    apiMock.chats.get.mockResolvedValue(chat({ last_seq: 4, unread_count: 2, last_read_seq: 2 }));
    socket.push({ type: 'read', chat_id: 'c1', user_id: ME, seq: 2 });
    await settle();
    expect(apiMock.chats.get).toHaveBeenCalledTimes(1);
    expect(unread()).toBe(2);
    useTimeline.getState().accept('c1', [msg(3), msg(4)]);
    socket.push({ type: 'read', chat_id: 'c1', user_id: ME, seq: 3 });
    await settle();
    expect(apiMock.chats.get).toHaveBeenCalledTimes(1);
    expect(unread()).toBe(1);
  });

  it('an error with a client_message_id fails that message with the server’s words; others are ignored', () => {
    useOutbox.getState().send('c1', 'bell \u0007');
    const id = socket.sentOf('send_message')[0]!.client_message_id;
    socket.push({ type: 'error', code: 'invalid_request', message: 'typing: bad chat' });
    expect(useOutbox.getState().byChat.c1?.[0]?.status).toBe('pending');
    socket.push({ type: 'error', code: 'invalid_body', message: 'Control characters are not allowed', client_message_id: id });
    expect(useOutbox.getState().byChat.c1?.[0]).toMatchObject({ status: 'failed', error: 'Control characters are not allowed', refused: true });
  });

  it('attachment_updated turns the processing attachment inside its message ready', () => {
    const att = { id: 'a1', filename: 'cat.png', content_type: 'image/png', size: 10, status: 'processing' as const, width: null, height: null, has_thumbnail: false };
    socket.push({ type: 'new_message', message: msg(2, { body: '', attachments: [att] }) });
    socket.push({
      type: 'attachment_updated',
      attachment: { ...att, chat_id: 'c1', message_id: 'm2', status: 'ready', width: 600, height: 400, has_thumbnail: true, created_at: '2026-01-01T12:00:00Z' },
    });
    const [stored] = useTimeline.getState().byChat.c1!.items;
    expect(stored?.attachments?.[0]).toMatchObject({ status: 'ready', width: 600, height: 400, has_thumbnail: true });
    expect(stored?.seq).toBe(2);
  });
});
