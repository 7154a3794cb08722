/**
 * Starting and stopping the page's realtime connection: every server event goes through the
 * router, every (re)connect is followed by a catch-up. `connect` is `startConnection` in the app
 * and a fake in unit tests.
 */
import { api } from '../../api';
import { wsUrl } from '../../api/config';
import { catchUp } from '../catchUp';
import { type Connection, type ConnectionDeps, startConnection } from '../connection';
import { routeEvent } from './router';
import { currentConnection, setConnection } from './socket';

export type Connect = (deps: ConnectionDeps) => Connection;

/** Connects (once signed in); returns the stop function. */
export function startRealtime(connect: Connect = startConnection): () => void {
  if (currentConnection()) return stopRealtime;
  setConnection(
    connect({
      ticket: async () => (await api.chats.wsTicket()).ticket,
      url: () => wsUrl(),
      onEvent: routeEvent,
      onOpen: () => void catchUp().catch(() => undefined),
    }),
  );
  return stopRealtime;
}

export function stopRealtime(): void {
  currentConnection()?.stop();
  setConnection(null);
}

/** For tests (e2e hooks): drop the socket and reconnect. */
export function reconnectRealtime(): void {
  currentConnection()?.reconnect();
}
