/** The user routes: one's own profile and finding other people. */
import { type ApiClient, unwrap } from './http';
import type { Me, PublicUser, UpdateMe } from './types';

export interface UsersApi {
  me(): Promise<Me>;
  updateMe(patch: UpdateMe): Promise<Me>;
  /** Display-name prefix or exact e-mail; at most 20, never the caller. */
  search(query: string, signal?: AbortSignal): Promise<PublicUser[]>;
}

export function createUsersApi(client: ApiClient): UsersApi {
  return {
    me: () => unwrap(client.GET('/api/users/me')),
    updateMe: (patch) => unwrap(client.PATCH('/api/users/me', { body: patch })),
    search: async (query, signal) => {
      const list = await unwrap(client.GET('/api/users', { params: { query: { query } }, signal }));
      return list.users;
    },
  };
}
