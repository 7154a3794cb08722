import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('./apiMock'));
vi.mock('../api', async (real) => ({ ...(await real<typeof import('../api')>()), api: apiMock }));

const { startRealtime } = await import('./realtime');
const { endSession } = await import('./session');
const { SEND_TIMEOUT_MS, useOutbox } = await import('./outbox');
const { memoryOutboxStorage } = await import('./outboxStorage');
const { fakeConnection } = await import('./realtime/fakeConnection');
const { chat, ME, msg, page, settle, signedInAsMe } = await import('./testing');

let socket: ReturnType<typeof fakeConnection>;
const outgoing = (chatId = 'c1') => useOutbox.getState().byChat[chatId] ?? [];
const sends = () => socket.sentOf('send_message');
/** The server stores the message that went out as `seq` and answers the sender. */
function ack(clientMessageId: string, seq: number, chatId = 'c1') {
  socket.push({ type: 'message_sent', client_message_id: clientMessageId, message: msg(seq, { chat_id: chatId, sender_id: ME, client_message_id: clientMessageId }) });
}

beforeEach(() => {
  resetApiMock();
  signedInAsMe();
  apiMock.chats.list.mockResolvedValue([chat()]);
  apiMock.chats.messages.mockResolvedValue(page([]));
  socket = fakeConnection();
  startRealtime(socket.connect);
});

afterEach(() => {
  endSession();
  vi.useRealTimers();
});

