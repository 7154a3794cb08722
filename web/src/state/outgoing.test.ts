import { describe, expect, it } from 'vitest';

import type { Attachment, Message, MessageAttachment } from '../api/types';
import { addOutgoing, confirmOutgoing, type Outgoing, outgoingWithAttachment, setOutgoingStatus } from './outgoing';

function stored(seq: number, clientMessageId: string, over: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    chat_id: 'c1',
    seq,
    sender_id: 'me',
    client_message_id: clientMessageId,
    body: 'hello',
    created_at: '2026-01-01T12:00:00Z',
    edited_at: null,
    deleted: false,
    attachments: [],
    ...over,
  };
}

const out: Outgoing = { client_message_id: 'x1', chat_id: 'c1', body: 'hello', attachments: [], created_at: '2026-01-01T12:00:00Z', status: 'pending' };

describe('outgoing messages', () => {
  it('pending -> sent: the stored message with the same client_message_id replaces it', () => {
    let list = addOutgoing([], out);
    expect(list).toHaveLength(1);
    list = confirmOutgoing(list, [stored(1, 'x1')]);
    expect(list).toEqual([]);
  });

  it('pending -> failed -> pending (retry keeps the id) -> sent', () => {
    let list = addOutgoing([], out);
    list = setOutgoingStatus(list, 'x1', 'failed', 'No answer from the server');
    expect(list[0]).toMatchObject({ status: 'failed', error: 'No answer from the server' });
    list = setOutgoingStatus(list, 'x1', 'pending');
    expect(list[0]).toMatchObject({ client_message_id: 'x1', status: 'pending' });
    list = confirmOutgoing(list, [stored(5, 'x1')]);
    expect(list).toEqual([]);
  });

  it('a refusal is remembered (it would fail again as is), a retry forgets it', () => {
    let list = setOutgoingStatus(addOutgoing([], out), 'x1', 'failed', 'Invalid body', true);
    expect(list[0]).toMatchObject({ status: 'failed', refused: true });
    list = setOutgoingStatus(list, 'x1', 'pending');
    expect(list[0]?.refused).toBeUndefined();
  });

  it('adding the same client_message_id twice keeps one, and unknown ids change nothing', () => {
    const list = addOutgoing(addOutgoing([], out), out);
    expect(list).toHaveLength(1);
    expect(setOutgoingStatus(list, 'nope', 'failed')).toBe(list);
    expect(confirmOutgoing(list, [stored(1, 'other')])).toBe(list);
  });

  it('a copy from another tab or a catch-up page confirms it too', () => {
    const second: Outgoing = { ...out, client_message_id: 'x2' };
    const list = confirmOutgoing([out, second], [stored(1, 'a'), stored(2, 'x1'), stored(3, 'b')]);
    expect(list.map((o) => o.client_message_id)).toEqual(['x2']);
  });

  it('attachment_updated reaches my outgoing message carrying it, and its ids survive failure and retry', () => {
    const att: MessageAttachment = { id: 'a1', filename: 'cat.png', content_type: 'image/png', size: 1000, status: 'processing', width: null, height: null, has_thumbnail: false };
    const update: Attachment = { ...att, status: 'ready', width: 600, height: 400, has_thumbnail: true, chat_id: 'c1', message_id: null, created_at: '2026-01-01T12:00:00Z' };
    let list = addOutgoing([], { ...out, body: '', attachments: [att] });
    list = setOutgoingStatus(list, 'x1', 'failed', 'attachment not uploaded');
    list = setOutgoingStatus(list, 'x1', 'pending');
    expect(list[0]?.attachments.map((a) => a.id)).toEqual(['a1']);
    list = outgoingWithAttachment(list, update);
    expect(list[0]?.attachments[0]?.status).toBe('ready');
    // A stale push does not take it back.
    expect(outgoingWithAttachment(list, { ...update, status: 'processing' })).toBe(list);
  });
});
