/**
 * Every failed call becomes an {@link ApiError}. Its `code` is one of the contract's error codes
 * (`ErrorCode`, generated from docs/openapi.json: a closed set, each always with the same HTTP
 * status) when the API answered with its `{"error", "message"}` body, and `null` when there was
 * no such answer: no answer at all (`kind: 'unreachable'`, status 0) or an answer that is not
 * the API's (`kind: 'unexpected'`: a proxy's HTML page, storage's XML, a code this build does
 * not know). So every test of a code is checked by TypeScript against the contract, and a
 * failure the contract cannot name is never dressed up as one of its codes.
 */
import type { ErrorCode } from './types';

export type { ErrorCode };

/** What kind of failure: the API refused (with a code), nothing answered, or something else did. */
export type FailureKind = 'refused' | 'unreachable' | 'unexpected';

/**
 * Every code of the contract, and whether it is the server's trouble (the same request may
 * succeed later) or a refusal of the request as it was made. Typed as a record over the union,
 * so a code added to the contract fails the type check until it is sorted here, and a code the
 * contract does not have cannot be listed.
 */
const CODES: Record<ErrorCode, 'refusal' | 'trouble'> = {
  invalid_request: 'refusal',
  invalid_json: 'refusal',
  invalid_email: 'refusal',
  invalid_password: 'refusal',
  invalid_display_name: 'refusal',
  invalid_title: 'refusal',
  invalid_body: 'refusal',
  invalid_seq: 'refusal',
  invalid_limit: 'refusal',
  invalid_cursor: 'refusal',
  invalid_filename: 'refusal',
  invalid_unsubscribe_token: 'refusal',
  invalid_verification_token: 'refusal',
  invalid_reset_token: 'refusal',
  content_type_not_allowed: 'refusal',
  attachment_too_large: 'refusal',
  too_many_attachments: 'refusal',
  too_many_members: 'refusal',
  cannot_chat_with_self: 'refusal',
  cannot_block_self: 'refusal',
  unknown_user: 'refusal',
  unknown_attachment: 'refusal',
  unknown_action: 'refusal',
  unauthorized: 'refusal',
  invalid_credentials: 'refusal',
  invalid_refresh_token: 'refusal',
  not_chat_owner: 'refusal',
  not_message_sender: 'refusal',
  wrong_password: 'refusal',
  user_unavailable: 'refusal',
  chat_request_pending: 'refusal',
  not_found: 'refusal',
  chat_not_found: 'refusal',
  user_not_found: 'refusal',
  message_not_found: 'refusal',
  member_not_found: 'refusal',
  attachment_not_found: 'refusal',
  chat_request_not_found: 'refusal',
  email_taken: 'refusal',
  email_already_verified: 'refusal',
  client_message_id_reused: 'refusal',
  message_deleted: 'refusal',
  chat_full: 'refusal',
  direct_chat_members_fixed: 'refusal',
  upload_incomplete: 'refusal',
  attachment_not_uploaded: 'refusal',
  attachment_not_ready: 'refusal',
  attachment_rejected: 'refusal',
  attachment_already_sent: 'refusal',
  payload_too_large: 'refusal',
  // Over a rate limit (docs/SECURITY.md): the same request succeeds after `retry_after`.
  rate_limited: 'trouble',
  internal_error: 'trouble',
  service_unavailable: 'trouble',
  attachments_unavailable: 'trouble',
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(CODES, value);
}

/** The server's trouble (5xx codes): the same request, made again later, may succeed. */
export function isServerTrouble(code: ErrorCode): boolean {
  return CODES[code] === 'trouble';
}

export class ApiError extends Error {
  /** The HTTP status; 0 when nothing answered. */
  readonly status: number;
  /** The contract's code when the API answered with one; null otherwise (see `kind`). */
  readonly code: ErrorCode | null;

  constructor(status: number, code: ErrorCode | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  get kind(): FailureKind {
    if (this.code !== null) return 'refused';
    return this.status === 0 ? 'unreachable' : 'unexpected';
  }

  /** The request never got an answer (offline, server down, CORS). */
  get isNetwork(): boolean {
    return this.kind === 'unreachable';
  }
}

/** The code of `error` when it is the API's refusal; null for anything else (a network failure, a bug). */
export function errorCode(error: unknown): ErrorCode | null {
  return error instanceof ApiError ? error.code : null;
}

export function networkError(cause?: unknown): ApiError {
  const error = new ApiError(0, null, 'Cannot reach the server. Check your connection and try again.');
  if (cause !== undefined) (error as Error & { cause?: unknown }).cause = cause;
  return error;
}

/** An answer that is not the API's own error body (`status` is what came back). */
export function unexpectedAnswer(status: number, message?: string): ApiError {
  if (message !== undefined) return new ApiError(status, null, message);
  if (status === 401) return new ApiError(status, null, 'Your session has ended. Please sign in again.');
  if (status >= 500) return new ApiError(status, null, 'Something went wrong on our side. Please try again in a moment.');
  return new ApiError(status, null, `Unexpected answer from the server (HTTP ${status}).`);
}

/** Builds the error for a non-2xx answer from its parsed (or raw) body. */
export function fromResponse(status: number, body: unknown): ApiError {
  if (!isErrorBody(body)) return unexpectedAnswer(status);
  // A code this build does not know (a newer server): keep its words, claim no code.
  return isErrorCode(body.error) ? new ApiError(status, body.error, body.message) : unexpectedAnswer(status, body.message);
}

function isErrorBody(body: unknown): body is { error: string; message: string } {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Record<string, unknown>).error === 'string' &&
    typeof (body as Record<string, unknown>).message === 'string'
  );
}