describe('the outbox', () => {
  it('a message written offline waits as pending and goes out after the next connect’s catch-up', async () => {
    useOutbox.getState().send('c1', '  on the train  ');
    expect(outgoing()).toMatchObject([{ body: 'on the train', status: 'pending' }]);
    expect(sends()).toEqual([]);
    socket.open();
    await settle();
    expect(sends()).toMatchObject([{ chat_id: 'c1', body: 'on the train', client_message_id: outgoing()[0]!.client_message_id }]);
  });

  it('sends one message per chat at a time, in the order written, each after the previous is stored', async () => {
    socket.open();
    await settle();
    const box = useOutbox.getState();
    box.send('c1', 'one');
    box.send('c1', 'two');
    box.send('c2', 'elsewhere');
    expect(sends().map((a) => a.body)).toEqual(['one', 'elsewhere']);
    ack(sends()[0]!.client_message_id, 1);
    expect(sends().map((a) => a.body)).toEqual(['one', 'elsewhere', 'two']);
    ack(sends()[2]!.client_message_id, 2);
    expect(outgoing()).toEqual([]);
  });

  it('no answer in time: "Not sent"; Retry sends it again with the same client_message_id', async () => {
    vi.useFakeTimers();
    socket.open();
    await vi.advanceTimersByTimeAsync(0);
    useOutbox.getState().send('c1', 'hello');
    const id = sends()[0]!.client_message_id;
    await vi.advanceTimersByTimeAsync(SEND_TIMEOUT_MS);
    expect(outgoing()[0]).toMatchObject({ status: 'failed', error: 'No answer from the server' });
    useOutbox.getState().retry('c1', id);
    expect(sends().map((a) => a.client_message_id)).toEqual([id, id]);
    ack(id, 1);
    await vi.advanceTimersByTimeAsync(SEND_TIMEOUT_MS);
    expect(outgoing()).toEqual([]);
  });

  it('after a reconnect, what was on the lost socket goes out again', async () => {
    socket.open();
    await settle();
    useOutbox.getState().send('c1', 'hello');
    socket.drop();
    socket.open();
    await settle();
    const ids = sends().map((a) => a.client_message_id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });

  it('Discard forgets a failed message, here and in storage', async () => {
    const storage = memoryOutboxStorage();
    await useOutbox.getState().restore(ME, storage);
    socket.open();
    await settle();
    useOutbox.getState().send('c1', 'bell');
    const id = sends()[0]!.client_message_id;
    useOutbox.getState().refused(id, 'invalid_body', 'Control characters are not allowed');
    await settle();
    expect(storage.records.get(id)).toMatchObject({ status: 'failed', refused: true });
    useOutbox.getState().discard('c1', id);
    await settle();
    expect(outgoing()).toEqual([]);
    expect(storage.records.size).toBe(0);
  });
});

describe('an error answering a send, by its code', () => {
  it('a refusal of the message as written (a file the worker rejected) stays not sent, also after a reload', async () => {
    const storage = memoryOutboxStorage();
    await useOutbox.getState().restore(ME, storage);
    socket.open();
    await settle();
    useOutbox.getState().send('c1', 'look');
    const id = sends()[0]!.client_message_id;
    socket.push({ type: 'error', code: 'attachment_rejected', message: 'the media worker refused a.png', client_message_id: id });
    expect(outgoing()).toMatchObject([{ status: 'failed', refused: true, error: 'the media worker refused a.png' }]);
    await settle();
    useOutbox.getState().reset();
    await useOutbox.getState().restore(ME, storage);
    expect(outgoing()).toMatchObject([{ status: 'failed', refused: true }]);
    expect(sends()).toHaveLength(1);
  });

  it('the server’s trouble is not a refusal: not sent for now, and sent again after a reload', async () => {
    const storage = memoryOutboxStorage();
    await useOutbox.getState().restore(ME, storage);
    socket.open();
    await settle();
    useOutbox.getState().send('c1', 'later');
    const id = sends()[0]!.client_message_id;
    socket.push({ type: 'error', code: 'service_unavailable', message: 'try again later', client_message_id: id });
    expect(outgoing()).toMatchObject([{ status: 'failed', error: 'try again later' }]);
    expect(outgoing()[0]?.refused).toBeUndefined();
    await settle();
    useOutbox.getState().reset();
    await useOutbox.getState().restore(ME, storage);
    expect(outgoing()).toMatchObject([{ status: 'pending' }]);
    expect(sends().map((a) => a.client_message_id)).toEqual([id, id]);
  });
});

describe('unsent messages across a reload', () => {
  it('are kept per user with their client_message_id, body, attachments and chat, and leave storage once stored', async () => {
    const storage = memoryOutboxStorage();
    await useOutbox.getState().restore(ME, storage);
    const att = { id: 'a1', filename: 'cat.png', content_type: 'image/png', size: 10, status: 'processing' as const, width: null, height: null, has_thumbnail: false };
    useOutbox.getState().send('c1', 'with a cat', [att]);
    await settle();
    const [record] = [...storage.records.values()];
    expect(record).toMatchObject({ user_id: ME, chat_id: 'c1', body: 'with a cat', attachments: [att], status: 'pending' });
    socket.open();
    await settle();
    ack(record!.client_message_id, 7);
    await settle();
    expect(storage.records.size).toBe(0);
  });

  it('come back on start-up and go out again with their original ids, in order; refused ones stay refused', async () => {
    const storage = memoryOutboxStorage();
    const base = { chat_id: 'c1', attachments: [] };
    await storage.put(ME, { ...base, client_message_id: 'id-2', body: 'second', created_at: '2026-01-01T12:00:02Z', status: 'pending' });
    await storage.put(ME, { ...base, client_message_id: 'id-1', body: 'first', created_at: '2026-01-01T12:00:01Z', status: 'failed', error: 'No answer from the server' });
    await storage.put(ME, { ...base, client_message_id: 'id-3', body: 'bell', created_at: '2026-01-01T12:00:03Z', status: 'failed', error: 'Refused', refused: true });
    await storage.put('someone-else', { ...base, client_message_id: 'id-x', body: 'not mine', created_at: '2026-01-01T12:00:00Z', status: 'pending' });

    await useOutbox.getState().restore(ME, storage);
    expect(outgoing().map((o) => [o.body, o.status])).toEqual([
      ['first', 'pending'],
      ['second', 'pending'],
      ['bell', 'failed'],
    ]);
    socket.open();
    await settle();
    expect(sends().map((a) => a.client_message_id)).toEqual(['id-1']);
    ack('id-1', 1);
    expect(sends().map((a) => a.client_message_id)).toEqual(['id-1', 'id-2']);
  });

  it('a copy stored meanwhile (another tab sent it) confirms a restored message without sending it twice', async () => {
    const storage = memoryOutboxStorage();
    await storage.put(ME, { chat_id: 'c1', attachments: [], client_message_id: 'id-1', body: 'hi', created_at: '2026-01-01T12:00:01Z', status: 'pending' });
    await useOutbox.getState().restore(ME, storage);
    apiMock.chats.list.mockResolvedValue([chat({ last_seq: 1 })]);
    apiMock.chats.get.mockResolvedValue(chat({ last_seq: 1 }));
    socket.push({ type: 'new_message', message: msg(1, { sender_id: ME, client_message_id: 'id-1', body: 'hi' }) });
    socket.open();
    await settle();
    expect(sends()).toEqual([]);
    expect(outgoing()).toEqual([]);
  });

  it('signing out forgets them', async () => {
    const storage = memoryOutboxStorage();
    await useOutbox.getState().restore(ME, storage);
    useOutbox.getState().send('c1', 'draft');
    await settle();
    expect(storage.records.size).toBe(1);
    endSession();
    await settle();
    expect(storage.records.size).toBe(0);
    expect(outgoing()).toEqual([]);
  });
});
