import { describe, expect, it } from 'vitest';

import { lastSeen } from './time';

const now = new Date('2026-03-10T12:00:00Z');

describe('lastSeen', () => {
  it('says nothing for someone never seen', () => {
    expect(lastSeen(null, now)).toBeNull();
  });

  it('says just now within a minute', () => {
    expect(lastSeen('2026-03-10T11:59:30Z', now)).toBe('last seen just now');
  });

  it('counts minutes and hours', () => {
    expect(lastSeen('2026-03-10T11:55:00Z', now)).toMatch(/5 minutes ago/);
    expect(lastSeen('2026-03-10T09:00:00Z', now)).toMatch(/3 hours ago/);
  });
});
