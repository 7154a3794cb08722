/**
 * Where unsent messages wait across reloads: IndexedDB in the browser, one record per outgoing
 * message keyed by its `client_message_id`, tagged with the signed-in user's id (database
 * `messenger`, store `outbox`, index `by_user`). An in-memory version stands in for tests and
 * for browsers where IndexedDB is unavailable (private modes that refuse it): there unsent
 * messages last until reload, as before.
 */
import type { Outgoing } from './outgoing';

export interface OutboxStorage {
  /** The user's unsent messages, oldest first. */
  load(userId: string): Promise<Outgoing[]>;
  put(userId: string, message: Outgoing): Promise<void>;
  remove(clientMessageId: string): Promise<void>;
  /** Forgets everything of this user (signing out). */
  clear(userId: string): Promise<void>;
}

interface StoredOutgoing extends Outgoing {
  user_id: string;
}

export function memoryOutboxStorage(): OutboxStorage & { records: Map<string, StoredOutgoing> } {
  const records = new Map<string, StoredOutgoing>();
  return {
    records,
    load: async (userId) => [...records.values()].filter((r) => r.user_id === userId).map(strip).sort(byCreated),
    put: async (userId, message) => void records.set(message.client_message_id, { ...message, user_id: userId }),
    remove: async (id) => void records.delete(id),
    clear: async (userId) => {
      for (const [id, r] of records) if (r.user_id === userId) records.delete(id);
    },
  };
}

const DB_NAME = 'messenger';
const DB_VERSION = 1;
const STORE = 'outbox';

export function indexedDbOutboxStorage(factory: IDBFactory): OutboxStorage {
  let db: Promise<IDBDatabase> | null = null;
  function open(): Promise<IDBDatabase> {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: 'client_message_id' });
        store.createIndex('by_user', 'user_id');
      };
      request.onsuccess = () => {
        const opened = request.result;
        // Another tab upgrading the schema: let it, and open again next time.
        opened.onversionchange = () => {
          opened.close();
          db = null;
        };
        resolve(opened);
      };
      request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
    });
    db.catch(() => {
      db = null;
    });
    return db;
  }
  async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
    const tx = (await open()).transaction(STORE, mode);
    const request = work(tx.objectStore(STORE));
    return new Promise<T | undefined>((resolve, reject) => {
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }
  return {
    async load(userId) {
      const rows = (await run<StoredOutgoing[]>('readonly', (s) => s.index('by_user').getAll(userId))) ?? [];
      return rows.map(strip).sort(byCreated);
    },
    async put(userId, message) {
      await run('readwrite', (s) => s.put({ ...message, user_id: userId } satisfies StoredOutgoing));
    },
    async remove(id) {
      await run('readwrite', (s) => s.delete(id));
    },
    async clear(userId) {
      await run('readwrite', (s) => {
        const cursor = s.index('by_user').openKeyCursor(userId);
        cursor.onsuccess = () => {
          if (!cursor.result) return;
          s.delete(cursor.result.primaryKey);
          cursor.result.continue();
        };
      });
    },
  };
}

/** The browser's IndexedDB when there is one, else memory. */
export function defaultOutboxStorage(): OutboxStorage {
  return typeof indexedDB !== 'undefined' ? indexedDbOutboxStorage(indexedDB) : memoryOutboxStorage();
}

function strip(record: StoredOutgoing): Outgoing {
  const { user_id: _user, ...message } = record;
  return message;
}

function byCreated(a: Outgoing, b: Outgoing): number {
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
}
