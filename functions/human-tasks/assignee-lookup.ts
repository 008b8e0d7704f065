// Loads what assignee resolution needs from the directory (candidates, managers, delegates, workloads) and resolves.
import type { Clock } from '#shared/clock.ts';
import { localDate } from '#shared/clock.ts';
import type { Person } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import { type AssigneeRule, type Assignment, delegateOf, resolveAssignee } from './assignment.ts';
import type { TaskRepository } from './task-repository.ts';

/** Manager chains longer than this are treated as broken data rather than walked for ever. */
const maxChainDepth = 12;

export interface AssignmentRequest {
  rule: AssigneeRule;
  /** The subject's owner: never the decider, nor anyone standing in for them, unless `requesterMayDecide`. */
  requester: string;
  requesterMayDecide?: boolean;
  excluded: readonly string[];
}

export async function findAssignee(
  deps: { people: PeopleRepository; tasks: TaskRepository; clock: Clock },
  request: AssignmentRequest,
): Promise<Assignment> {
  const today = localDate(deps.clock.now());
  const directory = new Map<string, Person>();
  const add = (people: readonly Person[]) => {
    for (const person of people) directory.set(person.email, person);
  };
  if ('role' in request.rule) add(await deps.people.membersOf(request.rule.role));
  const requester = await deps.people.get(request.requester);
  add(requester ? [requester] : []);
  const seeds = 'person' in request.rule ? [request.rule.person, ...request.excluded] : [...request.excluded];
  add(await deps.people.getMany(seeds));

  // Walk outwards: managers and delegates of everyone loaded, until nothing new appears.
  for (let depth = 0; depth < maxChainDepth; depth++) {
    const missing = new Set<string>();
    for (const person of directory.values()) {
      for (const next of [person.manager, person.delegate?.email])
        if (next && !directory.has(next)) missing.add(next);
    }
    if (missing.size === 0) break;
    const found = await deps.people.getMany([...missing]);
    if (found.length === 0) break;
    add(found);
  }

  const excluded = new Set(request.excluded);
  if (!request.requesterMayDecide) {
    excluded.add(request.requester);
    for (const standIn of standInsFor(requester, directory, today)) excluded.add(standIn);
  }

  const openTasks = new Map<string, number>();
  if ('role' in request.rule) {
    const members = [...directory.values()].filter(
      (p) => 'role' in request.rule && p.roles.includes(request.rule.role),
    );
    const counts = await Promise.all(members.map((p) => deps.tasks.countOpenFor(p.email)));
    for (const [i, person] of members.entries()) openTasks.set(person.email, counts[i] ?? 0);
  }
  return resolveAssignee({ rule: request.rule, directory, openTasks, excluded, today });
}

/**
 * Who acts for `person` today: their delegate, and on down the chain when that delegate is away too, since a task for
 * `person` would reach the end of it. Deciding the requester's own subject in their stead is deciding it as them.
 */
function standInsFor(
  person: Person | undefined,
  directory: ReadonlyMap<string, Person>,
  today: string,
): string[] {
  const standIns: string[] = [];
  let current = person;
  while (current) {
    const delegate = delegateOf(current, today)?.toLowerCase();
    if (!delegate || delegate === person?.email || standIns.includes(delegate)) break;
    standIns.push(delegate);
    current = directory.get(delegate);
  }
  return standIns;
}
