/**
 * Every failed call becomes an {@link ApiError}: the API's own `{"error", "message"}` when it
 * sent one, otherwise a code of our own (`network_error`, `server_error`) with a message a
 * person can act on.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** The request never got an answer (offline, server down, CORS). */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export function networkError(cause?: unknown): ApiError {
  const error = new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  if (cause !== undefined) (error as Error & { cause?: unknown }).cause = cause;
  return error;
}

/** Builds the error for a non-2xx answer from its parsed (or raw) body. */
export function fromResponse(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(status, body.error, body.message);
  if (status === 401) return new ApiError(status, 'unauthorized', 'Your session has ended. Please sign in again.');
  if (status >= 500) {
    return new ApiError(status, 'server_error', 'Something went wrong on our side. Please try again in a moment.');
  }
  return new ApiError(status, 'unexpected_response', `Unexpected answer from the server (HTTP ${status}).`);
}

function isErrorBody(body: unknown): body is { error: string; message: string } {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Record<string, unknown>).error === 'string' &&
    typeof (body as Record<string, unknown>).message === 'string'
  );
}
