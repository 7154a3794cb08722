/**
 * For unit tests: an in-memory stand-in for `connection.ts`. It records the actions the stores
 * send, lets the test open and drop the "socket" (opening runs the catch-up, as a real connect
 * does) and push server events through the router.
 */
import type { ClientAction, ServerEvent } from '../../api/types';
import type { Connection, ConnectionDeps } from '../connection';

export interface FakeConnection {
  /** Every action sent while open, in order. */
  sent: ClientAction[];
  /** Pass to `startRealtime` / `startSession` as `connect`. */
  connect(deps: ConnectionDeps): Connection;
  /** The socket opens (again): `onOpen` runs, so the stores catch up. */
  open(): void;
  /** The socket is lost: sends fail until `open`. */
  drop(): void;
  /** A server event arrives. */
  push(event: ServerEvent): void;
  /** The actions of one kind sent so far. */
  sentOf<A extends ClientAction['action']>(action: A): Extract<ClientAction, { action: A }>[];
}

export function fakeConnection(): FakeConnection {
  let deps: ConnectionDeps | null = null;
  let isOpen = false;
  const sent: ClientAction[] = [];
  const fake: FakeConnection = {
    sent,
    connect(d) {
      deps = d;
      return {
        send(action) {
          if (!isOpen) return false;
          sent.push(action);
          return true;
        },
        isOpen: () => isOpen,
        stop() {
          isOpen = false;
          deps = null;
        },
        reconnect() {
          isOpen = false;
          fake.open();
        },
      };
    },
    open() {
      isOpen = true;
      deps?.onOpen();
    },
    drop() {
      isOpen = false;
    },
    push(event) {
      deps?.onEvent(event);
    },
    sentOf: <A extends ClientAction['action']>(action: A) =>
      sent.filter((a): a is Extract<ClientAction, { action: A }> => a.action === action),
  };
  return fake;
}
