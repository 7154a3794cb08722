/**
 * Whom I blocked (docs/SECURITY.md): loaded once when a direct chat first asks, then kept in
 * step with my own block and unblock calls.
 */
import { create } from 'zustand';

import { api } from '../api';

interface BlocksState {
  /** Ids of the users I blocked; null until loaded. */
  blocked: Record<string, true> | null;
  load(): Promise<void>;
  /** Blocks (`on`) or unblocks `userId`; rejects with the API's error. */
  set(userId: string, on: boolean): Promise<void>;
  reset(): void;
}

export const useBlocks = create<BlocksState>()((set, get) => ({
  blocked: null,

  async load() {
    if (get().blocked !== null) return;
    const users = await api.users.blocks();
    set({ blocked: Object.fromEntries(users.map((u) => [u.id, true as const])) });
  },

  async set(userId, on) {
    await (on ? api.users.block(userId) : api.users.unblock(userId));
    set((s) => {
      const blocked = { ...(s.blocked ?? {}) };
      if (on) blocked[userId] = true;
      else delete blocked[userId];
      return { blocked };
    });
  },

  reset() {
    set({ blocked: null });
  },
}));
