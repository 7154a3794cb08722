import { describe, expect, it } from 'vitest';

import { ApiError, fromResponse, networkError, unexpectedAnswer } from '../api/errors';
import type { Attachment, AttachmentUpload } from '../api/types';
import {
  completed,
  EXPIRY_MARGIN_MS,
  failed,
  newUpload,
  presigned,
  progressed,
  progressOf,
  retried,
  retryStage,
  stageOf,
  trayBlocker,
  traySendable,
  type Upload,
  uploaded,
} from './uploadMachine';

const PNG = { name: 'cat.png', size: 1000, type: 'image/png' };
const NOW = 1_000_000;

function attachment(status: Attachment['status'] = 'pending'): Attachment {
  return {
    id: 'a1',
    chat_id: 'c1',
    message_id: null,
    filename: 'cat.png',
    content_type: 'image/png',
    size: 1000,
    status,
    width: null,
    height: null,
    has_thumbnail: false,
    created_at: '2026-01-01T00:00:00Z',
  };
}

const answer: AttachmentUpload = {
  attachment: attachment(),
  upload_url: 'http://127.0.0.1:4566/bucket/key?sig',
  upload_headers: { 'Content-Type': 'image/png' },
  expires_in: 900,
};

function uploading(): Upload {
  return presigned(newUpload('u1', PNG), answer, NOW);
}

