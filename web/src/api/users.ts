/** The user routes: one's own profile, password and account, signing out everywhere, and finding other people. */
import { type ApiClient, unwrap } from './http';
import type { BlockedUser, Me, PublicUser, UpdateMe } from './types';

export interface UsersApi {
  me(): Promise<Me>;
  updateMe(patch: UpdateMe): Promise<Me>;
  /** Display-name prefix or exact e-mail; at most 20, never the caller. */
  search(query: string, signal?: AbortSignal): Promise<PublicUser[]>;
  /** Another verification mail to my address. */
  resendVerification(): Promise<void>;
  /** Changes my password; my other sessions end, this one stays. */
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  /** Ends every session of my account, this one too. */
  logoutAll(): Promise<void>;
  /** Deletes my account (the password confirms it). */
  deleteMe(password: string): Promise<void>;
  /** Blocks someone (docs/SECURITY.md): our direct chat goes quiet, they cannot add me or see my presence. */
  block(userId: string): Promise<void>;
  unblock(userId: string): Promise<void>;
  /** Whom I blocked, most recent first. */
  blocks(): Promise<BlockedUser[]>;
}

export function createUsersApi(client: ApiClient): UsersApi {
  return {
    me: () => unwrap(client.GET('/api/users/me')),
    updateMe: (patch) => unwrap(client.PATCH('/api/users/me', { body: patch })),
    search: async (query, signal) => {
      const list = await unwrap(client.GET('/api/users', { params: { query: { query } }, signal }));
      return list.users;
    },
    resendVerification: async () => {
      await unwrap(client.POST('/api/auth/verify-email/resend'));
    },
    changePassword: async (currentPassword, newPassword) => {
      await unwrap(
        client.POST('/api/users/me/password', {
          body: { current_password: currentPassword, new_password: newPassword },
        }),
      );
    },
    logoutAll: async () => {
      await unwrap(client.POST('/api/auth/logout-all'));
    },
    deleteMe: async (password) => {
      await unwrap(client.DELETE('/api/users/me', { body: { password } }));
    },
    block: async (userId) => {
      await unwrap(client.POST('/api/users/{id}/block', { params: { path: { id: userId } } }));
    },
    unblock: async (userId) => {
      await unwrap(client.DELETE('/api/users/{id}/block', { params: { path: { id: userId } } }));
    },
    blocks: async () => (await unwrap(client.GET('/api/users/me/blocks'))).users,
  };
}
