import { beforeEach, describe, expect, it } from 'vitest';

import type { Message } from '../api/types';
import { useChats } from './chats';
import { EMPTY_CHAT_MESSAGES } from './messages';

const message: Message = {
  id: 'm1',
  chat_id: 'c1',
  seq: 1,
  sender_id: 'alice',
  client_message_id: 'x1',
  body: '',
  created_at: '2026-01-01T12:00:00Z',
  edited_at: null,
  deleted: false,
  attachments: [
    { id: 'a1', filename: 'cat.png', content_type: 'image/png', size: 10, status: 'processing', width: null, height: null, has_thumbnail: false },
  ],
};

beforeEach(() => {
  useChats.setState({ messages: { c1: { ...EMPTY_CHAT_MESSAGES, items: [message], loaded: true } } });
});

describe('the chats store and attachment_updated', () => {
  it('turns the processing attachment inside its message ready', () => {
    useChats.getState().receive({
      type: 'attachment_updated',
      attachment: {
        ...message.attachments![0]!,
        chat_id: 'c1',
        message_id: 'm1',
        status: 'ready',
        width: 600,
        height: 400,
        has_thumbnail: true,
        created_at: '2026-01-01T12:00:00Z',
      },
    });
    const [held] = useChats.getState().messages.c1!.items;
    expect(held?.attachments?.[0]).toMatchObject({ status: 'ready', width: 600, height: 400, has_thumbnail: true });
    expect(held?.seq).toBe(1);
  });
});
