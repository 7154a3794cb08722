/**
 * The realtime connection: one WebSocket per signed-in page.
 *
 * - Before every (re)connect a fresh one-use ticket (`POST /api/ws/ticket`), then `wsUrl()?ticket=`.
 * - Lost connections come back with exponential backoff and full jitter (1 s doubling to 30 s),
 *   at once when the browser reports it is online again.
 * - `{"action":"ping"}` every 4 minutes (API Gateway closes idle connections after 10), and a
 *   planned reconnect after 1 h 50 min (it closes every connection at 2 h).
 * - `onOpen` runs after every (re)connect (`catchUp.ts` catches up and sends what queued).
 */
import { create } from 'zustand';

import type { ClientAction, ServerEvent } from '../api/types';

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'offline';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Failed attempts since the last success. */
  attempts: number;
  /** When the next attempt is due (ms since epoch), while waiting to reconnect. */
  retryAt: number | null;
}

export const useConnection = create<ConnectionState>()(() => ({ status: 'idle', attempts: 0, retryAt: null }));

export const PING_EVERY_MS = 4 * 60_000;
export const PLANNED_RECONNECT_MS = 110 * 60_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

/** Full jitter: a random delay up to base * 2^attempt, capped. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.max(250, Math.round(random() * ceiling));
}

export interface ConnectionDeps {
  ticket(): Promise<string>;
  url(): string;
  onEvent(event: ServerEvent): void;
  onOpen(): void;
}

export interface Connection {
  send(action: ClientAction): boolean;
  isOpen(): boolean;
  stop(): void;
  /** Drop the socket and reconnect now (tests, and the planned 2-hour reconnect). */
  reconnect(): void;
}

export function startConnection(deps: ConnectionDeps): Connection {
  let socket: WebSocket | null = null;
  let stopped = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let plannedTimer: ReturnType<typeof setTimeout> | undefined;
  const set = useConnection.setState;

  function clearTimers() {
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    clearTimeout(plannedTimer);
  }

  async function connect() {
    if (stopped) return;
    clearTimers();
    set({ status: 'connecting', retryAt: null });
    let ticket: string;
    try {
      ticket = await deps.ticket();
    } catch {
      scheduleRetry();
      return;
    }
    if (stopped) return;
    const url = new URL(deps.url());
    url.searchParams.set('ticket', ticket);
    const ws = new WebSocket(url.toString());
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      set({ status: 'online', attempts: 0, retryAt: null });
      pingTimer = setInterval(() => send({ action: 'ping' }), PING_EVERY_MS);
      plannedTimer = setTimeout(() => reconnect(), PLANNED_RECONNECT_MS);
      deps.onOpen();
    };
    ws.onmessage = (message) => {
      if (socket !== ws || typeof message.data !== 'string') return;
      let event: ServerEvent;
      try {
        event = JSON.parse(message.data) as ServerEvent;
      } catch {
        return;
      }
      deps.onEvent(event);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      scheduleRetry();
    };
  }

  function scheduleRetry() {
    if (stopped) return;
    clearTimers();
    const attempts = useConnection.getState().attempts;
    const delay = backoffDelay(attempts);
    set({ status: 'offline', attempts: attempts + 1, retryAt: Date.now() + delay });
    retryTimer = setTimeout(() => void connect(), delay);
  }

  function drop() {
    const ws = socket;
    socket = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.close();
    }
  }

  function reconnect() {
    drop();
    void connect();
  }

  function send(action: ClientAction): boolean {
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(action));
    return true;
  }

  const online = () => {
    if (!socket && !stopped) {
      set({ attempts: 0 });
      void connect();
    }
  };
  const offline = () => {
    // The socket may take a while to notice; treat the network going away as a lost connection.
    if (socket) {
      drop();
      scheduleRetry();
    }
  };
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);

  void connect();

  return {
    send,
    isOpen: () => socket?.readyState === WebSocket.OPEN,
    reconnect,
    stop() {
      stopped = true;
      clearTimers();
      drop();
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      set({ status: 'idle', attempts: 0, retryAt: null });
    },
  };
}
