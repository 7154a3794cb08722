import { beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError, networkError } from '../api/errors';
import type { Attachment } from '../api/types';

const create = vi.fn();
const complete = vi.fn();
const putFile = vi.fn();
vi.mock('../api', () => ({ api: { attachments: { create: (...a: unknown[]) => create(...a), complete: (...a: unknown[]) => complete(...a) } } }));
vi.mock('../api/attachments', () => ({ putFile: (...a: unknown[]) => putFile(...a) }));

const { useUploads } = await import('./uploads');

function attachment(status: Attachment['status']): Attachment {
  return {
    id: 'a1',
    chat_id: 'c1',
    message_id: null,
    filename: 'cat.png',
    content_type: 'image/png',
    size: 4,
    status,
    width: null,
    height: null,
    has_thumbnail: false,
    created_at: '2026-01-01T00:00:00Z',
  };
}

const png = () => new File([new Uint8Array([1, 2, 3, 4])], 'cat.png', { type: 'image/png' });
const tray = () => useUploads.getState().byChat.c1 ?? [];
const settled = () => vi.waitFor(() => expect(tray().every((u) => !['presigning', 'uploading', 'completing'].includes(u.status))).toBe(true));

beforeEach(() => {
  useUploads.getState().reset();
  create.mockReset().mockResolvedValue({
    attachment: attachment('pending'),
    upload_url: 'http://s3/put',
    upload_headers: { 'Content-Type': 'image/png' },
    expires_in: 900,
  });
  complete.mockReset().mockResolvedValue(attachment('ready'));
  putFile.mockReset().mockImplementation(async (_url: string, _headers: unknown, file: Blob, onProgress: (n: number) => void) => {
    onProgress(file.size / 2);
    onProgress(file.size);
  });
});

describe('the uploads store', () => {
  it('presigns, PUTs with the given headers, completes, and hands the attachment to the message once', async () => {
    useUploads.getState().add('c1', [png()]);
    await settled();
    expect(create).toHaveBeenCalledWith({ chat_id: 'c1', filename: 'cat.png', content_type: 'image/png', size: 4 });
    expect(putFile.mock.calls[0]?.slice(0, 2)).toEqual(['http://s3/put', { 'Content-Type': 'image/png' }]);
    expect(complete).toHaveBeenCalledWith('a1');
    expect(tray()[0]?.status).toBe('done');
    expect(useUploads.getState().take('c1')?.map((a) => [a.id, a.status])).toEqual([['a1', 'ready']]);
    expect(tray()).toEqual([]);
  });

  it('refuses bad files at once and keeps the tray from sending until they are removed', async () => {
    useUploads.getState().add('c1', [new File(['x'], 'tool.exe', { type: '' })]);
    expect(tray()[0]).toMatchObject({ status: 'invalid', name: 'tool.exe' });
    expect(create).not.toHaveBeenCalled();
    expect(useUploads.getState().take('c1')).toBeNull();
    useUploads.getState().remove('c1', tray()[0]!.id);
    expect(useUploads.getState().take('c1')).toEqual([]);
  });

  it('accepts at most 10 files per message', () => {
    useUploads.getState().add('c1', Array.from({ length: 11 }, png));
    expect(tray().filter((u) => u.status === 'invalid')).toHaveLength(1);
    expect(tray()[10]?.error).toMatch(/At most 10/);
  });

  it('a failed PUT shows Retry; the retry PUTs again to the same URL and finishes', async () => {
    putFile.mockRejectedValueOnce(networkError());
    useUploads.getState().add('c1', [png()]);
    await settled();
    expect(tray()[0]).toMatchObject({ status: 'failed', failedAt: 'upload' });
    useUploads.getState().retry('c1', tray()[0]!.id);
    await settled();
    expect(tray()[0]?.status).toBe('done');
    expect(create).toHaveBeenCalledTimes(1);
    expect(putFile).toHaveBeenCalledTimes(2);
  });

  it('a server refusal at presign is final (no retry)', async () => {
    create.mockRejectedValueOnce(new ApiError(400, 'attachment_too_large', 'too large'));
    useUploads.getState().add('c1', [png()]);
    await settled();
    expect(tray()[0]).toMatchObject({ status: 'invalid' });
  });

  it('removing a file cancels its upload', async () => {
    let release: () => void = () => undefined;
    putFile.mockImplementationOnce((_u: string, _h: unknown, _f: Blob, _p: unknown, signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        release = resolve;
        signal.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')));
      }),
    );
    useUploads.getState().add('c1', [png()]);
    await vi.waitFor(() => expect(putFile).toHaveBeenCalled());
    useUploads.getState().remove('c1', tray()[0]!.id);
    release();
    expect(tray()).toEqual([]);
    expect(complete).not.toHaveBeenCalled();
  });
});
