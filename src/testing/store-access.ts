import { Store } from '../store/store.js';

/** Reads a running bot's database through a second connection (WAL allows it), then closes it. */
export function withStore<T>(dataDir: string, read: (store: Store) => T): T {
  const store = Store.open(dataDir);
  try {
    return read(store);
  } finally {
    store.close();
  }
}
