/**
 * The session: who is signed in, the access token (in memory only) and the refresh token
 * (persisted, so a reload keeps the user signed in; see docs/WEB.md for the trade-off).
 *
 * Rules this store keeps:
 * - The access token is refreshed shortly before it expires (`expires_in` from the API), and
 *   on demand when a request is refused with 401.
 * - Refreshing is single-flight: however many callers ask at once, one request goes out,
 *   because refresh tokens are single-use and the server revokes the whole session when one is
 *   presented twice. Across tabs, which share the stored token, a Web Lock serialises refreshes
 *   and each refresh reads the newest stored token inside the lock.
 * - A refresh the server refuses ends the session; one that cannot reach the server keeps it
 *   and tries again later.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';

import { type AuthApi, createAuthApi } from '../api/auth';
import { ApiError, errorCode, isServerTrouble, networkError } from '../api/errors';
import type { AuthResponse, LoginRequest, Me, RegisterRequest } from '../api/types';

export const REFRESH_TOKEN_KEY = 'messenger.refresh_token';
const LOCK_NAME = 'messenger.auth.refresh';

/** After a refresh fails for want of a network, try again this much later. */
export const REFRESH_RETRY_MS = 10_000;

export type AuthStatus =
  /** Checking a stored refresh token (the app shows a splash). */
  | 'restoring'
  | 'signed_out'
  | 'signed_in'
  /** A stored session could not be checked because the server was unreachable. */
  | 'unreachable';

export type SessionEnd =
  | 'logged_out'
  | 'expired'
  | 'elsewhere'
  /** Signed out on every device (this one too). */
  | 'everywhere'
  /** The password was reset: every session of the account ended. */
  | 'password_reset'
  /** The account was deleted. */
  | 'deleted';

export interface AuthState {
  status: AuthStatus;
  user: Me | null;
  /** In memory only: never written to storage. */
  accessToken: string | null;
  /** When the access token expires (epoch ms). */
  expiresAt: number | null;
  /**
   * When the access token is due for renewal (epoch ms). The timer normally renews it then; a
   * timer a background tab throttled is caught up by the next request, which renews it first.
   */
  refreshAt: number | null;
  /** Why the last session ended, for the sign-in screen; null when there is nothing to say. */
  notice: string | null;
  /** Why restoring a stored session failed (status `unreachable`). */
  restoreError: ApiError | null;

  /** Picks up the session persisted by an earlier visit, if any. */
  restore(): Promise<void>;
  register(body: RegisterRequest): Promise<void>;
  login(body: LoginRequest): Promise<void>;
  /** Ends the session here and on the server (best effort). */
  logout(): Promise<void>;
  /** Rotates the tokens. Single-flight. Resolves to the new access token, or null when the session ended. */
  refresh(): Promise<string | null>;
  /** The access token to send now, renewed first when it is due (see `refreshAt`). */
  getAccessToken(): Promise<string | null>;
  /** A request was refused with `refusedToken`: resolves to a token worth retrying with, or null. */
  unauthorized(refusedToken: string): Promise<string | null>;
  /** Ends the session locally (no server call). */
  endSession(reason: SessionEnd): void;
  /** Replaces the profile (after an edit). */
  setUser(user: Me): void;
  /** Another tab wrote or removed the stored refresh token. */
  storageChanged(newValue: string | null): void;
  /** Stops the refresh timer (tests, hot reload). */
  dispose(): void;
}

/** Where the refresh token is kept. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Runs `task` while holding a lock shared by every tab of this origin. */
export type CrossTabLock = <T>(task: () => Promise<T>) => Promise<T>;

export interface AuthDeps {
  api: AuthApi;
  storage: TokenStorage | null;
  lock: CrossTabLock;
}

/** How long after issue to refresh: a minute early, or a fifth of the lifetime for short ones. */
export function refreshDelayMs(expiresInSeconds: number): number {
  const lifetime = Math.max(0, expiresInSeconds * 1000);
  const lead = Math.min(60_000, lifetime / 5);
  return Math.max(0, lifetime - lead);
}

const EXPIRED_NOTICE = 'Your session has ended. Please sign in again.';
const ELSEWHERE_NOTICE = 'You signed out in another tab.';
const NOTICES: Record<SessionEnd, string | null> = {
  logged_out: null,
  expired: EXPIRED_NOTICE,
  elsewhere: ELSEWHERE_NOTICE,
  everywhere: 'You are signed out on every device.',
  password_reset: 'Your new password is set, and every device was signed out. Sign in with it.',
  deleted: 'Your account was deleted.',
};

