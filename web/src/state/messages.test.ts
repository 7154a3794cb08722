import { describe, expect, it } from 'vitest';

import type { Attachment, Chat, Message, MessageAttachment } from '../api/types';
import {
  addOutgoing,
  applyAttachmentUpdate,
  chatAfterMessage,
  EMPTY_CHAT_MESSAGES,
  highestSeq,
  mergeMessages,
  receiveMessages,
  seenUpTo,
  setOutgoingStatus,
  sortChats,
  unreadAfterRead,
} from './messages';

const ME = 'me';
const BOB = 'bob';

function msg(seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    chat_id: 'c1',
    seq,
    sender_id: BOB,
    client_message_id: `cm${seq}`,
    body: `message ${seq}`,
    created_at: new Date(Date.UTC(2026, 0, 1, 12, 0, seq)).toISOString(),
    edited_at: null,
    deleted: false,
    attachments: [],
    ...over,
  };
}

function chat(over: Partial<Chat> = {}): Chat {
  return {
    id: 'c1',
    kind: 'direct',
    title: 'Bob',
    members: [
      { id: ME, display_name: 'Me', role: 'member', last_read_seq: 0, online: true },
      { id: BOB, display_name: 'Bob', role: 'member', last_read_seq: 0, online: false },
    ],
    last_message: null,
    last_seq: 0,
    unread_count: 0,
    last_read_seq: 0,
    my_role: 'member',
    created_at: '2026-01-01T00:00:00Z',
    last_activity_at: '2026-01-01T00:00:00Z',
    ...over,
  };
}

const seqs = (items: Message[]) => items.map((m) => m.seq);

describe('mergeMessages', () => {
  it('orders by seq whatever order messages arrive in', () => {
    expect(seqs(mergeMessages([], [msg(3), msg(1), msg(2)]))).toEqual([1, 2, 3]);
    expect(seqs(mergeMessages([msg(1), msg(4)], [msg(3), msg(2)]))).toEqual([1, 2, 3, 4]);
  });

  it('keeps one message per seq and returns the same array when nothing is new', () => {
    const items = [msg(1), msg(2)];
    expect(mergeMessages(items, [msg(2), msg(1)])).toBe(items);
    expect(seqs(mergeMessages(items, [msg(2), msg(2), msg(3), msg(3)]))).toEqual([1, 2, 3]);
  });

  it('takes edits and deletions, and never lets a stale copy undo them', () => {
    const edited = msg(1, { body: 'fixed', edited_at: '2026-01-01T13:00:00Z' });
    const deleted = msg(1, { body: '', deleted: true, edited_at: '2026-01-01T13:00:00Z' });
    let items = mergeMessages([msg(1)], [edited]);
    expect(items[0]?.body).toBe('fixed');
    expect(mergeMessages(items, [msg(1)])[0]?.body).toBe('fixed');
    items = mergeMessages(items, [deleted]);
    expect(items[0]?.deleted).toBe(true);
    expect(mergeMessages(items, [edited])[0]?.deleted).toBe(true);
  });
});

describe('outgoing messages', () => {
  const out = { client_message_id: 'x1', chat_id: 'c1', body: 'hello', attachments: [], created_at: '2026-01-01T12:00:00Z', status: 'pending' as const };

  it('pending -> sent: the stored message with the same client_message_id replaces it', () => {
    let state = addOutgoing(EMPTY_CHAT_MESSAGES, out);
    expect(state.outgoing).toHaveLength(1);
    state = receiveMessages(state, [msg(1, { sender_id: ME, client_message_id: 'x1', body: 'hello' })]);
    expect(state.outgoing).toEqual([]);
    expect(seqs(state.items)).toEqual([1]);
  });

  it('pending -> failed -> pending (retry keeps the id) -> sent', () => {
    let state = addOutgoing(EMPTY_CHAT_MESSAGES, out);
    state = setOutgoingStatus(state, 'x1', 'failed', 'No answer from the server');
    expect(state.outgoing[0]).toMatchObject({ status: 'failed', error: 'No answer from the server' });
    state = setOutgoingStatus(state, 'x1', 'pending');
    expect(state.outgoing[0]).toMatchObject({ client_message_id: 'x1', status: 'pending' });
    state = receiveMessages(state, [msg(5, { sender_id: ME, client_message_id: 'x1' })]);
    expect(state.outgoing).toEqual([]);
  });

  it('adding the same client_message_id twice keeps one, and unknown ids change nothing', () => {
    const state = addOutgoing(addOutgoing(EMPTY_CHAT_MESSAGES, out), out);
    expect(state.outgoing).toHaveLength(1);
    expect(setOutgoingStatus(state, 'nope', 'failed')).toBe(state);
  });

  it('a copy from another tab or a catch-up page confirms it too', () => {
    let state = addOutgoing(EMPTY_CHAT_MESSAGES, out);
    state = receiveMessages(state, [msg(1), msg(2, { sender_id: ME, client_message_id: 'x1' }), msg(3)]);
    expect(state.outgoing).toEqual([]);
    expect(seqs(state.items)).toEqual([1, 2, 3]);
  });
});

