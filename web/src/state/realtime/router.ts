/**
 * The one place where server events enter the app: each `ServerEvent` is handed to the stores
 * that own what it says. Stored messages (`message_sent`, `new_message`, `message_updated`) go to
 * the timeline (which confirms my outgoing copy and moves the preview), end the sender's typing,
 * fetch a chat that is not in my list yet (someone started one with me or added me to a group),
 * and repair any gap their seq reveals.
 */
import type { Message, ServerEvent } from '../../api/types';
import { fillGaps } from '../catchUp';
import { useChatList } from '../chatList';
import { myId } from '../me';
import { useOutbox } from '../outbox';
import { usePresence } from '../presence';
import { useReceipts } from '../receipts';
import { useTimeline } from '../timeline';
import { useTyping } from '../typing';

export function routeEvent(event: ServerEvent): void {
  switch (event.type) {
    case 'message_sent':
    case 'new_message':
    case 'message_updated':
      storedMessage(event.message);
      break;
    case 'error':
      // Errors without a client_message_id concern a frame that carried none (typing, mark_read).
      if (event.client_message_id) useOutbox.getState().refused(event.client_message_id, event.message);
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
      useReceipts.getState().applyRead(event);
      break;
    case 'attachment_updated':
      useTimeline.getState().applyAttachment(event.attachment);
      useOutbox.getState().applyAttachment(event.attachment);
      break;
    case 'pong':
      break;
  }
}

function storedMessage(message: Message) {
  const chatId = message.chat_id;
  useTimeline.getState().accept(chatId, [message]);
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
