/**
 * The app's API: the typed client with the session's bearer token, and one object per area.
 *
 * The tokens come from whoever owns the session (the auth store), set once at start-up with
 * `setTokenSource`: the API layer never reaches up into the app's state.
 */
import { createAttachmentsApi } from './attachments';
import { authorizedFetch, type TokenSource } from './authorizedFetch';
import { createChatsApi } from './chats';
import { createApiClient } from './http';
import { createUsersApi } from './users';

const signedOut: TokenSource = {
  accessToken: async () => null,
  unauthorized: async () => null,
  signOut: () => undefined,
};

let tokens: TokenSource = signedOut;

/** Where authenticated requests get their bearer token (called once, at start-up). */
export function setTokenSource(source: TokenSource): void {
  tokens = source;
}

// Looked up per request, so the source can be set after this module is loaded.
const session: TokenSource = {
  accessToken: () => tokens.accessToken(),
  unauthorized: (refused) => tokens.unauthorized(refused),
  signOut: () => tokens.signOut(),
};

export const client = createApiClient({ fetch: authorizedFetch(session) });

export const api = {
  users: createUsersApi(client),
  chats: createChatsApi(client),
  attachments: createAttachmentsApi(client),
};

export { ApiError } from './errors';
export type { TokenSource } from './authorizedFetch';
export type * from './types';
