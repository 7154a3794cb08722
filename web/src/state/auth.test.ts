import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { AuthApi } from '../api/auth';
import { authorizedFetch } from '../api/authorizedFetch';
import { ApiError, fromResponse, networkError } from '../api/errors';
import type { AuthResponse, Me } from '../api/types';
import {
  type AuthState,
  type CrossTabLock,
  createAuthStore,
  REFRESH_RETRY_MS,
  REFRESH_TOKEN_KEY,
  refreshDelayMs,
  type TokenStorage,
} from './auth';

const ME: Me = {
  id: '0190d9a1-0000-7000-8000-000000000001',
  email: 'alice@example.com',
  display_name: 'Alice',
  email_notifications: true,
  email_verified: true,
  created_at: '2026-01-01T00:00:00Z',
};

/**
 * Plays the API's token rules: refresh tokens are single-use, and presenting a used one
 * revokes every token of the session (as the real server does on suspected theft).
 */
class FakeServer implements AuthApi {
  expiresIn = 900;
  refreshCalls: string[] = [];
  logoutCalls: string[] = [];
  /** Make the next refreshes fail without an answer. */
  offline = false;
  private serial = 0;
  private liveRefresh = new Set<string>();
  private usedRefresh = new Set<string>();
  readonly liveAccess = new Set<string>();
  /** Resolve refreshes only when the test says so. */
  hold: Array<() => void> | null = null;

  issue(): AuthResponse {
    this.serial += 1;
    const refresh = `refresh-${this.serial}`;
    const access = `access-${this.serial}`;
    this.liveRefresh.add(refresh);
    this.liveAccess.add(access);
    return { user: ME, access_token: access, refresh_token: refresh, expires_in: this.expiresIn };
  }

  expireAccessTokens() {
    this.liveAccess.clear();
  }

  async register() {
    return this.issue();
  }

  async login() {
    return this.issue();
  }

  async refresh(token: string) {
    this.refreshCalls.push(token);
    if (this.hold) await new Promise<void>((resolve) => this.hold!.push(resolve));
    if (this.offline) throw networkError();
    if (this.usedRefresh.has(token)) {
      this.liveRefresh.clear();
      this.liveAccess.clear();
      throw new ApiError(401, 'invalid_refresh_token', 'refresh token reused');
    }
    if (!this.liveRefresh.has(token)) throw new ApiError(401, 'invalid_refresh_token', 'unknown refresh token');
    this.liveRefresh.delete(token);
    this.usedRefresh.add(token);
    return this.issue();
  }

  async logout(token: string) {
    this.logoutCalls.push(token);
    this.liveRefresh.delete(token);
  }

  // The mailed links' routes need no session: nothing for the session rules to play.
  async verifyEmail() {}

  async requestPasswordReset() {}

  async confirmPasswordReset() {}

  /** A protected route: 200 with a live access token, 401 otherwise. */
  fetch = async (request: Request): Promise<Response> => {
    const token = request.headers.get('Authorization')?.replace(/^Bearer /, '');
    if (token && this.liveAccess.has(token)) return Response.json({ ok: true, token });
    return Response.json({ error: 'unauthorized', message: 'invalid access token' }, { status: 401 });
  };

  release() {
    const waiting = this.hold ?? [];
    this.hold = null;
    waiting.forEach((resolve) => resolve());
  }
}

class MemoryStorage implements TokenStorage {
  map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

/** One lock for every "tab" of a test, as navigator.locks is for every tab of an origin. */
function mutex(): CrossTabLock {
  let tail: Promise<unknown> = Promise.resolve();
  return <T,>(task: () => Promise<T>) => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

function setup(options: { storage?: MemoryStorage; server?: FakeServer; lock?: CrossTabLock } = {}) {
  const server = options.server ?? new FakeServer();
  const storage = options.storage ?? new MemoryStorage();
  const store = createAuthStore({ api: server, storage, lock: options.lock ?? mutex() });
  const state = () => store.getState();
  const fetch = authorizedFetch(
    {
      accessToken: () => state().getAccessToken(),
      unauthorized: (refused) => state().unauthorized(refused),
      signOut: () => state().endSession('expired'),
    },
    server.fetch,
  );
  const get = () => fetch(new Request('http://test/api/users/me'));
  return { server, storage, store, state, get };
}

const stores: Array<{ getState(): AuthState }> = [];

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-01T12:00:00Z'));
});

afterEach(() => {
  stores.splice(0).forEach((s) => s.getState().dispose());
  vi.useRealTimers();
});

function track<T extends { store: { getState(): AuthState } }>(t: T): T {
  stores.push(t.store);
  return t;
}

