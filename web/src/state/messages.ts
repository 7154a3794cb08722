/**
 * The message bookkeeping, as plain functions over plain data (the chats store calls them;
 * the unit tests call them directly).
 *
 * - Stored messages are kept per chat in ascending `seq`, one per seq: pushes may arrive out of
 *   order and twice (a `new_message` and a catch-up page can carry the same message), so every
 *   arrival goes through `mergeMessages`.
 * - Messages I write live as `Outgoing` until the server confirms them, keyed by their
 *   `client_message_id`: `pending` (queued or on the wire), `failed` (an `error` for that id, or no
 *   answer in time). A stored message carrying the same `client_message_id` replaces it, whichever
 *   way it arrives (`message_sent`, `new_message` from another tab, a catch-up page).
 * - Attachments move forward only (pending -> processing -> ready | rejected): an
 *   `attachment_updated` push updates the message carrying it, and is remembered, so a copy of
 *   that message arriving later (or a push that raced ahead of the message) never shows an
 *   older state.
 */
import type { Attachment, Chat, ChatMember, Message, MessageAttachment } from '../api/types';

export type OutgoingStatus = 'pending' | 'failed';

export interface Outgoing {
  client_message_id: string;
  chat_id: string;
  body: string;
  /** Uploaded (completed) attachments it carries; their ids go out with every (re)send. */
  attachments: MessageAttachment[];
  created_at: string;
  status: OutgoingStatus;
  /** Why it failed (the server's message), when it did. */
  error?: string;
}

export interface ChatMessages {
  /** Stored messages, ascending by seq, unique by seq. */
  items: Message[];
  /** Mine, not yet confirmed, in the order written. */
  outgoing: Outgoing[];
  /** Whether older messages than `items[0]` exist on the server. */
  hasOlder: boolean;
  /** Whether the latest page has been fetched (before that, `items` holds only pushes). */
  loaded: boolean;
  /** The latest `attachment_updated` per attachment id in this chat. */
  attachmentUpdates: Record<string, MessageAttachment>;
}

export const EMPTY_CHAT_MESSAGES: ChatMessages = { items: [], outgoing: [], hasOlder: false, loaded: false, attachmentUpdates: {} };

const STATUS_RANK: Record<MessageAttachment['status'], number> = { pending: 0, processing: 1, ready: 2, rejected: 2 };

/** Of two states of one attachment, the further along (the held one on a tie). */
export function furtherAttachment(held: MessageAttachment, incoming: MessageAttachment): MessageAttachment {
  return STATUS_RANK[incoming.status] > STATUS_RANK[held.status] ? incoming : held;
}

/** The part of an `Attachment` a message carries. */
export function messageAttachment(a: Attachment | MessageAttachment): MessageAttachment {
  return {
    id: a.id,
    filename: a.filename,
    content_type: a.content_type,
    size: a.size,
    status: a.status,
    width: a.width ?? null,
    height: a.height ?? null,
    has_thumbnail: a.has_thumbnail,
  };
}

/**
 * `message` with each attachment moved forward to the further of its own state and the one in
 * `known` (by id). Returns `message` itself when nothing changes.
 */
export function withAttachmentStates<M extends { attachments?: MessageAttachment[] }>(
  message: M,
  known: Record<string, MessageAttachment> | ((id: string) => MessageAttachment | undefined),
): M {
  const list = message.attachments;
  if (!list || list.length === 0) return message;
  const lookup = typeof known === 'function' ? known : (id: string) => known[id];
  let changed = false;
  const next = list.map((a) => {
    const other = lookup(a.id);
    const pick = other ? furtherAttachment(a, other) : a;
    if (pick !== a) changed = true;
    return pick;
  });
  return changed ? { ...message, attachments: next } : message;
}

/** Of two copies of the same message, the more recent state: deleted beats not, a later edit beats an earlier one. */
export function newerCopy(held: Message, incoming: Message): Message {
  if (held.deleted !== incoming.deleted) return held.deleted ? held : incoming;
  const a = held.edited_at ? Date.parse(held.edited_at) : 0;
  const b = incoming.edited_at ? Date.parse(incoming.edited_at) : 0;
  return a > b ? held : incoming;
}

