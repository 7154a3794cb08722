import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const { apiMock, resetApiMock } = await vi.hoisted(() => import('./apiMock'));
vi.mock('../api', async (real) => ({ ...(await real<typeof import('../api')>()), api: apiMock }));

const { ApiError } = await import('../api/errors');
const { followAddress, UNKNOWN_CHAT_NOTICE, useNavigation } = await import('./navigation');
const { endSession } = await import('./session');
const { useChatList } = await import('./chatList');
const { useTimeline } = await import('./timeline');
const { chat, fromBob, page, settle, signedInAsMe } = await import('./testing');

const ID = '0192a0b4-7c1e-7d2a-9b3c-4d5e6f708192';
const OTHER = '0192a0b4-7c1e-7d2a-9b3c-4d5e6f708193';

/** The browser's history, in memory: entries with a path and whether the app pushed them. */
function fakeHistory(start: string) {
  const entries = [{ path: start, pushed: false }];
  let at = 0;
  const listeners = new Set<() => void>();
  return {
    entries,
    get at() {
      return at;
    },
    path: () => entries[at]!.path,
    pushed: () => entries[at]!.pushed,
    push(path: string) {
      entries.splice(at + 1, entries.length, { path, pushed: true });
      at += 1;
    },
    replace(path: string) {
      entries[at] = { path, pushed: false };
    },
    back() {
      if (at === 0) return;
      at -= 1;
      for (const l of listeners) l();
    },
    forward() {
      if (at === entries.length - 1) return;
      at += 1;
      for (const l of listeners) l();
    },
    onPop(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let stop: () => void = () => undefined;

beforeEach(() => {
  resetApiMock();
  signedInAsMe();
  apiMock.chats.messages.mockResolvedValue(page(fromBob(1, 3).map((m) => ({ ...m, chat_id: ID }))));
  useChatList.getState().ingest([chat({ id: ID, last_seq: 3 })]);
});

afterEach(() => {
  stop();
  endSession();
});

describe('the open chat in the address', () => {
  it('opening a chat pushes /chats/{id}; Back closes it, Forward opens it again', async () => {
    const history = fakeHistory('/');
    stop = followAddress(history);
    expect(useNavigation.getState().openChatId).toBeNull();
    useNavigation.getState().openChat(ID);
    expect(history.path()).toBe(`/chats/${ID}`);
    expect(useNavigation.getState().openChatId).toBe(ID);
    await settle();
    expect(useTimeline.getState().byChat[ID]?.loaded).toBe(true);
    // The same chat again adds no entry.
    useNavigation.getState().openChat(ID);
    expect(history.entries).toHaveLength(2);
    history.back();
    expect(useNavigation.getState().openChatId).toBeNull();
    history.forward();
    expect(useNavigation.getState().openChatId).toBe(ID);
  });

  it('the back button of the conversation is the browser’s Back when the app opened it, else goes to /', () => {
    const history = fakeHistory('/');
    stop = followAddress(history);
    useNavigation.getState().openChat(ID);
    useNavigation.getState().closeConversation();
    expect(history.at).toBe(0);
    expect(useNavigation.getState().openChatId).toBeNull();
    stop();

    // Arrived by a link: there is nothing of ours to go back to, so the address becomes /.
    const linked = fakeHistory(`/chats/${ID}`);
    stop = followAddress(linked);
    expect(useNavigation.getState().openChatId).toBe(ID);
    useNavigation.getState().closeConversation();
    expect(linked.path()).toBe('/');
    expect(useNavigation.getState().openChatId).toBeNull();
  });

  it('a reload or a pasted link opens that chat and loads its history', async () => {
    stop = followAddress(fakeHistory(`/chats/${ID}/`));
    expect(useNavigation.getState().openChatId).toBe(ID);
    await settle();
    expect(useTimeline.getState().byChat[ID]?.items.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('a chat that is not mine shows the list with a notice, and the address becomes /', async () => {
    apiMock.chats.get.mockRejectedValue(new ApiError(404, 'chat_not_found', 'Chat not found'));
    const history = fakeHistory(`/chats/${OTHER}`);
    stop = followAddress(history);
    await settle();
    expect(useNavigation.getState()).toMatchObject({ openChatId: null, notice: UNKNOWN_CHAT_NOTICE });
    expect(history.path()).toBe('/');
    useNavigation.getState().dismissNotice();
    expect(useNavigation.getState().notice).toBeNull();
  });

  it('a linked chat missing from a list that is not in yet is asked for, and opens', async () => {
    apiMock.chats.get.mockResolvedValue(chat({ id: OTHER, title: 'New group', kind: 'group' }));
    apiMock.chats.messages.mockResolvedValue(page([]));
    stop = followAddress(fakeHistory(`/chats/${OTHER}`));
    await settle();
    expect(useNavigation.getState()).toMatchObject({ openChatId: OTHER, notice: null });
    expect(useChatList.getState().chats[OTHER]?.title).toBe('New group');
  });
});