export function createAuthStore(deps: AuthDeps): StoreApi<AuthState> {
  const tokens = tokenBox(deps.storage);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inflight: Promise<string | null> | null = null;
  // Bumped whenever a session ends, so an answer that arrives afterwards is not applied.
  let generation = 0;

  const store = createStore<AuthState>()((set, get) => {
    function clearTimer() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    }

    function schedule(delayMs: number) {
      clearTimer();
      timer = setTimeout(() => {
        timer = null;
        get()
          .refresh()
          .catch(() => {
            // Unreachable: keep the session; requests meanwhile refresh on their own.
            if (get().status === 'signed_in') schedule(REFRESH_RETRY_MS);
          });
      }, delayMs);
    }

    function apply(session: AuthResponse) {
      tokens.set(session.refresh_token);
      set({
        status: 'signed_in',
        user: session.user,
        accessToken: session.access_token,
        expiresAt: Date.now() + session.expires_in * 1000,
        refreshAt: Date.now() + refreshDelayMs(session.expires_in),
        notice: null,
        restoreError: null,
      });
      schedule(refreshDelayMs(session.expires_in));
    }

    function doRefresh(): Promise<string | null> {
      const started = generation;
      return deps.lock(async () => {
        // Read inside the lock: another tab may have rotated it while we waited.
        const refreshToken = tokens.get();
        if (refreshToken === null) {
          if (get().status !== 'signed_out') get().endSession('expired');
          return null;
        }
        let session: AuthResponse;
        try {
          session = await deps.api.refresh(refreshToken);
        } catch (error) {
          // Only the API's own refusal (a spent, unknown or revoked token) ends the session; no
          // answer, the server's trouble, or a proxy's answer (a throttling 429) keeps it.
          const code = errorCode(error);
          if (code !== null && !isServerTrouble(code)) {
            if (started === generation) get().endSession('expired');
            return null;
          }
          throw error;
        }
        if (started !== generation) {
          // Signed out while this was in flight: don't resurrect the session, end it server-side.
          deps.api.logout(session.refresh_token).catch(() => undefined);
          return null;
        }
        apply(session);
        return session.access_token;
      });
    }

    return {
      status: tokens.get() === null ? 'signed_out' : 'restoring',
      user: null,
      accessToken: null,
      expiresAt: null,
      refreshAt: null,
      notice: null,
      restoreError: null,

      async restore() {
        if (tokens.get() === null) {
          set({ status: 'signed_out' });
          return;
        }
        set({ status: 'restoring', restoreError: null });
        try {
          await get().refresh();
        } catch (error) {
          set({
            status: 'unreachable',
            restoreError: error instanceof ApiError ? error : networkError(error),
          });
        }
      },

      async register(body) {
        apply(await deps.api.register(body));
      },

      async login(body) {
        apply(await deps.api.login(body));
      },

      async logout() {
        // Let a rotation in flight land first, so the token revoked is the current one.
        if (inflight) await inflight.catch(() => null);
        const refreshToken = tokens.get();
        get().endSession('logged_out');
        if (refreshToken !== null) await deps.api.logout(refreshToken).catch(() => undefined);
      },

      refresh() {
        if (inflight === null) {
          inflight = doRefresh().finally(() => {
            inflight = null;
          });
        }
        return inflight;
      },

      async getAccessToken() {
        const { status, accessToken, refreshAt } = get();
        if (status !== 'signed_in' || accessToken === null) return null;
        if (inflight !== null) return inflight;
        if (refreshAt !== null && Date.now() >= refreshAt) return get().refresh();
        return accessToken;
      },

      async unauthorized(refusedToken) {
        const { status, accessToken } = get();
        if (status !== 'signed_in') return null;
        // Someone already refreshed since this request left: just retry with the new token.
        if (accessToken !== null && accessToken !== refusedToken && inflight === null) return accessToken;
        return get().refresh();
      },

      endSession(reason) {
        generation += 1;
        clearTimer();
        tokens.clear();
        set({
          status: 'signed_out',
          user: null,
          accessToken: null,
          expiresAt: null,
          refreshAt: null,
          restoreError: null,
          notice: NOTICES[reason],
        });
      },

      setUser(user) {
        set({ user });
      },

      storageChanged(newValue) {
        tokens.adopt(newValue);
        const { status } = get();
        if (newValue === null && status === 'signed_in') {
          generation += 1;
          clearTimer();
          set({
            status: 'signed_out',
            user: null,
            accessToken: null,
            expiresAt: null,
            refreshAt: null,
            notice: ELSEWHERE_NOTICE,
          });
        } else if (newValue !== null && (status === 'signed_out' || status === 'unreachable')) {
          void get().restore();
        }
      },

      dispose() {
        clearTimer();
      },
    };
  });
  return store;
}

/**
 * The refresh token, in storage when there is one and in memory as well (storage can be
 * unavailable, e.g. blocked by privacy settings; the session then lasts until reload).
 */
function tokenBox(storage: TokenStorage | null) {
  let memory: string | null = safe(() => storage?.getItem(REFRESH_TOKEN_KEY) ?? null, null);
  return {
    get(): string | null {
      if (storage === null) return memory;
      return safe(() => storage.getItem(REFRESH_TOKEN_KEY), memory);
    },
    set(value: string) {
      memory = value;
      safe(() => storage?.setItem(REFRESH_TOKEN_KEY, value), undefined);
    },
    clear() {
      memory = null;
      safe(() => storage?.removeItem(REFRESH_TOKEN_KEY), undefined);
    },
    /** Another tab changed storage: the memory copy follows. */
    adopt(value: string | null) {
      memory = value;
    },
  };
}

function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** A Web Lock when the browser has them (secure contexts), otherwise no cross-tab exclusion. */
export const webLock: CrossTabLock = async <T,>(task: () => Promise<T>): Promise<T> => {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return task();
  let result!: T;
  await locks.request(LOCK_NAME, async () => {
    result = await task();
  });
  return result;
};

function browserStorage(): TokenStorage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null;
  }
}

/** The app's session store. */
export const authStore = createAuthStore({ api: createAuthApi(), storage: browserStorage(), lock: webLock });

/** Keeps tabs in step: signing out in one signs out all; signing in in one signs in the others. */
export function syncAcrossTabs(store: StoreApi<AuthState> = authStore): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === REFRESH_TOKEN_KEY || event.key === null) store.getState().storageChanged(event.newValue);
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}

export function useAuth<T>(selector: (state: AuthState) => T): T {
  return useStore(authStore, selector);
}
