/**
 * Who is in a group, as it changes: the `member_added` and `member_removed` events (the router
 * hands them here), and adding, removing and leaving from this page (REST; the same events
 * follow, and change nothing twice).
 *
 * - Added: for the one added the chat is new, so it is fetched (`GET /api/chats/{id}`) and shows
 *   in the list at once, with its unread count, before any message; the others add the member.
 * - Removed: when it is me, the chat leaves the list with everything held for it (messages,
 *   unsent messages), and if it is open the list shows with a notice ("You left Team" when I
 *   removed myself, by `removed_by`, in this tab or another; else "You were removed from
 *   Team"). For someone else, they leave the member list and the chat is fetched again, since
 *   roles may have changed (an owner who leaves hands over to the longest-standing member).
 */
import { api } from '../api';
import type { PublicUser, ServerEventOf } from '../api/types';
import { useChatList } from './chatList';
import { myId } from './me';
import { useNavigation } from './navigation';
import { useOutbox } from './outbox';
import { usePresence } from './presence';
import { useReceipts } from './receipts';
import { declinedNotice } from './requests';
import { useTimeline } from './timeline';
import { useTyping } from './typing';

// Chats this page has asked to leave: the event may come before the answer does.
const leaving = new Set<string>();

export function memberAdded({ chat_id: chatId, member }: ServerEventOf<'member_added'>): void {
  const list = useChatList.getState();
  if (!list.chats[chatId] || (member.id === myId() && list.chats[chatId].request)) {
    // New to me (I was added or asked), one I do not hold yet, or a request of mine accepted
    // in another tab: the chat as it is, unread count included.
    void list.fetchChat(chatId).catch(() => undefined);
    return;
  }
  list.putMember(chatId, member);
  usePresence.getState().fromMembers([member]);
  if (member.id !== myId()) useReceipts.getState().applyRead({ type: 'read', chat_id: chatId, user_id: member.id, seq: member.last_read_seq });
}

export function memberRemoved({ chat_id: chatId, user_id: userId, removed_by: removedBy }: ServerEventOf<'member_removed'>): void {
  if (userId === myId()) {
    gone(chatId, removedBy === userId || leaving.has(chatId) ? 'left' : 'removed');
    return;
  }
  const list = useChatList.getState();
  // Not held, or already dropped (this page removed them): nothing changed.
  if (!list.chats[chatId]?.members.some((m) => m.id === userId)) return;
  list.dropMember(chatId, userId);
  useTyping.getState().stopped(chatId, userId);
  void list.fetchChat(chatId).catch(() => undefined);
}

/** The owner adds someone; the answer is the chat with them in it. */
export async function addMember(chatId: string, user: PublicUser): Promise<void> {
  useChatList.getState().ingest([await api.chats.addMember(chatId, user.id)]);
}

/** The owner removes someone. */
export async function removeMember(chatId: string, userId: string): Promise<void> {
  await api.chats.removeMember(chatId, userId);
  memberRemoved({ type: 'member_removed', chat_id: chatId, user_id: userId, removed_by: myId() });
}

/** I leave a group: it goes from the list at once (the server answers after telling everyone). */
export async function leaveGroup(chatId: string): Promise<void> {
  leaving.add(chatId);
  try {
    await api.chats.removeMember(chatId, myId());
    gone(chatId, 'left');
  } finally {
    leaving.delete(chatId);
  }
}

function gone(chatId: string, how: 'left' | 'removed') {
  const chat = useChatList.getState().chats[chatId];
  if (!chat) return;
  useChatList.getState().forget(chatId);
  useTimeline.getState().forget(chatId);
  useOutbox.getState().forgetChat(chatId);
  const notice = chat.request ? declinedNotice(chat) : how === 'left' ? `You left ${chat.title}.` : `You were removed from ${chat.title}.`;
  useNavigation.getState().chatGone(chatId, notice);
}

export function resetMembership(): void {
  leaving.clear();
}
