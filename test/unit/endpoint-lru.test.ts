// The Map-based LRU that stands in for mnemonist's in Lambda bundles, alone and under the SDK's endpoint cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import LruCache from '#shared/endpoint-lru.ts';
import { buildLambda } from '../../bench/lambda-build.ts';

describe('the endpoint LRU', () => {
  it('forgets the least recently used entry past its capacity; get makes an entry recent, peek does not', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.peek('a')).toBe(1); // a stays the oldest
    cache.set('d', 4);
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([false, true, true]);
    cache.set('c', 30); // overwriting refreshes too
    cache.set('e', 5);
    expect([cache.get('c'), cache.has('d'), cache.size]).toEqual([30, false, 2]);
    cache.clear();
    expect([cache.size, cache.get('c')]).toEqual([0, undefined]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
    expect(() => new LruCache(1.5)).toThrow(RangeError);
  });

  it('serves the SDK’s endpoint cache in a bundle built with the stack’s aliases, without mnemonist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'endpoint-lru-'));
    try {
      // The package itself as the entry: resolved from the repository, as a handler's imports are.
      const inputs = Object.keys((await buildLambda('@aws-sdk/endpoint-cache', join(dir, 'out.mjs'))).inputs);
      expect(inputs.some((path) => path.includes('mnemonist'))).toBe(false);
      expect(inputs.some((path) => path.endsWith('functions/shared/endpoint-lru.ts'))).toBe(true);

      const { EndpointCache } = await import(pathToFileURL(join(dir, 'out.mjs')).href);
      const cache = new EndpointCache(1);
      cache.set('dynamodb', [{ Address: 'dynamodb.example.com', CachePeriodInMinutes: 1 }]);
      expect(cache.has('dynamodb')).toBe(true);
      expect(cache.getEndpoint('dynamodb')).toBe('dynamodb.example.com');
      cache.set('other', [{ Address: 'other.example.com', CachePeriodInMinutes: 1 }]);
      expect(cache.has('dynamodb')).toBe(false);
      cache.delete('other');
      expect(cache.getEndpoint('other')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
