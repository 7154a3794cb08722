/**
 * The signed-in part of the app, wired in one place: `startSession` when the app shell mounts
 * (unsent messages back from storage, the chat list, the address, the socket), `endSession`
 * when the session ends (nothing of one account may leak into the next one signed in here).
 */
import { attachmentUrls } from './attachmentUrls';
import { useBlocks } from './blocks';
import { healOnChatAnswers, resetCatchUp } from './catchUp';
import { useChatList } from './chatList';
import { resetMembership } from './membership';
import { type Address, followAddress, leaveChatAddress, useNavigation } from './navigation';
import { useOutbox } from './outbox';
import type { OutboxStorage } from './outboxStorage';
import { usePresence } from './presence';
import { type Connect, startRealtime, stopRealtime } from './realtime';
import { useReceipts } from './receipts';
import { useTimeline } from './timeline';
import { useTyping } from './typing';
import { useUploads } from './uploads';

export interface SessionDeps {
  connect?: Connect;
  storage?: OutboxStorage;
  address?: Address;
}

/** Signed in as `userId`: returns the stop function (which keeps what is held; see `endSession`). */
export function startSession(userId: string, deps: SessionDeps = {}): () => void {
  void useOutbox.getState().restore(userId, deps.storage);
  void useChatList.getState().loadChats();
  const stopHealing = healOnChatAnswers();
  const stopAddress = followAddress(deps.address);
  const stop = startRealtime(deps.connect);
  return () => {
    stopHealing();
    stopAddress();
    stop();
  };
}

/** The session ended (signed out, expired, signed out elsewhere): forget everything it held. */
export function endSession(): void {
  stopRealtime();
  resetCatchUp();
  resetMembership();
  useOutbox.getState().reset(true);
  useReceipts.getState().reset();
  useTyping.getState().reset();
  useTimeline.getState().reset();
  useChatList.getState().reset();
  usePresence.getState().reset();
  useBlocks.getState().reset();
  useNavigation.setState({ openChatId: null, notice: null });
  leaveChatAddress();
  useUploads.getState().reset();
  attachmentUrls.clear();
}
