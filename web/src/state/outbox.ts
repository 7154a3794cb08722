/**
 * My outgoing messages until the server stores them (rules in `outgoing.ts`): sending over the
 * socket with a deadline for the `message_sent`, "Not sent" with Retry/Discard, the queue while
 * offline (flushed after the next catch-up), and persistence, so a reload (even offline) loses
 * nothing: every change is written to the outbox storage (IndexedDB, per signed-in user) and
 * `restore` puts them back on start-up, to go out again with their original
 * `client_message_id` (the server stores each once).
 *
 * Per chat one message is on the wire at a time, the next going once the server has answered
 * (or the deadline passed): API Gateway may run the frames of one socket concurrently, and seqs
 * are given in the order the sends commit, so this is what keeps a burst (a queue flushed after
 * a reconnect) in the order written.
 */
import { create } from 'zustand';

import { type ErrorCode, isServerTrouble } from '../api/errors';
import type { Attachment, Message, MessageAttachment } from '../api/types';
import { addOutgoing, confirmOutgoing, type Outgoing, outgoingWithAttachment, setOutgoingStatus } from './outgoing';
import { defaultOutboxStorage, type OutboxStorage } from './outboxStorage';
import { transmit } from './realtime/socket';

/** No `message_sent` this long after a message went out: it is shown as failed (retry reuses its id). */
export const SEND_TIMEOUT_MS = 10_000;

interface OutboxState {
  /** chat id -> my unconfirmed messages, in the order written. */
  byChat: Record<string, Outgoing[]>;
  /** Whether `restore` has finished (the stored messages are back). */
  restored: boolean;

  /** Signed in as `userId`: takes back what was unsent when this page (or an earlier one) closed. */
  restore(userId: string, storage?: OutboxStorage): Promise<void>;
  /** A message with text, attachments (uploaded and completed), or both. */
  send(chatId: string, body: string, attachments?: MessageAttachment[]): void;
  retry(chatId: string, clientMessageId: string): void;
  /** Forget a message that failed to send. */
  discard(chatId: string, clientMessageId: string): void;
  /** Stored messages arrived (any way): those they confirm are done. */
  confirm(messages: Message[]): void;
  /**
   * The server answered a message with an `error` (carrying its id): a refusal of the message
   * as written stays "Not sent" for good (also after a reload); the server's trouble
   * (`internal_error`, `service_unavailable`) is "Not sent" like a timeout, sent again by Retry
   * or after a reload.
   */
  refused(clientMessageId: string, code: ErrorCode, reason: string): void;
  /** Sends every pending message (after a catch-up). */
  flush(): void;
  applyAttachment(attachment: Attachment): void;
  /** A chat I am no longer in: what waited to go there never can (here and in storage). */
  forgetChat(chatId: string): void;
  /** Signing out: forget everything, here and (with `forget`) in storage. */
  reset(forget?: boolean): void;
}

const timers = new Map<string, ReturnType<typeof setTimeout>>();
/** chat id -> the message of that chat on the wire now, waiting for its answer. */
const onWire = new Map<string, string>();
let storage: OutboxStorage | null = null;
let user: string | null = null;

function persist(message: Outgoing) {
  if (storage && user) void storage.put(user, message).catch(() => undefined);
}
function unpersist(clientMessageId: string) {
  void storage?.remove(clientMessageId).catch(() => undefined);
}
function stopTimer(clientMessageId: string) {
  clearTimeout(timers.get(clientMessageId));
  timers.delete(clientMessageId);
  for (const [chatId, id] of onWire) if (id === clientMessageId) onWire.delete(chatId);
}