describe('signing in', () => {
  it('keeps the refresh token in storage and the access token only in memory', async () => {
    const { state, storage } = track(setup());
    await state().register({ email: 'alice@example.com', password: 'password123', display_name: 'Alice' });

    expect(state().status).toBe('signed_in');
    expect(state().user).toEqual(ME);
    expect(state().accessToken).toBe('access-1');
    expect([...storage.map.entries()]).toEqual([[REFRESH_TOKEN_KEY, 'refresh-1']]);
  });

  it('restores a stored session on start', async () => {
    const server = new FakeServer();
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, server.issue().refresh_token);
    const { state } = track(setup({ server, storage }));
    expect(state().status).toBe('restoring');

    await state().restore();

    expect(state().status).toBe('signed_in');
    expect(state().user?.display_name).toBe('Alice');
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-2');
  });

  it('starts signed out without a stored token and asks the server nothing', async () => {
    const { state, server } = track(setup());
    expect(state().status).toBe('signed_out');
    await state().restore();
    expect(state().status).toBe('signed_out');
    expect(server.refreshCalls).toEqual([]);
  });

  it('says the server is unreachable rather than signing out when restoring fails for want of a network', async () => {
    const server = new FakeServer();
    const storage = new MemoryStorage();
    storage.setItem(REFRESH_TOKEN_KEY, server.issue().refresh_token);
    server.offline = true;
    const { state } = track(setup({ server, storage }));

    await state().restore();

    expect(state().status).toBe('unreachable');
    expect(state().restoreError?.kind).toBe('unreachable');
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
  });
});

describe('refresh scheduling', () => {
  it('refreshes a minute before a 15-minute token expires', () => {
    expect(refreshDelayMs(900)).toBe(840_000);
  });

  it('refreshes short-lived tokens at four fifths of their lifetime', () => {
    expect(refreshDelayMs(10)).toBe(8_000);
  });

  it('rotates the tokens shortly before the access token expires, and again after that', async () => {
    const { state, server, storage } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });

    await vi.advanceTimersByTimeAsync(840_000 - 1);
    expect(server.refreshCalls).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);
    expect(server.refreshCalls).toEqual(['refresh-1']);
    expect(state().accessToken).toBe('access-2');
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-2');

    await vi.advanceTimersByTimeAsync(840_000);
    expect(server.refreshCalls).toEqual(['refresh-1', 'refresh-2']);
    expect(state().status).toBe('signed_in');
  });

  it('keeps the session and retries later when the server cannot be reached', async () => {
    const { state, server } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    server.offline = true;

    await vi.advanceTimersByTimeAsync(840_000);
    expect(server.refreshCalls).toHaveLength(1);
    expect(state().status).toBe('signed_in');

    server.offline = false;
    await vi.advanceTimersByTimeAsync(REFRESH_RETRY_MS);
    expect(server.refreshCalls).toHaveLength(2);
    expect(state().accessToken).toBe('access-2');
  });

  it('sends the current token while it is not yet due for renewal', async () => {
    const { state, server } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    vi.setSystemTime(Date.now() + 839_000);

    expect(await state().getAccessToken()).toBe('access-1');
    expect(server.refreshCalls).toEqual([]);
  });

  it('renews a due token before use when the timer was late (a throttled background tab)', async () => {
    const { state, server } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    // The clock moved on but the timer has not fired.
    vi.setSystemTime(Date.now() + 899_000);

    const tokens = await Promise.all([state().getAccessToken(), state().getAccessToken()]);

    expect(tokens).toEqual(['access-2', 'access-2']);
    expect(server.refreshCalls).toEqual(['refresh-1']);
  });

  it('stops the timer when the session ends', async () => {
    const { state, server } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    await state().logout();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(server.refreshCalls).toEqual([]);
  });
});

