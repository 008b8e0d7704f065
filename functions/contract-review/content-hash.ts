// Canonical JSON and the SHA-256 content hash that approvals are bound to, independent of key order.
import { createHash } from 'node:crypto';
import type { ContractContent } from './model.ts';

/**
 * `value` as JSON with every object's keys sorted (by UTF-16 code units, recursively) and no whitespace; arrays
 * keep their order, since the order of terms and items is part of the contract. Like JSON.stringify, `toJSON` is
 * honoured, keys whose value is undefined (or a function or symbol) are left out and such array entries become
 * null, so an absent optional field and one set to undefined read the same.
 */
export function canonicalJson(value: unknown): string {
  const text = encode(value);
  if (text === undefined) throw new TypeError(`${typeof value} cannot be represented as JSON`);
  return text;
}

/** SHA-256 (lower-case hex) of the content's canonical JSON. */
export function contentHash(content: ContractContent): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

function encode(input: unknown): string | undefined {
  const value = hasToJson(input) ? input.toJSON() : input;
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item: unknown) => encode(item) ?? 'null').join(',')}]`;
  // Built as text, not as a sorted object: JS would put integer-like keys first again, and `__proto__` is a trap.
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const encoded = encode(record[key]);
    if (encoded !== undefined) members.push(`${JSON.stringify(key)}:${encoded}`);
  }
  return `{${members.join(',')}}`;
}

function hasToJson(value: unknown): value is { toJSON: () => unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  );
}