export const useOutbox = create<OutboxState>()((set, get) => {
  function find(clientMessageId: string): Outgoing | undefined {
    for (const list of Object.values(get().byChat)) {
      const hit = list.find((o) => o.client_message_id === clientMessageId);
      if (hit) return hit;
    }
    return undefined;
  }
  function update(chatId: string, change: (list: Outgoing[]) => Outgoing[]) {
    const before = get().byChat[chatId] ?? [];
    const after = change(before);
    if (after === before) return;
    set((s) => ({ byChat: { ...s.byChat, [chatId]: after } }));
    const kept = new Set(after.map((o) => o.client_message_id));
    for (const o of before) if (!kept.has(o.client_message_id)) unpersist(o.client_message_id);
    for (const o of after) if (!before.includes(o)) persist(o);
  }
  function fail(clientMessageId: string, reason: string, refused: boolean) {
    stopTimer(clientMessageId);
    const item = find(clientMessageId);
    if (!item) return;
    update(item.chat_id, (list) => setOutgoingStatus(list, clientMessageId, 'failed', reason, refused));
    pump(item.chat_id);
  }

  /** Puts the chat's first pending message on the wire (unless one is there), with a deadline for its `message_sent`. */
  function pump(chatId: string) {
    if (onWire.has(chatId)) return;
    const item = (get().byChat[chatId] ?? []).find((o) => o.status === 'pending');
    if (!item) return;
    const clientMessageId = item.client_message_id;
    const sent = transmit({
      action: 'send_message',
      chat_id: item.chat_id,
      client_message_id: clientMessageId,
      body: item.body,
      ...(item.attachments.length > 0 ? { attachment_ids: item.attachments.map((a) => a.id) } : {}),
    });
    if (!sent) return; // Queued: goes out after the next connect's catch-up.
    stopTimer(clientMessageId);
    onWire.set(chatId, clientMessageId);
    timers.set(
      clientMessageId,
      setTimeout(() => fail(clientMessageId, 'No answer from the server', false), SEND_TIMEOUT_MS),
    );
  }

  return {
    byChat: {},
    restored: false,

    async restore(userId, from = defaultOutboxStorage()) {
      storage = from;
      user = userId;
      let saved: Outgoing[] = [];
      try {
        saved = await from.load(userId);
      } catch {
        // Storage unavailable: this page's messages still work, they just do not outlive it.
      }
      if (user !== userId) return;
      for (const o of saved) {
        // Refused ones stay refused; anything else goes out again (the server de-duplicates).
        const back: Outgoing = o.refused ? o : { ...o, status: 'pending', error: undefined };
        set((s) => ({ byChat: { ...s.byChat, [o.chat_id]: addOutgoing(s.byChat[o.chat_id] ?? [], back) } }));
      }
      set({ restored: true });
      for (const chatId of Object.keys(get().byChat)) pump(chatId);
    },

    send(chatId, body, attachments = []) {
      const text = body.trim();
      if (!text && attachments.length === 0) return;
      const clientMessageId = crypto.randomUUID();
      update(chatId, (list) =>
        addOutgoing(list, {
          client_message_id: clientMessageId,
          chat_id: chatId,
          body: text,
          attachments,
          created_at: new Date().toISOString(),
          status: 'pending',
        }),
      );
      pump(chatId);
    },

    retry(chatId, clientMessageId) {
      update(chatId, (list) => setOutgoingStatus(list, clientMessageId, 'pending'));
      pump(chatId);
    },

    discard(chatId, clientMessageId) {
      stopTimer(clientMessageId);
      update(chatId, (list) => list.filter((o) => o.client_message_id !== clientMessageId));
      pump(chatId);
    },

    confirm(messages) {
      const byChat = new Map<string, Message[]>();
      for (const m of messages) {
        stopTimer(m.client_message_id);
        byChat.set(m.chat_id, [...(byChat.get(m.chat_id) ?? []), m]);
      }
      for (const [chatId, stored] of byChat) {
        update(chatId, (list) => confirmOutgoing(list, stored));
        pump(chatId);
      }
    },

    refused: (clientMessageId, code, reason) => fail(clientMessageId, reason, !isServerTrouble(code)),

    flush() {
      // A new socket: whatever was on the old one may never have arrived, so it goes again.
      onWire.clear();
      for (const chatId of Object.keys(get().byChat)) pump(chatId);
    },

    applyAttachment(attachment) {
      update(attachment.chat_id, (list) => outgoingWithAttachment(list, attachment));
    },

    forgetChat(chatId) {
      const list = get().byChat[chatId];
      if (!list || list.length === 0) return;
      for (const o of list) stopTimer(o.client_message_id);
      update(chatId, () => []);
    },

    reset(forget = false) {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      onWire.clear();
      if (forget && storage && user) void storage.clear(user).catch(() => undefined);
      storage = null;
      user = null;
      set({ byChat: {}, restored: false });
    },
  };
});