describe('catch-up after a reconnect', () => {
  it('merges the pages fetched after the highest held seq with pushes that raced them', () => {
    let state = receiveMessages(EMPTY_CHAT_MESSAGES, [msg(1), msg(2), msg(3)]);
    expect(highestSeq(state)).toBe(3);
    // A push for 6 arrived while the catch-up was in flight; the page then brings 4..6.
    state = receiveMessages(state, [msg(6)]);
    state = receiveMessages(state, [msg(4), msg(5), msg(6)]);
    expect(seqs(state.items)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(highestSeq(state)).toBe(6);
  });
});

describe('unread counting', () => {
  it('a message from someone else counts; mine and ones already read do not', () => {
    let c = chat();
    c = chatAfterMessage(c, msg(1), ME, false);
    expect(c).toMatchObject({ unread_count: 1, last_seq: 1 });
    c = chatAfterMessage(c, msg(2, { sender_id: ME }), ME, false);
    expect(c).toMatchObject({ unread_count: 1, last_seq: 2 });
    c = chatAfterMessage(c, msg(2), ME, false);
    expect(c.unread_count).toBe(1);
    c = chatAfterMessage(c, msg(3), ME, true);
    expect(c.unread_count).toBe(1);
  });

  it('falls as my marker moves over messages from others', () => {
    const items = [msg(1), msg(2, { sender_id: ME }), msg(3), msg(4), msg(5, { deleted: true, body: '' }), msg(6)];
    const c = chat({ last_seq: 6, unread_count: 4, last_read_seq: 0 });
    expect(unreadAfterRead(c, items, ME, 1)).toBe(3);
    expect(unreadAfterRead(c, items, ME, 4)).toBe(1);
    expect(unreadAfterRead(c, items, ME, 6)).toBe(0);
    expect(unreadAfterRead(c, items, ME, 0)).toBe(4);
  });

  it('an edit of the last message updates the preview but counts nothing', () => {
    let c = chatAfterMessage(chat(), msg(1), ME, false);
    c = chatAfterMessage(c, msg(1, { body: 'edited', edited_at: '2026-01-01T13:00:00Z' }), ME, false);
    expect(c.last_message?.body).toBe('edited');
    expect(c.unread_count).toBe(1);
  });
});

describe('chats', () => {
  it('sorts by last activity, newest first', () => {
    const list = sortChats([
      chat({ id: 'a', last_activity_at: '2026-01-01T10:00:00Z' }),
      chat({ id: 'b', last_activity_at: '2026-01-02T10:00:00Z' }),
      chat({ id: 'c', last_activity_at: '2026-01-01T11:00:00Z' }),
    ]);
    expect(list.map((c) => c.id)).toEqual(['b', 'c', 'a']);
  });

  it('"Seen" goes up to the furthest another member has read', () => {
    const c = chat();
    expect(seenUpTo({ ...c, members: c.members.map((m) => ({ ...m, last_read_seq: m.id === ME ? 9 : 4 })) }, ME)).toBe(4);
  });
});

describe('attachments', () => {
  function att(status: MessageAttachment['status'], over: Partial<MessageAttachment> = {}): MessageAttachment {
    return { id: 'a1', filename: 'cat.png', content_type: 'image/png', size: 1000, status, width: null, height: null, has_thumbnail: false, ...over };
  }
  function update(status: Attachment['status'], over: Partial<Attachment> = {}): Attachment {
    return { ...att(status), chat_id: 'c1', message_id: 'm2', created_at: '2026-01-01T12:00:00Z', ...over };
  }
  const ready = { width: 600, height: 400, has_thumbnail: true };

  it('attachment_updated turns the processing attachment in its message ready (and nothing else)', () => {
    const other = msg(1);
    let state = receiveMessages(EMPTY_CHAT_MESSAGES, [other, msg(2, { body: '', attachments: [att('processing'), att('processing', { id: 'a2' })] })]);
    state = applyAttachmentUpdate(state, update('ready', ready));
    expect(state.items[1]?.attachments).toEqual([att('ready', ready), att('processing', { id: 'a2' })]);
    expect(state.items[0]).toBe(other);
    expect(seqs(state.items)).toEqual([1, 2]);
  });

  it('finds the attachment by its id when the push names no message, and can reject it', () => {
    let state = receiveMessages(EMPTY_CHAT_MESSAGES, [msg(1, { attachments: [att('processing')] })]);
    state = applyAttachmentUpdate(state, update('rejected', { message_id: null }));
    expect(state.items[0]?.attachments?.[0]?.status).toBe('rejected');
  });

  it('a push that raced ahead of its message still applies when the message arrives', () => {
    let state = applyAttachmentUpdate(EMPTY_CHAT_MESSAGES, update('ready', ready));
    expect(state.items).toEqual([]);
    state = receiveMessages(state, [msg(2, { attachments: [att('processing')] })]);
    expect(state.items[0]?.attachments?.[0]).toEqual(att('ready', ready));
  });

  it('an older copy of the message (a catch-up page, a late push) never takes an attachment back', () => {
    let state = receiveMessages(EMPTY_CHAT_MESSAGES, [msg(2, { attachments: [att('processing')] })]);
    state = applyAttachmentUpdate(state, update('ready', ready));
    const held = state.items;
    // The same message again, as it was when sent: nothing changes.
    state = receiveMessages({ ...state, attachmentUpdates: {} }, [msg(2, { attachments: [att('processing')] })]);
    expect(state.items).toBe(held);
    // A newer copy (ready, from a catch-up page) replaces a processing one.
    let fresh = receiveMessages(EMPTY_CHAT_MESSAGES, [msg(2, { attachments: [att('processing')] })]);
    fresh = receiveMessages(fresh, [msg(2, { attachments: [att('ready', ready)] })]);
    expect(fresh.items[0]?.attachments?.[0]?.status).toBe('ready');
    // An edit (newer copy) keeps the further attachment state of the held one.
    const edited = receiveMessages(state, [msg(2, { body: 'caption', edited_at: '2026-01-01T13:00:00Z', attachments: [att('processing')] })]);
    expect(edited.items[0]).toMatchObject({ body: 'caption', attachments: [att('ready', ready)] });
  });

  it('a stale push does not undo a later one', () => {
    let state = receiveMessages(EMPTY_CHAT_MESSAGES, [msg(2, { attachments: [att('processing')] })]);
    state = applyAttachmentUpdate(state, update('ready', ready));
    const after = applyAttachmentUpdate(state, update('processing'));
    expect(after).toBe(state);
  });

  it('updates my outgoing message carrying it, and its ids survive failure and retry', () => {
    const out = {
      client_message_id: 'x1',
      chat_id: 'c1',
      body: '',
      attachments: [att('processing')],
      created_at: '2026-01-01T12:00:00Z',
      status: 'pending' as const,
    };
    let state = addOutgoing(EMPTY_CHAT_MESSAGES, out);
    state = setOutgoingStatus(state, 'x1', 'failed', 'attachment not uploaded');
    state = setOutgoingStatus(state, 'x1', 'pending');
    expect(state.outgoing[0]?.attachments.map((a) => a.id)).toEqual(['a1']);
    state = applyAttachmentUpdate(state, update('ready', { ...ready, message_id: null }));
    expect(state.outgoing[0]?.attachments[0]?.status).toBe('ready');
    state = receiveMessages(state, [msg(3, { sender_id: ME, client_message_id: 'x1', body: '', attachments: [att('processing')] })]);
    expect(state.outgoing).toEqual([]);
    expect(state.items[0]?.attachments?.[0]?.status).toBe('ready');
  });
});
