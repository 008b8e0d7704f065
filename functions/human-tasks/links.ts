// Task link secrets and page nonces: 256-bit secrets stored only as SHA-256, nonces that prove a rendered page.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh link secret (256 bits) and the hash that is all the table ever keeps of it. */
export function newLinkSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

/**
 * The secret of a task's first link, derived from the task token with a key kept outside the table: when the same step
 * opens twice (its Lambda ran again after a retry or a crash), the same link is mailed again instead of voiding the one
 * already in the assignee's inbox, and reading the table (which holds the token) is not enough to rebuild it. A new
 * key only means a step that opens again mails a fresh link. Reminder and escalation links are random.
 */
export function openingLinkSecret(
  linkKey: string,
  taskToken: string,
  taskId: string,
): { secret: string; hash: string } {
  const secret = createHmac('sha256', linkKey)
    .update(`opening-link|${taskId}|${taskToken}`)
    .digest('base64url');
  return { secret, hash: hashSecret(secret) };
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Task ids: 128 random bits, unguessable, URL-safe. */
export const newTaskId = () => randomBytes(16).toString('base64url');

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** How long a rendered form stays valid: long enough to read a contract, short enough to limit a leaked page. */
const nonceLifetimeMs = 8 * 60 * 60 * 1000;

/**
 * The per-page nonce: rendered-at time plus an HMAC keyed by the link's hash, which never leaves the server. A POST
 * must carry one from a page rendered for the current link, so a blind POST with a scanned secret is refused and a
 * page rendered before a reassignment stops working. Stateless, so GET stays free of writes.
 */
export function pageNonce(taskId: string, linkHash: string, renderedAt: Date): string {
  const at = renderedAt.getTime().toString(36);
  return `${at}.${nonceMac(taskId, linkHash, at)}`;
}

export function checkNonce(
  nonce: string,
  taskId: string,
  linkHash: string,
  now: Date,
): 'valid' | 'invalid' | 'stale' {
  const [at, mac] = nonce.split('.');
  if (!at || !mac) return 'invalid';
  const expected = Buffer.from(nonceMac(taskId, linkHash, at));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  const age = now.getTime() - Number.parseInt(at, 36);
  return age >= -60_000 && age <= nonceLifetimeMs ? 'valid' : 'stale';
}

function nonceMac(taskId: string, linkHash: string, at: string): string {
  return createHmac('sha256', Buffer.from(linkHash, 'hex')).update(`${taskId}|${at}`).digest('base64url');
}
