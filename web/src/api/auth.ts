/**
 * The account routes that need no access token: register, log in, refresh, log out. The auth
 * store owns the tokens and is the only caller.
 */
import { type ApiClient, createApiClient, unwrap } from './http';
import type { AuthResponse, LoginRequest, RegisterRequest } from './types';

export interface AuthApi {
  register(body: RegisterRequest): Promise<AuthResponse>;
  login(body: LoginRequest): Promise<AuthResponse>;
  /** Trades a (single-use) refresh token for a new pair. */
  refresh(refreshToken: string): Promise<AuthResponse>;
  /** Ends the session the refresh token belongs to. */
  logout(refreshToken: string): Promise<void>;
}

export function createAuthApi(client: ApiClient = createApiClient()): AuthApi {
  return {
    register: (body) => unwrap(client.POST('/api/auth/register', { body })),
    login: (body) => unwrap(client.POST('/api/auth/login', { body })),
    refresh: (refreshToken) => unwrap(client.POST('/api/auth/refresh', { body: { refresh_token: refreshToken } })),
    logout: async (refreshToken) => {
      await unwrap(client.POST('/api/auth/logout', { body: { refresh_token: refreshToken } }));
    },
  };
}
