/**
 * What the conversation area shows. Today that is a draft with a person found by search; the
 * chat list, the open chat and its messages join this store when the chat API lands.
 *
 * The seam for that: `openDirectChat(user)` is the one place that "starts a chat with someone".
 * It will call `POST /api/chats` (direct, at most one per pair, so it returns the existing chat
 * when there is one), add the chat to `chats` and select it. Components already call it.
 */
import { create } from 'zustand';

import type { PublicUser } from '../api/types';

export type Conversation =
  | { kind: 'none' }
  /** A person picked from search, before a chat with them exists. */
  | { kind: 'draft'; peer: PublicUser };

interface ChatsState {
  open: Conversation;
  openDirectChat(user: PublicUser): void;
  /** Back to the list (phones show one pane at a time). */
  closeConversation(): void;
  reset(): void;
}

export const useChats = create<ChatsState>()((set) => ({
  open: { kind: 'none' },
  openDirectChat: (peer) => set({ open: { kind: 'draft', peer } }),
  closeConversation: () => set({ open: { kind: 'none' } }),
  reset: () => set({ open: { kind: 'none' } }),
}));
