/**
 * The typed HTTP client: `openapi-fetch` over the generated contract types, so a route, its
 * parameters, its body and its answer are all checked against docs/openapi.json at compile time.
 */
import createClient, { type Client } from 'openapi-fetch';

import { apiPrefix } from './config';
import { fromResponse, networkError } from './errors';
import type { paths } from './schema';

export type ApiClient = Client<paths>;

export type FetchLike = (request: Request) => Promise<Response>;

export function createApiClient(options: { baseUrl?: string; fetch?: FetchLike } = {}): ApiClient {
  return createClient<paths>({
    baseUrl: options.baseUrl ?? apiPrefix(),
    // Looked up per call, not captured once, so tests (and polyfills) can replace it.
    fetch: options.fetch ?? ((request: Request) => globalThis.fetch(request)),
  });
}

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call and returns its data, or throws an `ApiError`. */
export async function unwrap<D>(pending: Promise<Answer<D>>): Promise<D> {
  let answer: Answer<D>;
  try {
    answer = await pending;
  } catch (error) {
    if (isAbort(error)) throw error;
    throw networkError(error);
  }
  if (answer.response.ok) return answer.data as D;
  throw fromResponse(answer.response.status, answer.error);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
