/**
 * Where the backend lives. Both default to the page's own origin, which is how the local
 * gateway (`make dev`) and a CloudFront-style deployment serve the app.
 *
 * - `VITE_API_BASE`: the URL under which the contract's `/api/...` routes live, so it ends in
 *   `/api` (default `/api`, same origin).
 * - `VITE_WS_URL`: the WebSocket endpoint (default `/ws` on the same origin, `ws:` or `wss:`
 *   following the page).
 */

const RAW_API_BASE: string = import.meta.env.VITE_API_BASE ?? '/api';
const RAW_WS_URL: string = import.meta.env.VITE_WS_URL ?? '/ws';

/**
 * The prefix to put before a contract path such as `/api/users/me`. The contract's paths already
 * start with `/api`, so that segment is taken off the configured base.
 */
export function apiPrefix(base: string = RAW_API_BASE): string {
  const trimmed = base.replace(/\/+$/, '');
  if (!trimmed.endsWith('/api')) {
    throw new Error(`VITE_API_BASE must end in /api (got "${base}")`);
  }
  return trimmed.slice(0, -'/api'.length);
}

/** The absolute WebSocket URL (for the realtime connection, which comes with the chat API). */
export function wsUrl(raw: string = RAW_WS_URL, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  if (/^wss?:\/\//.test(raw)) return raw;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${raw.startsWith('/') ? '' : '/'}${raw}`;
}
