/**
 * The token of a link mailed by the server (`/verify-email#token=...`,
 * `/reset-password#token=...`). It travels in the fragment, which browsers never send to a
 * server, so it stays out of access logs and Referer headers.
 */
export function linkToken(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token')?.trim() ?? '';
  return /^[A-Za-z0-9_-]{16,}$/.test(token) ? token : null;
}

/** Which mailed link the address is, if any. */
export type AccountLink = 'verify-email' | 'reset-password';

export function accountLinkOf(path: string): AccountLink | null {
  const clean = path.replace(/\/+$/, '');
  if (clean === '/verify-email') return 'verify-email';
  if (clean === '/reset-password') return 'reset-password';
  return null;
}
