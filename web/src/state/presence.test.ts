import { afterEach, describe, expect, it } from 'vitest';

import { usePresence } from './presence';
import { BOB, chat, ME } from './testing';

afterEach(() => usePresence.getState().reset());

describe('presence', () => {
  it('starts from the members in chat answers, then follows presence events', () => {
    usePresence.getState().fromChats([chat()]);
    expect(usePresence.getState().users).toEqual({ [ME]: { online: true, last_seen_at: null }, [BOB]: { online: false, last_seen_at: null } });
    usePresence.getState().apply({ type: 'presence', user_id: BOB, online: true });
    expect(usePresence.getState().users[BOB]).toEqual({ online: true, last_seen_at: null });
    usePresence.getState().apply({ type: 'presence', user_id: BOB, online: false, last_seen_at: '2026-01-02T09:00:00Z' });
    expect(usePresence.getState().users[BOB]).toEqual({ online: false, last_seen_at: '2026-01-02T09:00:00Z' });
  });

  it('an event or answer without a last-seen time keeps the one known', () => {
    usePresence.getState().apply({ type: 'presence', user_id: BOB, online: false, last_seen_at: '2026-01-02T09:00:00Z' });
    usePresence.getState().fromChats([chat()]);
    usePresence.getState().apply({ type: 'presence', user_id: BOB, online: true, last_seen_at: null });
    expect(usePresence.getState().users[BOB]).toEqual({ online: true, last_seen_at: '2026-01-02T09:00:00Z' });
  });
});
