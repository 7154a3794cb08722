import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Chat, ChatMember } from '../api/types';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('./apiMock'));
vi.mock('../api', async (real) => ({ ...(await real<typeof import('../api')>()), api: apiMock }));

const { ApiError } = await import('../api/errors');
const { endSession, startSession } = await import('./session');
const { useChatList } = await import('./chatList');
const { useTimeline } = await import('./timeline');
const { useOutbox } = await import('./outbox');
const { usePresence } = await import('./presence');
const { useReceipts } = await import('./receipts');
const { useNavigation } = await import('./navigation');
const { memoryOutboxStorage } = await import('./outboxStorage');
const { addMember, leaveGroup, removeMember } = await import('./membership');
const { NO_BASELINE, unreadCount } = await import('./unread');
const { fakeConnection } = await import('./realtime/fakeConnection');
const { BOB, chat, fromBob, ME, msg, page, settle, signedInAsMe } = await import('./testing');

const CAROL = 'carol';
// A group's id (a UUID, as the address needs).
const G1 = '0192a0b4-7c1e-7d2a-9b3c-4d5e6f708192';
const member = (id: string, over: Partial<ChatMember> = {}): ChatMember => ({ id, display_name: id, role: 'member', last_read_seq: 0, online: false, ...over });
const team = (over: Partial<Chat> = {}) =>
  chat({ id: G1, kind: 'group', title: 'Team', members: [member(ME, { role: 'owner' }), member(BOB)], my_role: 'owner', ...over });

/** The address bar, in memory. */
function fakeAddress(start: string) {
  let path = start;
  return {
    path: () => path,
    pushed: () => false,
    push: (p: string) => void (path = p),
    replace: (p: string) => void (path = p),
    back: () => undefined,
    onPop: () => () => undefined,
  };
}

let socket: ReturnType<typeof fakeConnection>;
let address: ReturnType<typeof fakeAddress>;
let stop: () => void;
const chats = () => useChatList.getState().chats;
const members = (id = G1) => chats()[id]?.members.map((m) => m.id);
const unread = (id: string) =>
  unreadCount(useChatList.getState().baselines[id] ?? NO_BASELINE, useReceipts.getState().mine[id]?.read ?? 0, useTimeline.getState().byChat[id]?.items ?? [], ME);
