/**
 * The account routes that need no access token: register, log in, refresh, log out, and the
 * links mailed to an address (verify it, reset the password). The auth store owns the tokens
 * and is the only caller of the session routes.
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
  /** Proves the address with the token of a verification mail. */
  verifyEmail(token: string): Promise<void>;
  /** Asks for a reset mail; the answer is the same whether or not the address has an account. */
  requestPasswordReset(email: string): Promise<void>;
  /** Sets the password with the token of a reset mail; every session of the account ends. */
  confirmPasswordReset(token: string, password: string): Promise<void>;
}

export function createAuthApi(client: ApiClient = createApiClient()): AuthApi {
  return {
    register: (body) => unwrap(client.POST('/api/auth/register', { body })),
    login: (body) => unwrap(client.POST('/api/auth/login', { body })),
    refresh: (refreshToken) => unwrap(client.POST('/api/auth/refresh', { body: { refresh_token: refreshToken } })),
    logout: async (refreshToken) => {
      await unwrap(client.POST('/api/auth/logout', { body: { refresh_token: refreshToken } }));
    },
    verifyEmail: async (token) => {
      await unwrap(client.POST('/api/auth/verify-email', { body: { token } }));
    },
    requestPasswordReset: async (email) => {
      await unwrap(client.POST('/api/auth/password-reset', { body: { email } }));
    },
    confirmPasswordReset: async (token, password) => {
      await unwrap(client.POST('/api/auth/password-reset/confirm', { body: { token, password } }));
    },
  };
}