describe('single-flight refresh', () => {
  it('sends one refresh for many concurrent callers', async () => {
    const { state, server } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });

    const tokens = await Promise.all([state().refresh(), state().refresh(), state().refresh()]);

    expect(server.refreshCalls).toEqual(['refresh-1']);
    expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
  });

  it('answers concurrent 401s with one refresh and replays every request with the new token', async () => {
    const { state, server, get } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    server.expireAccessTokens();
    server.hold = [];

    const pending = Promise.all(Array.from({ length: 6 }, () => get()));
    await vi.advanceTimersByTimeAsync(0);
    server.release();
    const responses = await pending;

    expect(server.refreshCalls).toEqual(['refresh-1']);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(new Set(bodies.map((b: { token: string }) => b.token))).toEqual(new Set(['access-2']));
    expect(state().status).toBe('signed_in');
  });

  it('does not refresh again for a 401 that raced an earlier refresh', async () => {
    const { state, server, get } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    server.expireAccessTokens();

    await get();
    // A request that left with the old token and came back refused after the refresh finished.
    expect(await state().unauthorized('access-1')).toBe('access-2');
    expect(server.refreshCalls).toEqual(['refresh-1']);
  });

  it('keeps two tabs signed in when both refresh at once (the lock orders them, each reads the newest token)', async () => {
    const server = new FakeServer();
    const storage = new MemoryStorage();
    const lock = mutex();
    const tabA = track(setup({ server, storage, lock }));
    await tabA.state().login({ email: 'a@example.com', password: 'password123' });
    const tabB = track(setup({ server, storage, lock }));
    await tabB.state().restore();

    await Promise.all([tabA.state().refresh(), tabB.state().refresh()]);

    expect(server.refreshCalls).toEqual(['refresh-1', 'refresh-2', 'refresh-3']);
    expect(tabA.state().status).toBe('signed_in');
    expect(tabB.state().status).toBe('signed_in');
    expect((await tabA.get()).status).toBe(200);
    expect((await tabB.get()).status).toBe(200);
  });
});

describe('when refreshing fails', () => {
  it('keeps the session when a refresh is answered by something other than the API (a throttling proxy)', async () => {
    const server = new FakeServer();
    const { state } = track(setup({ server }));
    await state().login({ email: 'a@example.com', password: 'password123' });
    const real = server.refresh.bind(server);
    server.refresh = async () => {
      throw fromResponse(429, { message: 'Too Many Requests' });
    };
    await expect(state().refresh()).rejects.toMatchObject({ kind: 'unexpected' });
    expect(state().status).toBe('signed_in');
    server.refresh = real;
  });

  it('signs out when the server refuses the refresh token, and pending requests see the 401', async () => {
    const { state, server, storage, get } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    server.expireAccessTokens();
    storage.setItem(REFRESH_TOKEN_KEY, 'revoked-elsewhere');

    const responses = await Promise.all([get(), get()]);

    expect(responses.map((r) => r.status)).toEqual([401, 401]);
    expect(server.refreshCalls).toEqual(['revoked-elsewhere']);
    expect(state().status).toBe('signed_out');
    expect(state().accessToken).toBeNull();
    expect(state().notice).toMatch(/session has ended/);
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('signs out when even the fresh token is refused', async () => {
    const { state, server } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    const refusing = authorizedFetch(
      {
        accessToken: () => state().getAccessToken(),
        unauthorized: (t) => state().unauthorized(t),
        signOut: () => state().endSession('expired'),
      },
      async () => new Response(null, { status: 401 }),
    );

    const response = await refusing(new Request('http://test/api/users/me'));

    expect(response.status).toBe(401);
    expect(server.refreshCalls).toHaveLength(1);
    expect(state().status).toBe('signed_out');
  });

  it('signs out when the scheduled refresh is refused', async () => {
    const { state, storage } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    storage.setItem(REFRESH_TOKEN_KEY, 'unknown');

    await vi.advanceTimersByTimeAsync(840_000);

    expect(state().status).toBe('signed_out');
  });
});

describe('signing out', () => {
  it('revokes the refresh token on the server and forgets it locally', async () => {
    const { state, server, storage } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });

    await state().logout();

    expect(server.logoutCalls).toEqual(['refresh-1']);
    expect(state().status).toBe('signed_out');
    expect(state().notice).toBeNull();
    expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('waits for a refresh in flight and revokes the rotated token, not the spent one', async () => {
    const { state, server } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });
    server.hold = [];
    const refreshing = state().refresh();
    await vi.advanceTimersByTimeAsync(0);

    const loggingOut = state().logout();
    server.release();
    await Promise.all([refreshing, loggingOut]);

    expect(server.logoutCalls).toEqual(['refresh-2']);
    expect(state().status).toBe('signed_out');
  });

  it('says on the sign-in screen why the account\'s sessions ended', async () => {
    const { state, storage } = track(setup());
    const cases = [
      ['everywhere', /every device/],
      ['password_reset', /new password is set/],
      ['deleted', /account was deleted/],
    ] as const;
    for (const [reason, notice] of cases) {
      await state().login({ email: 'a@example.com', password: 'password123' });
      state().endSession(reason);
      expect(state().status).toBe('signed_out');
      expect(state().notice).toMatch(notice);
      expect(storage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    }
  });

  it('signs out here when another tab signs out', async () => {
    const { state } = track(setup());
    await state().login({ email: 'a@example.com', password: 'password123' });

    state().storageChanged(null);

    expect(state().status).toBe('signed_out');
    expect(state().notice).toMatch(/another tab/);
  });
});
