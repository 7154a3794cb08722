import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';

import type { Outgoing } from './outgoing';
import { indexedDbOutboxStorage, memoryOutboxStorage, type OutboxStorage } from './outboxStorage';

function outgoing(id: string, at: string, over: Partial<Outgoing> = {}): Outgoing {
  return { client_message_id: id, chat_id: 'c1', body: `body ${id}`, attachments: [], created_at: at, status: 'pending', ...over };
}

const kinds: [string, () => OutboxStorage][] = [
  ['IndexedDB', () => indexedDbOutboxStorage(new IDBFactory())],
  ['memory', () => memoryOutboxStorage()],
];

describe.each(kinds)('the outbox storage (%s)', (_kind, make) => {
  it('keeps each user’s unsent messages apart, oldest first, and forgets one user’s on sign-out', async () => {
    const storage = make();
    const att = { id: 'a1', filename: 'cat.png', content_type: 'image/png', size: 10, status: 'ready' as const, width: 4, height: 3, has_thumbnail: true };
    await storage.put('me', outgoing('b', '2026-01-01T12:00:02Z'));
    await storage.put('me', outgoing('a', '2026-01-01T12:00:01Z', { attachments: [att], chat_id: 'c2' }));
    await storage.put('other', outgoing('x', '2026-01-01T12:00:00Z'));
    expect((await storage.load('me')).map((o) => o.client_message_id)).toEqual(['a', 'b']);
    expect((await storage.load('me'))[0]).toEqual(outgoing('a', '2026-01-01T12:00:01Z', { attachments: [att], chat_id: 'c2' }));

    // Written again (failed now): one record, the latest state.
    await storage.put('me', outgoing('b', '2026-01-01T12:00:02Z', { status: 'failed', error: 'No answer from the server' }));
    expect(await storage.load('me')).toHaveLength(2);
    expect((await storage.load('me'))[1]).toMatchObject({ status: 'failed', error: 'No answer from the server' });

    await storage.remove('a');
    expect((await storage.load('me')).map((o) => o.client_message_id)).toEqual(['b']);
    await storage.clear('me');
    expect(await storage.load('me')).toEqual([]);
    expect((await storage.load('other')).map((o) => o.client_message_id)).toEqual(['x']);
  });
});
