// Makes each dynalite write one LevelDB batch (the item and its index entries together), so a killed sandbox never leaves an index entry without its item.
import { createRequire } from 'node:module';

/**
 * dynalite 4 writes an item's index entries first and the item after, as separate LevelDB writes; a process killed in
 * between leaves index entries pointing at an item that was never written (a task found by subject that cannot be
 * read). All of dynalite's keys live in one LevelDB under prefixes, and LevelDB batches are atomic, so here every
 * put, update and delete defers its index changes and writes them in one batch with the item.
 */

type Callback = (error?: unknown) => void;
type Json = Record<string, unknown>;

interface BatchOp {
  type: 'put' | 'del';
  key: string;
  value?: Json;
}

interface SubDb {
  put(key: string, value: Json, callback: Callback): void;
  del(key: string, callback: Callback): void;
  atomic?: true;
}

interface Table {
  TableName: string;
  LocalSecondaryIndexes?: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}

interface Store {
  db: { batch(operations: BatchOp[], callback: Callback): void };
  getItemDb(tableName: string): SubDb;
}

interface IndexActions {
  puts: { index: string; key: string; item: Json }[];
  deletes: { index: string; key: string }[];
}

interface DynaliteDb {
  updateIndexes(
    store: Store,
    table: Table,
    existingItem: Json | null,
    item: Json | null,
    callback: Callback,
  ): void;
  getIndexActions(
    indexes: unknown[],
    existingItem: Json | null,
    item: Json | null,
    table: Table,
  ): IndexActions;
  createKey(item: Json, table: Table): string;
}

// The prefixes dynalite 4 gives its sub-databases (db/index.js: getItemDb, getIndexDb); pinned with the package.
const itemPrefix = (table: string) => `item-${table}~`;
const indexPrefix = (type: 'Local' | 'Global', table: string, index: string) =>
  `index-${type.toLowerCase()}~${table}~${index}~`;

let installed = false;

export function makeDynaliteWritesAtomic(): void {
  if (installed) return;
  installed = true;
  const db = createRequire(import.meta.url)('dynalite/db') as DynaliteDb;
  /** Index changes waiting for their item's write, by the item's full key. */
  const pending = new Map<string, BatchOp[]>();

  db.updateIndexes = (store, table, existingItem, item, callback) => {
    const subject = item ?? existingItem;
    if (!subject) return void setImmediate(callback);
    const operations: BatchOp[] = [];
    for (const type of ['Local', 'Global'] as const) {
      const indexes = table[`${type}SecondaryIndexes`] ?? [];
      const actions = db.getIndexActions(indexes, existingItem, item, table);
      for (const remove of actions.deletes)
        operations.push({ type: 'del', key: indexPrefix(type, table.TableName, remove.index) + remove.key });
      for (const put of actions.puts)
        operations.push({
          type: 'put',
          key: indexPrefix(type, table.TableName, put.index) + put.key,
          value: put.item,
        });
    }
    const itemKey = itemPrefix(table.TableName) + db.createKey(subject, table);
    pending.set(itemKey, operations);
    deferToItemWrite(store, table.TableName);
    setImmediate(callback);
  };

  /** The item write that follows `updateIndexes` (under dynalite's per-item lock) carries the index changes. */
  function deferToItemWrite(store: Store, tableName: string): void {
    const itemDb = store.getItemDb(tableName);
    if (itemDb.atomic) return;
    itemDb.atomic = true;
    const withIndexes = (operation: BatchOp, callback: Callback) => {
      const indexOperations = pending.get(operation.key) ?? [];
      pending.delete(operation.key);
      store.db.batch([...indexOperations, operation], callback);
    };
    itemDb.put = (key, value, callback) =>
      withIndexes({ type: 'put', key: itemPrefix(tableName) + key, value }, callback);
    itemDb.del = (key, callback) => withIndexes({ type: 'del', key: itemPrefix(tableName) + key }, callback);
  }
}
