/**
 * The app's API: the typed client with the session's bearer token, and one object per area.
 */
import { authStore } from '../state/auth';
import { createAttachmentsApi } from './attachments';
import { authorizedFetch, type TokenSource } from './authorizedFetch';
import { createChatsApi } from './chats';
import { createApiClient } from './http';
import { createUsersApi } from './users';

const session: TokenSource = {
  accessToken: () => authStore.getState().getAccessToken(),
  unauthorized: (refused) => authStore.getState().unauthorized(refused),
  signOut: () => authStore.getState().endSession('expired'),
};

export const client = createApiClient({ fetch: authorizedFetch(session) });

export const api = {
  users: createUsersApi(client),
  chats: createChatsApi(client),
  attachments: createAttachmentsApi(client),
};

export { ApiError } from './errors';
export type * from './types';
