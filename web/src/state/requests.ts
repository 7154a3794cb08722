/**
 * Chat requests (docs/SECURITY.md, "Chat requests"): someone I share no chat with started a
 * direct chat with me or added me to a group. The chat shows apart, with who asked and nothing
 * else, until I answer: accepting makes me a member (its history loads, what they wrote so far
 * is unread); declining (and, if I choose, blocking them) takes it off my list, and they are
 * not told. The asker's side sees me as `pending` in the members until I accept.
 */
import { api } from '../api';
import type { Chat } from '../api/types';
import { useBlocks } from './blocks';
import { loadHistory } from './catchUp';
import { useChatList } from './chatList';
import { useNavigation } from './navigation';

/** Requests to me, newest first. */
export function requestsOf(chats: Chat[]): Chat[] {
  return chats.filter((c) => c.request).sort((a, b) => (b.request?.created_at ?? '').localeCompare(a.request?.created_at ?? ''));
}

/** Someone in the chat who has not accepted their request yet (seen from the asker's side). */
export function pendingMembers(chat: Chat) {
  return chat.members.filter((m) => m.pending);
}

export async function acceptRequest(chatId: string): Promise<void> {
  const chat = await api.chats.answerRequest(chatId, true);
  if (chat) useChatList.getState().ingest([chat]);
  await loadHistory(chatId);
}

/** Declines; with `block`, also blocks the one who asked (their other requests go too). */
export async function declineRequest(chat: Chat, block: boolean): Promise<void> {
  const wasOpen = useNavigation.getState().openChatId === chat.id;
  await api.chats.answerRequest(chat.id, false);
  if (block && chat.request) await useBlocks.getState().set(chat.request.from, true);
  useChatList.getState().forget(chat.id);
  const notice = block ? `You declined and blocked ${chat.request?.from_name ?? 'them'}.` : declinedNotice(chat);
  // The decline's own event may have closed it already (membership.ts): the notice is this one.
  if (useNavigation.getState().openChatId === chat.id) useNavigation.getState().chatGone(chat.id, notice);
  else if (wasOpen) useNavigation.setState({ notice });
}

/** What the list says when a request I had open is declined (here or in another tab). */
export function declinedNotice(chat: Chat): string {
  return `You declined ${chat.request?.from_name ?? 'their'}’s request.`;
}
