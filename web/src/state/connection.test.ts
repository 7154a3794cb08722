import { describe, expect, it } from 'vitest';

import { backoffDelay } from './connection';

describe('backoffDelay', () => {
  it('grows exponentially with full jitter, capped at 30 s', () => {
    expect(backoffDelay(0, () => 1)).toBe(1_000);
    expect(backoffDelay(3, () => 1)).toBe(8_000);
    expect(backoffDelay(10, () => 1)).toBe(30_000);
    expect(backoffDelay(3, () => 0.5)).toBe(4_000);
    // Never a busy loop, however the dice fall.
    expect(backoffDelay(0, () => 0)).toBe(250);
  });
});
