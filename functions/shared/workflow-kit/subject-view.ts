// What GET /<subjects>/{id} shows: the subject, its reviews, who has it now, and the trail; to those involved only.
import type { TaskRepository } from '#human-tasks/task-repository.ts';
import type { AuditEntry, AuditTrail } from '../audit.ts';
import { forbidden, notFound } from '../errors.ts';
import type { Role } from '../people.ts';
import type { StoredPerson } from '../people-repository.ts';
import type { Review, ReviewStore } from './reviews.ts';
import type { Attention, Subject } from './subject.ts';
import type { Workflow } from './workflow.ts';

export interface ViewDeps {
  reviews: Pick<ReviewStore, 'of'>;
  tasks: Pick<TaskRepository, 'ofSubject'>;
  audit: Pick<AuditTrail, 'of'>;
}

/** A subject as its readers see it. */
export type SubjectView<S extends Subject> = Omit<S, 'revision' | 'endedMailAt' | 'attention'> & {
  attention?: Attention | Pick<Attention, 'at'>;
  currentStep?: { step: string; assignee: string; since: string };
  reviews: Omit<Review, 'subjectId' | 'taskId'>[];
  trail: AuditEntry[];
};

/**
 * The subject for `reader`, who must be involved (its requester, a reviewer, its current assignee) or hold one of
 * `readerRoles`. The failure details of a subject needing attention are for admins; others see that it does.
 */
export async function viewSubject<S extends Subject, D>(
  workflow: Workflow<S, D>,
  deps: D,
  kit: ViewDeps,
  id: string,
  reader: StoredPerson,
  readerRoles: readonly Role[],
): Promise<SubjectView<S>> {
  const subject = await workflow.subjects(deps).get(id);
  if (!subject) throw notFound(`${workflow.words.subject.en} ${id}`);
  const [reviews, tasks] = await Promise.all([kit.reviews.of(id), kit.tasks.ofSubject(id)]);
  const open = tasks.filter((task) => task.status === 'PENDING').at(-1);
  const involved = new Set([workflow.requester(subject), ...reviews.map((r) => r.by), open?.assignee]);
  if (!involved.has(reader.email) && !reader.roles.some((role) => readerRoles.includes(role))) {
    throw forbidden(`You are not involved in ${id}`);
  }
  const { revision: _revision, endedMailAt: _mailed, attention, ...view } = subject;
  const currentStep = open && {
    step: open.workflow.stateName,
    assignee: open.assignee,
    since: open.openedAt,
  };
  return {
    ...view,
    ...(attention ? { attention: attentionFor(reader, attention) } : {}),
    currentStep,
    reviews: reviews.map(({ subjectId: _s, taskId: _t, ...review }) => review),
    trail: await kit.audit.of(id),
  };
}

/** Why a subject needs attention is for admins (the error, its cause, the execution); others see since when. */
export function attentionFor(
  reader: Pick<StoredPerson, 'roles'>,
  attention: Attention,
): Attention | Pick<Attention, 'at'> {
  return reader.roles.includes('admin') ? attention : { at: attention.at };
}
