/**
 * The rules for my outgoing messages (written here, not yet stored by the server), as plain
 * functions over a chat's list of them; the outbox store runs them.
 *
 * - Keyed by `client_message_id`, which every (re)send reuses, so the server stores a message
 *   once however often it goes out.
 * - `pending` (queued or on the wire) or `failed` (an `error` for that id, or no answer in time).
 * - A stored message carrying the same `client_message_id` confirms it, whichever way it arrives
 *   (`message_sent`, `new_message` from another tab, a catch-up or history page).
 */
import type { Attachment, Message, MessageAttachment } from '../api/types';
import { messageAttachment, withAttachmentStates } from './messages';

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
  /** The server refused it (an `error` event): sending it again as is would fail again. */
  refused?: boolean;
}

export function addOutgoing(list: Outgoing[], message: Outgoing): Outgoing[] {
  if (list.some((o) => o.client_message_id === message.client_message_id)) return list;
  return [...list, message];
}

export function setOutgoingStatus(
  list: Outgoing[],
  clientMessageId: string,
  status: OutgoingStatus,
  error?: string,
  refused = false,
): Outgoing[] {
  const index = list.findIndex((o) => o.client_message_id === clientMessageId);
  const current = list[index];
  if (current === undefined || (current.status === status && current.error === error && (current.refused ?? false) === refused)) {
    return list;
  }
  const next = [...list];
  next[index] = { ...current, status, error, refused: refused || undefined };
  return next;
}

/** Stored messages arrived: the outgoing ones they confirm are done. */
export function confirmOutgoing(list: Outgoing[], stored: Message[]): Outgoing[] {
  const confirmed = new Set(stored.map((m) => m.client_message_id));
  return list.some((o) => confirmed.has(o.client_message_id)) ? list.filter((o) => !confirmed.has(o.client_message_id)) : list;
}

/** An `attachment_updated` push moves the attachment forward inside the outgoing messages carrying it. */
export function outgoingWithAttachment(list: Outgoing[], attachment: Attachment): Outgoing[] {
  const table = { [attachment.id]: messageAttachment(attachment) };
  const next = list.map((o) => withAttachmentStates(o, table));
  return next.some((o, i) => o !== list[i]) ? next : list;
}
