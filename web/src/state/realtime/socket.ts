/**
 * The page's one realtime connection, as the stores see it: `transmit` puts an action on the
 * wire when the socket is open and says whether it did. `startRealtime` (./index.ts) sets it.
 */
import type { ClientAction } from '../../api/types';
import type { Connection } from '../connection';

let current: Connection | null = null;

export function setConnection(connection: Connection | null): void {
  current = connection;
}

export function currentConnection(): Connection | null {
  return current;
}

/** Sends `action` if the socket is open; false when it is not (nothing is queued here). */
export function transmit(action: ClientAction): boolean {
  return current?.send(action) ?? false;
}

export function isConnected(): boolean {
  return current?.isOpen() ?? false;
}
