/**
 * The timeline rules, as plain functions over plain data (the timeline store calls them; the
 * unit tests call them directly).
 *
 * - Stored messages are kept per chat in ascending `seq`, one per seq: pushes may arrive out of
 *   order and twice (a `new_message` and a catch-up page can carry the same message), so every
 *   arrival goes through `mergeMessages`.
 * - Seqs are 1, 2, 3, ... with no gaps on the server, so a hole in what is held is something
 *   missed (a lost push): `heldThrough` finds where the unbroken run ends, and that is where a
 *   gap fetch starts (`after_seq`).
 * - Attachments move forward only (pending -> processing -> ready | rejected): an
 *   `attachment_updated` push updates the message carrying it, and is remembered, so a copy of
 *   that message arriving later (or a push that raced ahead of the message) never shows an
 *   older state.
 *
 * My outgoing messages (not stored yet) have their own rules in `outgoing.ts`.
 */
import type { Attachment, Chat, ChatMember, Message, MessageAttachment, MessagePage } from '../api/types';

export interface ChatMessages {
  /** Stored messages, ascending by seq, unique by seq. */
  items: Message[];
  /** Whether older messages than `items[0]` exist on the server. */
  hasOlder: boolean;
  /** Whether the latest page has been fetched (before that, `items` holds only pushes). */
  loaded: boolean;
  /**
   * Once loaded: the seq below the oldest page fetched. Everything above it is expected to be
   * held (a hole there is a gap to fetch); older messages come by scrolling.
   */
  floor: number;
  /** The latest `attachment_updated` per attachment id in this chat. */
  attachmentUpdates: Record<string, MessageAttachment>;
}

export const EMPTY_CHAT_MESSAGES: ChatMessages = { items: [], hasOlder: false, loaded: false, floor: 0, attachmentUpdates: {} };

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

/**
 * The seqs of messages from others that `incoming` shows deleted for the first time, as news:
 * a held copy was not deleted, or (for a `live` push, sent as the deletion happened) none was
 * held. A page's deleted copy of a message never held may be old news (see `unread.ts`).
 */
export function newlyDeleted(held: Message[], incoming: Message[], live: boolean, me: string): number[] {
  const wasDeleted = new Map(held.map((m) => [m.seq, m.deleted]));
  const news = (m: Message) => m.deleted && m.sender_id !== me && (wasDeleted.has(m.seq) ? !wasDeleted.get(m.seq) : live);
  return incoming.filter(news).map((m) => m.seq);
}

/** Stored messages arrived: merge them (moving their attachments to the furthest state known). */
export function receiveMessages(state: ChatMessages, incoming: Message[]): ChatMessages {
  const updates = state.attachmentUpdates;
  const known = Object.keys(updates).length > 0 ? incoming.map((m) => withAttachmentStates(m, updates)) : incoming;
  const items = mergeMessages(state.items, known);
  return items === state.items ? state : { ...state, items };
}

/**
 * The latest page of a chat arrived (opening it): merged with what pushes brought, and the
 * chat counts as loaded from the page's oldest message up. Pushes older than a page that has
 * more before it are dropped, so the history on screen has no hole.
 */
export function receiveLatestPage(state: ChatMessages, page: MessagePage): ChatMessages {
  const first = page.messages[0]?.seq;
  const merged = receiveMessages(state, page.messages);
  if (state.loaded) return merged;
  const items = page.has_more && first !== undefined ? merged.items.filter((m) => m.seq >= first) : merged.items;
  return { ...merged, items, loaded: true, hasOlder: page.has_more, floor: first !== undefined && page.has_more ? first - 1 : 0 };
}

/** A page before the oldest held arrived (scrolling up). */
export function receiveOlderPage(state: ChatMessages, page: MessagePage): ChatMessages {
  const merged = receiveMessages(state, page.messages);
  const first = page.messages[0]?.seq;
  const floor = page.has_more && first !== undefined ? Math.min(state.floor, first - 1) : 0;
  return { ...merged, hasOlder: page.has_more, floor };
}

/**
 * The highest seq up to which every message above `floor` is held: the end of the unbroken run
 * (`floor` itself when the next one is missing). A gap fetch asks for `after_seq` = this.
 */
export function heldThrough(items: Message[], floor: number): number {
  let through = floor;
  for (const m of items) {
    if (m.seq <= through) continue;
    if (m.seq !== through + 1) break;
    through = m.seq;
  }
  return through;
}

/**
 * An `attachment_updated` push: the attachment inside the message carrying it (by `message_id`
 * when the push names one, else by the attachment's id) moves forward; the update is remembered
 * for copies that arrive later.
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
  if (items === state.items && attachmentUpdates === state.attachmentUpdates) return state;
  return { ...state, items, attachmentUpdates };
}

export function highestSeq(state: ChatMessages): number {
  return state.items.at(-1)?.seq ?? 0;
}

export function lowestSeq(state: ChatMessages): number | null {
  return state.items[0]?.seq ?? null;
}

/**
 * A chat summary after a message arrived: the preview, last seq and activity move forward (an
 * edit or deletion of the last message updates the preview). Unread counts are derived
 * elsewhere (`unread.ts`), never counted here.
 */
export function chatAfterMessage(chat: Chat, message: Message): Chat {
  if (message.seq <= chat.last_seq) {
    if (chat.last_message && chat.last_message.seq === message.seq) {
      const last = newerCopy(chat.last_message, message);
      return last === chat.last_message ? chat : { ...chat, last_message: last };
    }
    return chat;
  }
  return {
    ...chat,
    last_message: message,
    last_seq: message.seq,
    last_activity_at: message.created_at > chat.last_activity_at ? message.created_at : chat.last_activity_at,
  };
}

/** Chats, most recently active first. */
export function sortChats(chats: Chat[]): Chat[] {
  return [...chats].sort((a, b) => (a.last_activity_at < b.last_activity_at ? 1 : a.last_activity_at > b.last_activity_at ? -1 : 0));
}

/**
 * The seq up to which the other members have read, for "Seen" (`markers`: user id -> their
 * marker): in a direct chat the other person's marker; in a group, the furthest any other
 * member has read.
 */
export function seenUpTo(markers: Record<string, number>, me: string): number {
  let max = 0;
  for (const [id, seq] of Object.entries(markers)) if (id !== me) max = Math.max(max, seq);
  return max;
}

/** In a direct chat, the other person. */
export function otherMember(chat: Chat, me: string): ChatMember | undefined {
  return chat.members.find((m) => m.id !== me);
}
