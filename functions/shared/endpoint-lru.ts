// A least-recently-used cache on a Map: the SDK's endpoint cache uses it in Lambda bundles instead of mnemonist's.

/**
 * Stands in for `mnemonist/lru-cache` (esbuild alias, see infra/lambda-bundling.ts), whose only user in our bundles is
 * `@aws-sdk/endpoint-cache`: DynamoDB's endpoint discovery, which is off unless configured. It keeps the part of the
 * API that cache calls (capacity constructor, get, set, has, peek, clear) in 30 lines instead of 7 KB. A default
 * export, as the cache's ESM build imports it (the bundles resolve `module` before `main`).
 */
export default class LruCache<K, V> {
  readonly #capacity: number;
  // A Map iterates in insertion order: the first key is the least recently used.
  readonly #entries = new Map<K, V>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** The value, without making it recently used. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.#entries.clear();
  }
}
