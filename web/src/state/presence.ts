/**
 * Who is online: per user, seeded from the members in chat answers (`members[].online`,
 * `last_seen_at`) and then moved by `presence` events.
 */
import { create } from 'zustand';

import type { Chat, ChatMember, ServerEventOf } from '../api/types';

export interface Presence {
  online: boolean;
  last_seen_at: string | null;
}

interface PresenceState {
  users: Record<string, Presence>;
  /** A chat answer (the list, one chat) says how its members are. */
  fromChats(chats: Chat[]): void;
  /** Members as a chat answer or a `member_added` event describes them. */
  fromMembers(members: ChatMember[]): void;
  apply(event: ServerEventOf<'presence'>): void;
  reset(): void;
}

export const usePresence = create<PresenceState>()((set, get) => ({
  users: {},

  fromChats(chats) {
    get().fromMembers(chats.flatMap((chat) => chat.members));
  },

  fromMembers(members) {
    set((s) => {
      const users = { ...s.users };
      for (const m of members) users[m.id] = { online: m.online, last_seen_at: m.last_seen_at ?? users[m.id]?.last_seen_at ?? null };
      return { users };
    });
  },

  apply(event) {
    set((s) => ({
      users: {
        ...s.users,
        [event.user_id]: { online: event.online, last_seen_at: event.last_seen_at ?? s.users[event.user_id]?.last_seen_at ?? null },
      },
    }));
  },

  reset: () => set({ users: {} }),
}));

const NOBODY: Presence = { online: false, last_seen_at: null };

/** How one person is (offline and never seen, when nothing is known). */
export function usePresenceOf(userId: string | undefined): Presence {
  return usePresence((s) => (userId ? (s.users[userId] ?? NOBODY) : NOBODY));
}

/** How many of `userIds` are online. */
export function useOnlineCount(userIds: string[]): number {
  return usePresence((s) => userIds.filter((id) => s.users[id]?.online).length);
}
