/**
 * A `fetch` for authenticated routes: adds the bearer token and, when the API answers 401,
 * refreshes the session once and replays the request once. A second 401 ends the session.
 *
 * The refresh itself is single-flight in the auth store, so any number of requests failing at
 * the same moment cause one refresh (refresh tokens are single-use: a second refresh with the
 * same token would look like theft to the server and revoke the session).
 */
import type { FetchLike } from './http';

export interface TokenSource {
  /** The current access token, refreshed first when it is about to expire; null when signed out. */
  accessToken(): Promise<string | null>;
  /** Called with the token a request was refused with; resolves to a fresh token or null (signed out). */
  unauthorized(refusedToken: string): Promise<string | null>;
  /** Called when even a fresh token is refused. */
  signOut(): void;
}

export function authorizedFetch(tokens: TokenSource, baseFetch: FetchLike = (r) => globalThis.fetch(r)): FetchLike {
  return async (request) => {
    // Kept before the first attempt consumes the body.
    const replay = request.clone();
    const token = await tokens.accessToken();
    const response = await baseFetch(withBearer(request, token));
    if (response.status !== 401 || token === null) return response;

    const fresh = await tokens.unauthorized(token);
    if (fresh === null) return response;
    const retried = await baseFetch(withBearer(replay, fresh));
    if (retried.status === 401) tokens.signOut();
    return retried;
  };
}

function withBearer(request: Request, token: string | null): Request {
  if (token === null) return request;
  const headers = new Headers(request.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}
