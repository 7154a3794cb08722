/**
 * The attachment routes, and the upload itself: `POST /api/attachments` presigns a PUT to the
 * bucket (another origin), the browser PUTs the bytes there with exactly the headers it was given
 * (XMLHttpRequest, for upload progress), then `POST .../complete` hands the file to the media
 * worker. `GET /api/attachments/{id}` answers short-lived download (and thumbnail) URLs.
 */
import { networkError, unexpectedAnswer } from './errors';
import { type ApiClient, unwrap } from './http';
import type { Attachment, AttachmentDownload, CreateAttachment, AttachmentUpload } from './types';

export interface AttachmentsApi {
  create(body: CreateAttachment): Promise<AttachmentUpload>;
  /** After the PUT: 202 with the attachment `processing`; 409 `upload_incomplete` when the object is missing or short. */
  complete(id: string): Promise<Attachment>;
  get(id: string): Promise<AttachmentDownload>;
}

export function createAttachmentsApi(client: ApiClient): AttachmentsApi {
  return {
    create: (body) => unwrap(client.POST('/api/attachments', { body })),
    complete: (id) => unwrap(client.POST('/api/attachments/{id}/complete', { params: { path: { id } } })),
    get: (id) => unwrap(client.GET('/api/attachments/{id}', { params: { path: { id } } })),
  };
}

/** Called with bytes sent so far and the total, as the upload goes. */
export type ProgressListener = (loaded: number, total: number) => void;

/**
 * PUTs `file` to a presigned URL with exactly `headers` (they are part of the signature).
 * Resolves when storage answers 2xx; rejects with an `ApiError` without a code (storage is not our
 * API: `unexpected`, or `unreachable`) otherwise, or with an `AbortError` when `signal` aborts.
 */
export function putFile(
  url: string,
  headers: Record<string, string>,
  file: Blob,
  onProgress: ProgressListener,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('The upload was cancelled', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) {
      // The browser sets Content-Length itself (and refuses to be told it).
      if (name.toLowerCase() !== 'content-length' && name.toLowerCase() !== 'host') xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else {
        reject(unexpectedAnswer(xhr.status, `The upload failed (storage answered HTTP ${xhr.status}).`));
      }
    };
    xhr.onerror = () => {
      done();
      reject(networkError());
    };
    xhr.ontimeout = xhr.onerror;
    xhr.onabort = () => {
      done();
      reject(new DOMException('The upload was cancelled', 'AbortError'));
    };
    xhr.send(file);
  });
}
