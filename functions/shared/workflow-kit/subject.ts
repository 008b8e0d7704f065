// What an execution carries about its business object: its kind, id and version; never the document itself.
import * as z from 'zod/mini';
import { subjectIdPattern } from '../business-ids.ts';

/**
 * `{kind: 'expense-claim', id: 'EX-2026-00012', version: 2}`. The version is the subject's business version (a
 * claim's second filing, a contract's revision); a step refuses to act on any other.
 */
export const subjectRefSchema = z.strictObject({
  kind: z.string().check(z.regex(/^[a-z][a-z-]*$/, 'a subject kind is a lower-case slug')),
  id: z.string().check(z.regex(subjectIdPattern, 'a business id looks like EX-2026-00012')),
  version: z.int().check(z.positive()),
});
export type SubjectRef = z.infer<typeof subjectRefSchema>;

/** What every business object the kit handles has. */
export interface Subject {
  id: string;
  /** The business version the current review is about. */
  version: number;
  status: string;
  /** Optimistic-locking counter of the stored item; every save expects the one it read. */
  revision: number;
  /** Set when a step failed in a way no retry fixes (DESIGN §2 "Every failure has a place to go"). */
  attention?: Attention;
  /** When the review of this version ended, and when its requester was told. */
  closedAt?: string;
  endedMailAt?: string;
  /** The notices sent about it, by key (workflow-kit/notices.ts): each goes out once. */
  told?: string[];
}

export interface Attention {
  at: string;
  /** The workflow's slug: the subject is counted in its NEEDS_ATTENTION gauge until it leaves that status. */
  workflow: string;
  /** The error's name (`ConditionalCheckFailedException`, `NoAssignee`…) and its message, for ops. */
  error: string;
  cause: string;
  executionArn: string;
}

/** The execution of one version's review: a retried start with the same name is the same execution. */
export const executionName = (ref: Pick<SubjectRef, 'id' | 'version'>): string => `${ref.id}-r${ref.version}`;

/** A step found the subject in another version than the execution is about: not retryable, ops must look. */
export class StaleSubject extends Error {
  override name = 'StaleSubject';
}

/** The subject the execution is about does not exist (deleted, or a wrong id in the input). */
export class MissingSubject extends Error {
  override name = 'MissingSubject';
}
