import { describe, expect, it } from 'vitest';

import { chatIdFromPath } from './chatLink';

describe('chatIdFromPath', () => {
  it('reads the chat id of an e-mail link and nothing else', () => {
    const id = '0192a0b4-7c1e-7d2a-9b3c-4d5e6f708192';
    expect(chatIdFromPath(`/chats/${id}`)).toBe(id);
    expect(chatIdFromPath(`/chats/${id.toUpperCase()}/`)).toBe(id);
    expect(chatIdFromPath('/')).toBeNull();
    expect(chatIdFromPath('/chats/not-an-id')).toBeNull();
    expect(chatIdFromPath(`/chats/${id}/extra`)).toBeNull();
  });
});
