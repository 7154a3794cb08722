/**
 * One file's way from the tray to a message, as plain functions over plain data (the uploads
 * store drives them; the unit tests call them directly):
 *
 *   invalid                                (refused before anything is sent: type, size, count)
 *   presigning -> uploading -> completing -> done
 *        \____________\____________\______> failed --retry--> presigning | uploading | completing
 *
 * A retry resumes where it failed: a failed presign presigns again; a failed PUT PUTs again to the
 * same URL while it is still valid (else presigns anew); a failed complete completes again, unless
 * the server said the object is missing or short (`upload_incomplete`), which needs the PUT again,
 * or no longer knows the attachment (`attachment_not_found`: an upload left uncompleted for a
 * day is swept), which needs a new presign. Refusals that a retry cannot fix (too large, type,
 * filename, no such chat) end in `invalid`. All of this goes by the contract's error codes.
 */
import { errorCode, type ErrorCode } from '../api/errors';
import type { Attachment, AttachmentUpload } from '../api/types';
import { type FileProblem, fileProblem, problemText } from '../lib/files';

export type UploadStatus = 'invalid' | 'presigning' | 'uploading' | 'completing' | 'done' | 'failed';
export type UploadStage = 'presign' | 'upload' | 'complete';

export interface Upload {
  /** Local id (the tray's key). */
  id: string;
  name: string;
  size: number;
  type: string;
  status: UploadStatus;
  /** Bytes sent so far (while uploading). */
  loaded: number;
  /** What a person reads when it is `invalid` or `failed`. */
  error?: string;
  /** The API's error code for the last failure; null when it was no answer or not the API's. */
  errorCode?: ErrorCode | null;
  /** The stage that failed, for a retry. */
  failedAt?: UploadStage;
  /** The server's record, once presigned (and as completed). */
  attachment?: Attachment;
  /** Where to PUT the bytes, and until when (ms since epoch) that URL is valid. */
  target?: { url: string; headers: Record<string, string>; expiresAt: number };
}

/** A presigned URL this close to expiry is not used for a retry. */
export const EXPIRY_MARGIN_MS = 60_000;

/** The API's refusals that no retry can fix (the file or the chat is the problem, not the moment). */
const FINAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['attachment_too_large', 'content_type_not_allowed', 'invalid_filename', 'invalid_request', 'chat_not_found']);

export function newUpload(id: string, file: { name: string; size: number; type: string }, problem?: FileProblem | 'too_many'): Upload {
  const base: Upload = { id, name: file.name || 'file', size: file.size, type: file.type, status: 'presigning', loaded: 0 };
  const found = problem ?? fileProblem(file);
  if (found === 'too_many') return { ...base, status: 'invalid', error: 'At most 10 files can go in one message.' };
  if (found) return { ...base, status: 'invalid', error: problemText(found, file) };
  return base;
}

export function presigned(u: Upload, answer: AttachmentUpload, now: number): Upload {
  if (u.status !== 'presigning') return u;
  return {
    ...u,
    status: 'uploading',
    loaded: 0,
    attachment: answer.attachment,
    target: { url: answer.upload_url, headers: answer.upload_headers, expiresAt: now + answer.expires_in * 1000 },
  };
}

export function progressed(u: Upload, loaded: number): Upload {
  if (u.status !== 'uploading' || loaded === u.loaded) return u;
  return { ...u, loaded: Math.min(Math.max(loaded, 0), u.size) };
}

export function uploaded(u: Upload): Upload {
  if (u.status !== 'uploading') return u;
  return { ...u, status: 'completing', loaded: u.size };
}

export function completed(u: Upload, attachment: Attachment): Upload {
  if (u.status !== 'completing') return u;
  // Only a file the media worker accepted can be sent: until then the upload stays `completing`
  // and the store asks again (completing again queues nothing).
  if (attachment.status === 'processing' || attachment.status === 'pending') return { ...u, attachment };
  if (attachment.status === 'rejected') {
    return { ...u, status: 'invalid', attachment, error: 'This file was refused: its contents do not match its type.', errorCode: 'attachment_rejected', failedAt: 'complete' };
  }
  return { ...u, status: 'done', attachment, error: undefined, errorCode: undefined, failedAt: undefined };
}

/** A stage failed with `error` (an `ApiError` from our API or from storage, or anything thrown). */
export function failed(u: Upload, stage: UploadStage, error: unknown): Upload {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  if (code !== null && FINAL_CODES.has(code)) {
    return { ...u, status: 'invalid', error: finalText(code, u, message), errorCode: code, failedAt: stage };
  }
  return { ...u, status: 'failed', error: `Upload failed: ${lowerFirst(message)}`, errorCode: code, failedAt: stage };
}

function finalText(code: ErrorCode, u: Upload, message: string): string {
  if (code === 'attachment_too_large') return problemText(u.size === 0 ? 'empty' : 'too_large', u);
  if (code === 'content_type_not_allowed') return problemText('type_not_allowed', u);
  return upperFirst(message);
}

/** Which stage a retry of a failed upload starts with. */
export function retryStage(u: Upload, now: number): UploadStage {
  const urlUsable = u.target !== undefined && u.target.expiresAt - EXPIRY_MARGIN_MS > now;
  switch (u.failedAt) {
    case 'complete':
      // The record is gone (swept): only a new presign helps.
      if (u.errorCode === 'attachment_not_found') return 'presign';
      if (u.errorCode !== 'upload_incomplete') return 'complete';
      return urlUsable ? 'upload' : 'presign';
    case 'upload':
      return urlUsable ? 'upload' : 'presign';
    default:
      return 'presign';
  }
}

/** A failed upload put back on its way (see `retryStage`); anything else is returned as is. */
export function retried(u: Upload, now: number): Upload {
  if (u.status !== 'failed') return u;
  const stage = retryStage(u, now);
  const status: UploadStatus = stage === 'presign' ? 'presigning' : stage === 'upload' ? 'uploading' : 'completing';
  const restart = stage === 'presign' ? { attachment: undefined, target: undefined } : {};
  return { ...u, ...restart, status, loaded: stage === 'complete' ? u.size : 0, error: undefined, errorCode: undefined, failedAt: undefined };
}

/** The stage an upload in `status` is at (what to run next), or null when nothing runs. */
export function stageOf(status: UploadStatus): UploadStage | null {
  return status === 'presigning' ? 'presign' : status === 'uploading' ? 'upload' : status === 'completing' ? 'complete' : null;
}

/** 0..1 for the progress bar. */
export function progressOf(u: Upload): number {
  switch (u.status) {
    case 'done':
    case 'completing':
      return 1;
    case 'uploading':
      return u.size > 0 ? u.loaded / u.size : 0;
    default:
      return 0;
  }
}

/** Whether a tray can be sent: nothing still on its way and nothing failed or refused. */
export function traySendable(uploads: Upload[]): boolean {
  return uploads.every((u) => u.status === 'done');
}

/** Why the tray holds sending back, for the hint under it (null when it does not). */
export function trayBlocker(uploads: Upload[]): string | null {
  if (uploads.some((u) => u.status === 'invalid' || u.status === 'failed')) return 'Remove the files that cannot be sent, or retry them.';
  if (uploads.some((u) => u.status !== 'done')) return 'Sending is possible once the uploads finish.';
  return null;
}

function lowerFirst(s: string): string {
  return s && /^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}
function upperFirst(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}
