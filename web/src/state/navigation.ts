/**
 * Which chat is open, kept in the address: `/chats/{id}` for a conversation, `/` for the list
 * (the gateway serves the app for any path). Opening a chat pushes a history entry, so the
 * browser's (or a phone's) Back closes it; a reload or a pasted link (a notification e-mail's)
 * opens that chat; an id that is not one of my chats shows the list with a short notice.
 * History API only: the app has one screen with two panes, not enough to pay for a router.
 */
import { create } from 'zustand';

import { chatIdFromPath } from '../lib/chatLink';
import { loadHistory } from './catchUp';
import { useChatList } from './chatList';

/** The part of `window.history`/`location` this store uses (a fake in unit tests). */
export interface Address {
  path(): string;
  /** Whether the current entry was pushed by opening a chat here (then closing it is a Back). */
  pushed(): boolean;
  push(path: string): void;
  replace(path: string): void;
  back(): void;
  /** Calls `listener` when the user moves through history; returns the unsubscribe. */
  onPop(listener: () => void): () => void;
}

export const UNKNOWN_CHAT_NOTICE = 'That chat could not be found.';

interface NavigationState {
  openChatId: string | null;
  /** Something to tell about the last navigation (an unknown chat); null when nothing. */
  notice: string | null;
  openChat(id: string): void;
  /** Back to the list (phones show one pane at a time). */
  closeConversation(): void;
  dismissNotice(): void;
  /** A chat left my list (I left it or was removed): if it is open, the list shows, with `notice`. */
  chatGone(id: string, notice: string): void;
}

let address: Address | null = null;

export const useNavigation = create<NavigationState>()((set, get) => ({
  openChatId: null,
  notice: null,

  openChat(id) {
    if (get().openChatId === id) return;
    address?.push(`/chats/${id}`);
    show(id);
  },

  closeConversation() {
    if (get().openChatId === null) return;
    if (address?.pushed()) {
      address.back(); // popstate shows the list
      return;
    }
    address?.replace('/');
    set({ openChatId: null });
  },

  dismissNotice: () => set({ notice: null }),

  chatGone(id, notice) {
    if (get().openChatId !== id) return;
    // Replaced, not Back: the entry names a chat that is no longer mine.
    address?.replace('/');
    set({ openChatId: null, notice });
  },
}));

function show(id: string | null) {
  useNavigation.setState({ openChatId: id, notice: null });
  if (id) void verify(id);
}

/** A chat opened by address may not be mine: check once the list is there. */
async function verify(id: string) {
  let known = useChatList.getState().chats[id] !== undefined;
  if (!known) {
    // Not in the list (yet): a link to a chat I was just added to, or not mine at all.
    known = (await useChatList.getState().fetchChat(id).catch(() => undefined)) !== null;
  }
  if (useNavigation.getState().openChatId !== id) return;
  if (!known) {
    address?.replace('/');
    useNavigation.setState({ openChatId: null, notice: UNKNOWN_CHAT_NOTICE });
    return;
  }
  void loadHistory(id).catch(() => undefined);
}

/** Follows the address from now on (signed in); returns the stop function. */
export function followAddress(to: Address = browserAddress()): () => void {
  address = to;
  show(chatIdFromPath(to.path()));
  const stop = to.onPop(() => show(chatIdFromPath(to.path())));
  return () => {
    stop();
    if (address === to) address = null;
    useNavigation.setState({ openChatId: null, notice: null });
  };
}

/**
 * The session ended: an address naming one of its chats goes back to `/`, so whoever signs in
 * next here does not land on it. (Signed out, a `/chats/{id}` link is kept for after sign-in.)
 */
export function leaveChatAddress(): void {
  if (typeof window === 'undefined' || !chatIdFromPath(window.location.pathname)) return;
  window.history.replaceState(null, '', '/' + window.location.search);
}

export function browserAddress(): Address {
  return {
    path: () => window.location.pathname,
    pushed: () => (window.history.state as { opened?: boolean } | null)?.opened === true,
    push: (path) => window.history.pushState({ opened: true }, '', path + window.location.search),
    replace: (path) => window.history.replaceState(null, '', path + window.location.search),
    back: () => window.history.back(),
    onPop(listener) {
      window.addEventListener('popstate', listener);
      return () => window.removeEventListener('popstate', listener);
    },
  };
}