describe('upload state machine', () => {
  it('a good file goes presigning -> uploading -> completing -> done, with progress', () => {
    let u = newUpload('u1', PNG);
    expect(u.status).toBe('presigning');
    expect(stageOf(u.status)).toBe('presign');
    expect(progressOf(u)).toBe(0);
    u = presigned(u, answer, NOW);
    expect(u).toMatchObject({ status: 'uploading', loaded: 0, attachment: { id: 'a1' } });
    expect(u.target).toEqual({ url: answer.upload_url, headers: answer.upload_headers, expiresAt: NOW + 900_000 });
    u = progressed(u, 250);
    expect(progressOf(u)).toBe(0.25);
    u = progressed(u, 5000);
    expect(u.loaded).toBe(1000);
    u = uploaded(u);
    expect(u.status).toBe('completing');
    expect(stageOf(u.status)).toBe('complete');
    // Still being checked: it stays completing, and cannot be sent yet.
    u = completed(u, attachment('processing'));
    expect(u).toMatchObject({ status: 'completing', attachment: { status: 'processing' } });
    u = completed(u, attachment('ready'));
    expect(u).toMatchObject({ status: 'done', attachment: { status: 'ready' } });
    expect(stageOf(u.status)).toBeNull();
    expect(progressOf(u)).toBe(1);
  });

  it('refuses a file before sending anything: too big, wrong type, too many', () => {
    expect(newUpload('u', { name: 'big.pdf', size: 26_214_401, type: 'application/pdf' })).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/^Too big \(over 25 MB\)/),
    });
    expect(newUpload('u', { name: 'x.exe', size: 10, type: '' })).toMatchObject({ status: 'invalid', error: expect.stringMatching(/cannot be attached/) });
    expect(newUpload('u', PNG, 'too_many')).toMatchObject({ status: 'invalid', error: 'At most 10 files can go in one message.' });
  });

  it('events for another state change nothing', () => {
    const u = newUpload('u1', PNG);
    expect(progressed(u, 10)).toBe(u);
    expect(uploaded(u)).toBe(u);
    expect(completed(u, attachment())).toBe(u);
    expect(retried(u, NOW)).toBe(u);
    const done = completed(uploaded(uploading()), attachment('ready'));
    expect(presigned(done, answer, NOW)).toBe(done);
  });

  it('a refusal no retry can fix ends invalid, in our words', () => {
    const u = failed(newUpload('u1', PNG), 'presign', new ApiError(400, 'content_type_not_allowed', 'nope'));
    expect(u.status).toBe('invalid');
    expect(u.error).toMatch(/cannot be attached/);
    const gone = failed(newUpload('u1', PNG), 'presign', new ApiError(404, 'chat_not_found', 'chat not found'));
    expect(gone).toMatchObject({ status: 'invalid', error: 'Chat not found' });
  });

  it('a failed presign retries the presign', () => {
    let u = failed(newUpload('u1', PNG), 'presign', new ApiError(503, 'attachments_unavailable', 'Attachments are unavailable'));
    expect(u).toMatchObject({ status: 'failed', failedAt: 'presign', error: 'Upload failed: attachments are unavailable' });
    expect(retryStage(u, NOW)).toBe('presign');
    u = retried(u, NOW);
    expect(u).toMatchObject({ status: 'presigning', error: undefined, failedAt: undefined });
  });

  it('a failed PUT retries the PUT to the same URL while it is valid, else presigns again', () => {
    const broken = failed(progressed(uploading(), 600), 'upload', networkError());
    expect(broken).toMatchObject({ status: 'failed', failedAt: 'upload' });
    expect(broken.error).toMatch(/^Upload failed: cannot reach the server/);
    const again = retried(broken, NOW + 60_000);
    expect(again).toMatchObject({ status: 'uploading', loaded: 0, attachment: { id: 'a1' } });
    expect(again.target?.url).toBe(answer.upload_url);

    const late = retried(broken, NOW + 900_000 - EXPIRY_MARGIN_MS + 1);
    expect(late).toMatchObject({ status: 'presigning', attachment: undefined, target: undefined });
  });

  it('a failed complete completes again, unless the object is missing or short (PUT again)', () => {
    const atComplete = uploaded(uploading());
    const network = failed(atComplete, 'complete', networkError());
    expect(retried(network, NOW)).toMatchObject({ status: 'completing', loaded: 1000 });
    const incomplete = failed(atComplete, 'complete', new ApiError(409, 'upload_incomplete', 'the upload is incomplete'));
    expect(retried(incomplete, NOW)).toMatchObject({ status: 'uploading', loaded: 0 });
    expect(retried(incomplete, NOW + 3_600_000)).toMatchObject({ status: 'presigning' });
    // Swept while it waited (a day without completing): the server no longer knows it.
    const swept = failed(atComplete, 'complete', new ApiError(404, 'attachment_not_found', 'no such attachment'));
    expect(swept).toMatchObject({ status: 'failed', errorCode: 'attachment_not_found' });
    expect(retried(swept, NOW)).toMatchObject({ status: 'presigning', attachment: undefined, target: undefined });
  });

  it('only the API’s codes count: storage’s refusal and an unreadable answer are failures to retry, with no code', () => {
    const storage = failed(uploading(), 'upload', unexpectedAnswer(403, 'The upload failed (storage answered HTTP 403).'));
    expect(storage).toMatchObject({ status: 'failed', errorCode: null, error: 'Upload failed: the upload failed (storage answered HTTP 403).' });
    const proxy = failed(newUpload('u1', PNG), 'presign', fromResponse(502, '<html>Bad gateway</html>'));
    expect(proxy).toMatchObject({ status: 'failed', errorCode: null });
    // A code the contract does not have is not trusted as one, even in the API's shape.
    const future = failed(newUpload('u1', PNG), 'presign', fromResponse(400, { error: 'file_too_spicy', message: 'too spicy' }));
    expect(future).toMatchObject({ status: 'failed', errorCode: null, error: 'Upload failed: too spicy' });
  });

  it('a tray sends only when every file is uploaded, and says why not', () => {
    const done = completed(uploaded(uploading()), attachment('ready'));
    const busy = uploading();
    const bad = newUpload('u2', { name: 'x', size: 1, type: '' });
    expect(traySendable([])).toBe(true);
    expect(traySendable([done])).toBe(true);
    expect(traySendable([done, busy])).toBe(false);
    expect(trayBlocker([done, busy])).toMatch(/once the uploads finish/);
    expect(traySendable([done, bad])).toBe(false);
    expect(trayBlocker([busy, bad])).toMatch(/Remove the files/);
    expect(trayBlocker([done])).toBeNull();
  });
});