/** A request the test answers when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function start(path = '/', list: Chat[] = [team()]) {
  apiMock.chats.list.mockResolvedValue(list);
  // An address naming a chat has it fetched before the list is in.
  if (!apiMock.chats.get.getMockImplementation()) {
    apiMock.chats.get.mockImplementation(async (id: string) => {
      const found = list.find((c) => c.id === id);
      if (!found) throw new ApiError(404, 'chat_not_found', 'Chat not found');
      return found;
    });
  }
  address = fakeAddress(path);
  socket = fakeConnection();
  stop = startSession(ME, { connect: socket.connect, address, storage: memoryOutboxStorage() });
  socket.open();
  await settle();
}

beforeEach(() => {
  resetApiMock();
  signedInAsMe();
  apiMock.chats.messages.mockResolvedValue(page([]));
});

afterEach(() => {
  stop();
  endSession();
});

describe('member_added', () => {
  it('for me: the group is fetched and in my list at once, with its unread count, before any message', async () => {
    await start('/', []);
    apiMock.chats.get.mockResolvedValue(team({ id: 'g2', last_seq: 5, unread_count: 5, members: [member(BOB, { role: 'owner' }), member(ME)] }));
    socket.push({ type: 'member_added', chat_id: 'g2', member: member(ME) });
    socket.push({ type: 'member_added', chat_id: 'g2', member: member(ME) });
    await settle();
    expect(apiMock.chats.get).toHaveBeenCalledTimes(1);
    expect(chats().g2?.title).toBe('Team');
    expect(unread('g2')).toBe(5);
  });

  it('for someone else: they join the member list, with their presence and marker, without a request', async () => {
    await start();
    socket.push({ type: 'member_added', chat_id: G1, member: member(CAROL, { online: true, last_read_seq: 2 }) });
    expect(members()).toEqual([ME, BOB, CAROL]);
    expect(usePresence.getState().users[CAROL]?.online).toBe(true);
    expect(useReceipts.getState().others[G1]?.[CAROL]).toBe(2);
    // Told twice (announcements are at least once): still one entry.
    socket.push({ type: 'member_added', chat_id: G1, member: member(CAROL, { online: true, last_read_seq: 2 }) });
    expect(members()).toEqual([ME, BOB, CAROL]);
    expect(apiMock.chats.get).not.toHaveBeenCalled();
  });

  it('adding from here takes the answer; the event that follows changes nothing', async () => {
    await start();
    apiMock.chats.addMember.mockResolvedValue(team({ members: [member(ME, { role: 'owner' }), member(BOB), member(CAROL)] }));
    await addMember(G1, { id: CAROL, display_name: CAROL, last_seen_at: null });
    expect(apiMock.chats.addMember).toHaveBeenCalledWith(G1, CAROL);
    expect(members()).toEqual([ME, BOB, CAROL]);
    socket.push({ type: 'member_added', chat_id: G1, member: member(CAROL) });
    expect(members()).toEqual([ME, BOB, CAROL]);
  });
});

describe('chat requests', () => {
  const asked = () => team({ id: 'g3', members: [member(BOB, { role: 'owner' }), member(ME, { pending: true })], request: { from: BOB, from_name: 'Bob', created_at: '2026-12-03T10:00:00Z' } });

  it('one I accepted in another tab is fetched again (the event names me, no longer pending)', async () => {
    await start('/', [asked()]);
    expect(chats().g3?.request).toBeTruthy();
    apiMock.chats.get.mockResolvedValue(team({ id: 'g3', last_seq: 2, unread_count: 0, members: [member(BOB, { role: 'owner' }), member(ME)] }));
    socket.push({ type: 'member_added', chat_id: 'g3', member: member(ME) });
    await settle();
    expect(apiMock.chats.get).toHaveBeenCalledWith('g3');
    expect(chats().g3?.request).toBeFalsy();
  });

  it('someone I asked in who accepts counts as one member more; an invite alone does not', async () => {
    await start('/', [team({ member_count: 2 })]);
    socket.push({ type: 'member_added', chat_id: G1, member: member(CAROL, { pending: true }) });
    expect(chats()[G1]?.member_count).toBe(2);
    socket.push({ type: 'member_added', chat_id: G1, member: member(CAROL) });
    expect(chats()[G1]?.member_count).toBe(3);
    expect(members()).toEqual([ME, BOB, CAROL]);
  });
});

describe('member_removed', () => {
  it('for someone else: they leave the member list, and the chat is fetched again for its roles', async () => {
    await start('/', [team({ my_role: 'member', members: [member(BOB, { role: 'owner' }), member(ME), member(CAROL)] })]);
    apiMock.chats.get.mockResolvedValue(team({ my_role: 'owner', members: [member(ME, { role: 'owner' }), member(CAROL)] }));
    socket.push({ type: 'member_removed', chat_id: G1, user_id: BOB, removed_by: ME });
    expect(members()).toEqual([ME, CAROL]);
    await settle();
    // The owner left: the longest-standing member (me) took over.
    expect(chats()[G1]?.my_role).toBe('owner');
  });

  it('for me, with the chat open: it leaves the list with its messages and unsent ones, and the list shows with a notice', async () => {
    apiMock.chats.get.mockResolvedValue(team({ last_seq: 2 }));
    apiMock.chats.messages.mockResolvedValue(page(fromBob(1, 2).map((m) => ({ ...m, chat_id: G1 }))));
    await start(`/chats/${G1}`, [team({ last_seq: 2 })]);
    expect(useNavigation.getState().openChatId).toBe(G1);
    expect(useTimeline.getState().byChat[G1]?.items).toHaveLength(2);
    socket.drop();
    useOutbox.getState().send(G1, 'too late');
    socket.push({ type: 'member_removed', chat_id: G1, user_id: ME, removed_by: BOB });
    expect(chats()[G1]).toBeUndefined();
    expect(useChatList.getState().baselines[G1]).toBeUndefined();
    expect(useTimeline.getState().byChat[G1]).toBeUndefined();
    expect(useOutbox.getState().byChat[G1] ?? []).toEqual([]);
    expect(useNavigation.getState()).toMatchObject({ openChatId: null, notice: 'You were removed from Team.' });
    expect(address.path()).toBe('/');
    // Back online: nothing goes to the chat I left, and no gap repair asks for it.
    apiMock.chats.list.mockResolvedValue([]);
    apiMock.chats.messages.mockClear();
    socket.open();
    await settle();
    expect(socket.sentOf('send_message')).toEqual([]);
    expect(apiMock.chats.messages).not.toHaveBeenCalled();
  });

  it('for me, when I left in another tab: the notice says I left', async () => {
    await start(`/chats/${G1}`, [team()]);
    socket.push({ type: 'member_removed', chat_id: G1, user_id: ME, removed_by: ME });
    expect(useNavigation.getState()).toMatchObject({ openChatId: null, notice: 'You left Team.' });
  });

  it('for me, with the chat not open: it leaves the list without a notice', async () => {
    await start('/', [team(), chat()]);
    useNavigation.getState().openChat('c1');
    socket.push({ type: 'member_removed', chat_id: G1, user_id: ME, removed_by: BOB });
    expect(Object.keys(chats())).toEqual(['c1']);
    expect(useNavigation.getState()).toMatchObject({ openChatId: 'c1', notice: null });
  });

  it('for me: an answer asked for before cannot bring the chat back; being added again can', async () => {
    await start();
    const stale = deferred<Chat[]>();
    apiMock.chats.list.mockReturnValueOnce(stale.promise);
    const reload = useChatList.getState().loadChats();
    const staleOne = deferred<Chat>();
    apiMock.chats.get.mockReturnValueOnce(staleOne.promise);
    const fetching = useChatList.getState().fetchChat(G1);
    socket.push({ type: 'member_removed', chat_id: G1, user_id: ME, removed_by: BOB });
    stale.resolve([team()]);
    staleOne.resolve(team());
    await reload;
    expect(await fetching).toBeNull();
    expect(chats()[G1]).toBeUndefined();
    // A late push for it fetches it: the server says it is not mine.
    apiMock.chats.get.mockRejectedValueOnce(new ApiError(404, 'chat_not_found', 'Chat not found'));
    socket.push({ type: 'new_message', message: msg(9, { chat_id: G1 }) });
    await settle();
    expect(chats()[G1]).toBeUndefined();
    // Added again: the chat as it is now.
    apiMock.chats.get.mockResolvedValueOnce(team({ last_seq: 9, unread_count: 1 }));
    socket.push({ type: 'member_added', chat_id: G1, member: member(ME) });
    await settle();
    expect(chats()[G1]).toBeDefined();
    expect(unread(G1)).toBe(1);
  });

  it('removing someone from here drops them at once; the event that follows asks nothing more', async () => {
    await start();
    apiMock.chats.removeMember.mockResolvedValue(undefined);
    apiMock.chats.get.mockResolvedValue(team({ members: [member(ME, { role: 'owner' })] }));
    await removeMember(G1, BOB);
    expect(members()).toEqual([ME]);
    socket.push({ type: 'member_removed', chat_id: G1, user_id: BOB, removed_by: ME });
    await settle();
    expect(apiMock.chats.get).toHaveBeenCalledTimes(1);
  });
});

describe('leaving', () => {
  for (const eventFirst of [true, false]) {
    it(`says "You left" whether the event comes ${eventFirst ? 'before' : 'after'} the answer`, async () => {
      await start(`/chats/${G1}`);
      const answer = deferred<undefined>();
      apiMock.chats.removeMember.mockReturnValue(answer.promise);
      const leaving = leaveGroup(G1);
      expect(apiMock.chats.removeMember).toHaveBeenCalledWith(G1, ME);
      if (eventFirst) socket.push({ type: 'member_removed', chat_id: G1, user_id: ME, removed_by: BOB });
      answer.resolve(undefined);
      await leaving;
      if (!eventFirst) socket.push({ type: 'member_removed', chat_id: G1, user_id: ME, removed_by: BOB });
      expect(chats()[G1]).toBeUndefined();
      expect(useNavigation.getState()).toMatchObject({ openChatId: null, notice: 'You left Team.' });
    });
  }

  it('a refused leave keeps the chat', async () => {
    await start(`/chats/${G1}`);
    apiMock.chats.removeMember.mockRejectedValue(new ApiError(409, 'direct_chat_members_fixed', 'a direct chat keeps its members'));
    await expect(leaveGroup(G1)).rejects.toMatchObject({ code: 'direct_chat_members_fixed' });
    expect(chats()[G1]).toBeDefined();
    expect(useNavigation.getState().openChatId).toBe(G1);
  });
});
