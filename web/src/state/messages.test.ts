import { describe, expect, it } from 'vitest';

import type { Attachment, Chat, Message, MessageAttachment } from '../api/types';
import {
  applyAttachmentUpdate,
  chatAfterMessage,
  EMPTY_CHAT_MESSAGES,
  heldThrough,
  highestSeq,
  mergeMessages,
  receiveLatestPage,
  receiveMessages,
  receiveOlderPage,
  seenUpTo,
  sortChats,
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
    member_count: 2,
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

describe('gaps', () => {
  it('finds where the unbroken run of held messages ends', () => {
    expect(heldThrough([], 0)).toBe(0);
    expect(heldThrough([msg(1), msg(2), msg(3)], 0)).toBe(3);
    // 3 was lost: a fetch after 2 brings it (and whatever follows).
    expect(heldThrough([msg(1), msg(2), msg(4), msg(5)], 0)).toBe(2);
    // Loaded from 11 up (older ones come by scrolling): nothing below counts as missing.
    expect(heldThrough([msg(11), msg(12)], 10)).toBe(12);
    expect(heldThrough([msg(3), msg(11), msg(13)], 10)).toBe(11);
  });

  it('the latest page drops older stray pushes so the history has no hole, and sets the floor', () => {
    let state = receiveMessages(EMPTY_CHAT_MESSAGES, [msg(2), msg(61)]);
    state = receiveLatestPage(state, { messages: [11, 12, 13].map((n) => msg(n + 47)), has_more: true });
    expect(seqs(state.items)).toEqual([58, 59, 60, 61]);
    expect(state).toMatchObject({ loaded: true, hasOlder: true, floor: 57 });
    expect(heldThrough(state.items, state.floor)).toBe(61);
    state = receiveOlderPage(state, { messages: [msg(56), msg(57)], has_more: true });
    expect(state.floor).toBe(55);
    state = receiveOlderPage(state, { messages: [msg(55)], has_more: false });
    expect(state).toMatchObject({ floor: 0, hasOlder: false });
  });

  it('a chat whose whole history fits one page is complete from seq 1', () => {
    const state = receiveLatestPage(EMPTY_CHAT_MESSAGES, { messages: [msg(1), msg(2)], has_more: false });
    expect(state).toMatchObject({ loaded: true, hasOlder: false, floor: 0 });
  });
});

describe('the chat preview', () => {
  it('moves forward with newer messages and never back', () => {
    let c = chatAfterMessage(chat(), msg(2));
    expect(c).toMatchObject({ last_seq: 2, last_message: { seq: 2 } });
    c = chatAfterMessage(c, msg(1));
    expect(c).toMatchObject({ last_seq: 2, last_message: { seq: 2 } });
  });

  it('an edit of the last message updates the preview', () => {
    let c = chatAfterMessage(chat(), msg(1));
    c = chatAfterMessage(c, msg(1, { body: 'edited', edited_at: '2026-01-01T13:00:00Z' }));
    expect(c.last_message?.body).toBe('edited');
    expect(c.last_seq).toBe(1);
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
    expect(seenUpTo({ [ME]: 9, [BOB]: 4 }, ME)).toBe(4);
    expect(seenUpTo({ [ME]: 9, [BOB]: 4, carol: 7 }, ME)).toBe(7);
    expect(seenUpTo({}, ME)).toBe(0);
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
});
