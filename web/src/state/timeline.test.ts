import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('./apiMock'));
vi.mock('../api', async (real) => ({ ...(await real<typeof import('../api')>()), api: apiMock }));

const { PAGE_SIZE, useTimeline } = await import('./timeline');
const { useChatList } = await import('./chatList');
const { useOutbox } = await import('./outbox');
const { endSession } = await import('./session');
const { chat, fromBob, ME, msg, page, signedInAsMe } = await import('./testing');

beforeEach(() => {
  resetApiMock();
  signedInAsMe();
  useChatList.getState().ingest([chat({ last_seq: 0 })]);
});

afterEach(() => endSession());

const seqs = () => useTimeline.getState().byChat.c1?.items.map((m) => m.seq) ?? [];

describe('the timeline', () => {
  it('loads the latest page once however often the chat is opened, then older pages on demand', async () => {
    apiMock.chats.messages.mockResolvedValueOnce(page(fromBob(51, 50), true)).mockResolvedValueOnce(page(fromBob(1, 50), false));
    await Promise.all([useTimeline.getState().ensureLoaded('c1'), useTimeline.getState().ensureLoaded('c1')]);
    await useTimeline.getState().ensureLoaded('c1');
    expect(apiMock.chats.messages).toHaveBeenCalledTimes(1);
    expect(apiMock.chats.messages).toHaveBeenCalledWith('c1', { limit: PAGE_SIZE });
    expect(useTimeline.getState().byChat.c1).toMatchObject({ loaded: true, hasOlder: true });
    await useTimeline.getState().loadOlder('c1');
    expect(apiMock.chats.messages).toHaveBeenLastCalledWith('c1', { before_seq: 51, limit: PAGE_SIZE });
    expect(seqs()).toEqual(fromBob(1, 100).map((m) => m.seq));
    expect(useTimeline.getState().byChat.c1?.hasOlder).toBe(false);
  });

  it('a chat opened while its history could not load is wanted until it loads', async () => {
    apiMock.chats.messages.mockRejectedValueOnce(new TypeError('Failed to fetch')).mockResolvedValueOnce(page(fromBob(1, 2)));
    await expect(useTimeline.getState().ensureLoaded('c1')).rejects.toThrow();
    expect(useTimeline.getState().wanted()).toEqual(['c1']);
    await useTimeline.getState().ensureLoaded('c1');
    expect(useTimeline.getState().wanted()).toEqual([]);
    expect(seqs()).toEqual([1, 2]);
  });

  it('whatever arrives confirms my outgoing copy and moves the preview', () => {
    useOutbox.getState().send('c1', 'mine');
    const id = useOutbox.getState().byChat.c1![0]!.client_message_id;
    useTimeline.getState().accept('c1', [msg(1), msg(2, { sender_id: ME, client_message_id: id, body: 'mine' })]);
    expect(useOutbox.getState().byChat.c1).toEqual([]);
    expect(useChatList.getState().chats.c1).toMatchObject({ last_seq: 2, last_message: { body: 'mine' } });
  });

  it('my edit and deletion replace the held copy', async () => {
    useTimeline.getState().accept('c1', [msg(1, { sender_id: ME })]);
    apiMock.chats.edit.mockResolvedValue(msg(1, { sender_id: ME, body: 'better', edited_at: '2026-01-01T13:00:00Z' }));
    await useTimeline.getState().edit('c1', 'm1', 'better');
    expect(useTimeline.getState().byChat.c1?.items[0]?.body).toBe('better');
    apiMock.chats.remove.mockResolvedValue(msg(1, { sender_id: ME, body: '', deleted: true }));
    await useTimeline.getState().remove('c1', 'm1');
    expect(useTimeline.getState().byChat.c1?.items[0]?.deleted).toBe(true);
    expect(useChatList.getState().chats.c1?.last_message?.deleted).toBe(true);
  });
});
