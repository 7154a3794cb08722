/**
 * The one place where server events enter the app: each `ServerEvent` is handed to the stores
 * that own what it says. Stored messages (`message_sent`, `new_message`, `message_updated`) go to
 * the timeline (which confirms my outgoing copy and moves the preview), end the sender's typing,
 * fetch a chat that is not in my list yet (someone started one with me, or the `member_added`
 * for me was lost), and repair any gap their seq reveals. Membership events go to
 * `membership.ts`; a `read` for me moves my own marker (another tab or device read).
 */
import type { Message, ServerEvent } from '../../api/types';
import { fillGaps } from '../catchUp';
import { useChatList } from '../chatList';
import { myId } from '../me';
import { memberAdded, memberRemoved } from '../membership';
import { useOutbox } from '../outbox';
import { usePresence } from '../presence';
import { useReceipts } from '../receipts';
import { useTimeline } from '../timeline';
import { useTyping } from '../typing';
import { readCounted } from '../unread';

export function routeEvent(event: ServerEvent): void {
  switch (event.type) {
    case 'message_sent':
    case 'new_message':
    case 'message_updated':
      storedMessage(event.message);
      break;
    case 'error':
      // Errors without a client_message_id concern a frame that carried none (typing, mark_read).
      if (event.client_message_id) useOutbox.getState().refused(event.client_message_id, event.code, event.message);
      break;
    case 'typing':
      if (event.is_typing) useTyping.getState().started(event.chat_id, event.user_id);
      else useTyping.getState().stopped(event.chat_id, event.user_id);
      break;
    case 'presence':
      usePresence.getState().apply(event);
      if (!event.online) useTyping.getState().goneOffline(event.user_id);
      break;
    case 'read':
      if (event.user_id === myId()) myRead(event.chat_id, event.seq);
      else useReceipts.getState().applyRead(event);
      break;
    case 'attachment_updated':
      useTimeline.getState().applyAttachment(event.attachment);
      useOutbox.getState().applyAttachment(event.attachment);
      break;
    case 'member_added':
      memberAdded(event);
      break;
    case 'member_removed':
      memberRemoved(event);
      break;
    case 'pong':
      break;
    default: {
      // Every event of the contract has its case (a new one fails the type check here); an
      // unknown type from a newer server is ignored.
      const unknown: never = event;
      void unknown;
    }
  }
}

function storedMessage(message: Message) {
  const chatId = message.chat_id;
  // Pushed as it happened: a deletion in it is news (see unread.ts).
  useTimeline.getState().accept(chatId, [message], true);
  if (message.sender_id !== myId()) useTyping.getState().stopped(chatId, message.sender_id);
  if (useChatList.getState().chats[chatId]) {
    void fillGaps(chatId);
    return;
  }
  void useChatList
    .getState()
    .fetchChat(chatId)
    .then((chat) => (chat ? fillGaps(chatId) : undefined))
    .catch(() => undefined);
}

/**
 * My marker moved on the server (I read in another tab or on another device). The unread count
 * falls by the messages held between the markers; where they were never held here (the chat was
 * not opened on this page) only the server can say how many are left, so it is asked.
 */
function myRead(chatId: string, seq: number) {
  useReceipts.getState().readElsewhere(chatId, seq);
  const mine = useReceipts.getState().mine[chatId];
  const marker = Math.max(mine?.read ?? 0, mine?.confirmed ?? 0);
  const baseline = useChatList.getState().baselines[chatId];
  const items = useTimeline.getState().byChat[chatId]?.items ?? [];
  if (baseline && !readCounted(baseline, marker, items)) void useChatList.getState().fetchChat(chatId).catch(() => undefined);
}
