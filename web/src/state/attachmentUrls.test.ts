import { describe, expect, it, vi } from 'vitest';

import type { AttachmentDownload } from '../api/types';
import { createUrlCache, URL_CACHE_MS } from './attachmentUrls';

function answer(n: number): AttachmentDownload {
  return {
    attachment: {
      id: 'a1',
      chat_id: 'c1',
      message_id: 'm1',
      filename: 'cat.png',
      content_type: 'image/png',
      size: 10,
      status: 'ready',
      width: 1,
      height: 1,
      has_thumbnail: true,
      created_at: '2026-01-01T00:00:00Z',
    },
    download_url: `http://s3/full?${n}`,
    thumbnail_url: `http://s3/thumb?${n}`,
  };
}

describe('attachment URL cache', () => {
  it('shares one request, keeps the answer 10 minutes, then asks again', async () => {
    let now = 0;
    let calls = 0;
    const fetch = vi.fn(async () => answer(++calls));
    const cache = createUrlCache(fetch, () => now);
    const [a, b] = await Promise.all([cache.get('a1'), cache.get('a1')]);
    expect(a).toBe(b);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(cache.peek('a1')?.download_url).toBe('http://s3/full?1');
    now += URL_CACHE_MS - 1;
    expect((await cache.get('a1')).download_url).toBe('http://s3/full?1');
    now += 1;
    expect(cache.peek('a1')).toBeUndefined();
    expect((await cache.get('a1')).download_url).toBe('http://s3/full?2');
  });

  it('invalidate (an image failed to load) and failures fetch again', async () => {
    let calls = 0;
    const fetch = vi.fn(async () => {
      calls += 1;
      if (calls === 1) throw new Error('offline');
      return answer(calls);
    });
    const cache = createUrlCache(fetch, () => 0);
    await expect(cache.get('a1')).rejects.toThrow('offline');
    expect((await cache.get('a1')).download_url).toBe('http://s3/full?2');
    cache.invalidate('a1');
    expect((await cache.get('a1')).download_url).toBe('http://s3/full?3');
  });
});