/** `items` plus `incoming`, ascending by seq, one message per seq. Returns `items` itself when nothing changed. */
export function mergeMessages(items: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return items;
  const bySeq = new Map<number, Message>();
  for (const m of items) bySeq.set(m.seq, m);
  let changed = false;
  for (const m of incoming) {
    const held = bySeq.get(m.seq);
    if (held === undefined) {
      bySeq.set(m.seq, m);
      changed = true;
    } else {
      let pick = newerCopy(held, m);
      if (pick !== held && sameMessage(pick, held)) pick = held;
      // Whichever copy wins, its attachments take the further state of either copy.
      const other = pick === held ? m : held;
      pick = withAttachmentStates(pick, (id) => other.attachments?.find((a) => a.id === id));
      if (pick !== held) {
        bySeq.set(m.seq, pick);
        changed = true;
      }
    }
  }
  if (!changed) return items;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function sameMessage(a: Message, b: Message): boolean {
  return a.id === b.id && a.body === b.body && a.deleted === b.deleted && a.edited_at === b.edited_at;
}

/** Stored messages arrived: merge them and drop the outgoing ones they confirm. */
export function receiveMessages(state: ChatMessages, incoming: Message[]): ChatMessages {
  const updates = state.attachmentUpdates;
  const known = Object.keys(updates).length > 0 ? incoming.map((m) => withAttachmentStates(m, updates)) : incoming;
  const items = mergeMessages(state.items, known);
  const confirmed = new Set(incoming.map((m) => m.client_message_id));
  const outgoing = state.outgoing.some((o) => confirmed.has(o.client_message_id))
    ? state.outgoing.filter((o) => !confirmed.has(o.client_message_id))
    : state.outgoing;
  if (items === state.items && outgoing === state.outgoing) return state;
  return { ...state, items, outgoing };
}

/**
 * An `attachment_updated` push: the attachment inside the message carrying it (by `message_id`
 * when the push names one, else by the attachment's id) and inside my outgoing messages moves
 * forward; the update is remembered for copies that arrive later.
 */
export function applyAttachmentUpdate(state: ChatMessages, attachment: Attachment): ChatMessages {
  const update = messageAttachment(attachment);
  const held = state.attachmentUpdates[update.id];
  const remembered = held ? furtherAttachment(held, update) : update;
  const attachmentUpdates = remembered === held ? state.attachmentUpdates : { ...state.attachmentUpdates, [update.id]: remembered };
  const table = { [update.id]: remembered };
  const carries = (m: { attachments?: MessageAttachment[] }) => m.attachments?.some((a) => a.id === update.id) ?? false;

  let items = state.items;
  const index = attachment.message_id
    ? items.findIndex((m) => m.id === attachment.message_id && carries(m))
    : items.findIndex(carries);
  const found = index >= 0 ? index : items.findIndex(carries);
  if (found >= 0) {
    const current = items[found] as Message;
    const next = withAttachmentStates(current, table);
    if (next !== current) {
      items = [...items];
      items[found] = next;
    }
  }
  let outgoing = state.outgoing;
  if (outgoing.some(carries)) {
    const next = outgoing.map((o) => withAttachmentStates(o, table));
    if (next.some((o, i) => o !== outgoing[i])) outgoing = next;
  }
  if (items === state.items && outgoing === state.outgoing && attachmentUpdates === state.attachmentUpdates) return state;
  return { ...state, items, outgoing, attachmentUpdates };
}

export function addOutgoing(state: ChatMessages, message: Outgoing): ChatMessages {
  if (state.outgoing.some((o) => o.client_message_id === message.client_message_id)) return state;
  return { ...state, outgoing: [...state.outgoing, message] };
}

export function setOutgoingStatus(state: ChatMessages, clientMessageId: string, status: OutgoingStatus, error?: string): ChatMessages {
  const index = state.outgoing.findIndex((o) => o.client_message_id === clientMessageId);
  const current = state.outgoing[index];
  if (current === undefined || (current.status === status && current.error === error)) return state;
  const outgoing = [...state.outgoing];
  outgoing[index] = { ...current, status, error };
  return { ...state, outgoing };
}

export function highestSeq(state: ChatMessages): number {
  return state.items.at(-1)?.seq ?? 0;
}

export function lowestSeq(state: ChatMessages): number | null {
  return state.items[0]?.seq ?? null;
}

/**
 * The unread count after my marker moves from `chat.last_read_seq` to `seq`: the server's count
 * less the messages from others (not deleted) I hold in between; nothing once I have read up to
 * the chat's last message.
 */
export function unreadAfterRead(chat: Chat, items: Message[], me: string, seq: number): number {
  if (seq <= chat.last_read_seq) return chat.unread_count;
  if (seq >= chat.last_seq) return 0;
  const nowRead = items.filter((m) => m.seq > chat.last_read_seq && m.seq <= seq && m.sender_id !== me && !m.deleted).length;
  return Math.max(0, chat.unread_count - nowRead);
}

/**
 * A chat summary after a message arrived: last message, last seq and activity move forward,
 * and a new message from someone else beyond my marker counts as unread (unless `read`).
 */
export function chatAfterMessage(chat: Chat, message: Message, me: string, read: boolean): Chat {
  if (message.seq <= chat.last_seq) {
    // An old message (or a copy): only an edit/delete of the last message changes the preview.
    if (chat.last_message && chat.last_message.seq === message.seq) {
      return { ...chat, last_message: newerCopy(chat.last_message, message) };
    }
    return chat;
  }
  const fromOther = message.sender_id !== me;
  return {
    ...chat,
    last_message: message,
    last_seq: message.seq,
    last_activity_at: message.created_at > chat.last_activity_at ? message.created_at : chat.last_activity_at,
    unread_count: fromOther && !read && !message.deleted ? chat.unread_count + 1 : chat.unread_count,
    last_read_seq: read || !fromOther ? Math.max(chat.last_read_seq, message.seq) : chat.last_read_seq,
  };
}

/** Chats, most recently active first. */
export function sortChats(chats: Chat[]): Chat[] {
  return [...chats].sort((a, b) => (a.last_activity_at < b.last_activity_at ? 1 : a.last_activity_at > b.last_activity_at ? -1 : 0));
}

/**
 * The seq up to which the other members have read, for "Seen": in a direct chat the other
 * person's marker; in a group, the furthest any other member has read.
 */
export function seenUpTo(chat: Chat, me: string): number {
  let max = 0;
  for (const m of chat.members) if (m.id !== me) max = Math.max(max, m.last_read_seq);
  return max;
}

/** In a direct chat, the other person. */
export function otherMember(chat: Chat, me: string): ChatMember | undefined {
  return chat.members.find((m) => m.id !== me);
}
