// Decides who gets a human task: by person or role, through delegation, never to someone who must not decide.
import type { Person, Role } from '#shared/people.ts';

export type AssigneeRule = { person: string } | { role: Role };

export interface AssignmentInput {
  rule: AssigneeRule;
  /**
   * The people the rule can reach, already loaded, by lower-case email: the named person, the role's members,
   * everyone on the manager chains involved, and the delegates of those who are away.
   */
  directory: ReadonlyMap<string, Person>;
  /** Open task counts by assignee email, for load balancing within a role. */
  openTasks: ReadonlyMap<string, number>;
  /**
   * People who must not decide: the subject's submitter (and whoever stands in for the submitter, so nobody approves
   * "their own" claim through a delegate), plus anyone who already decided an earlier level when the workflow says so.
   */
  excluded: ReadonlySet<string>;
  /** ISO date (`2026-11-22`) in the company's time zone, for delegation windows. */
  today: string;
}

export type Assignment =
  | {
      ok: true;
      assignee: string;
      /** The person the rule or the manager chain chose, when their delegate got the task instead. */
      onBehalfOf?: string;
      /** Human-readable steps taken, for the audit trail. */
      route: string[];
    }
  | { ok: false; reason: string; route: string[] };

/** The delegate's email if `today` is inside the delegation window (both ends inclusive), else undefined. */
export function delegateOf(person: Pick<Person, 'delegate'>, today: string): string | undefined {
  return activeDelegation(person, today)?.email;
}

/**
 * Who decides. A role goes to its least-loaded member who is not excluded (ties: smallest email); an away person's
 * task goes to their delegate, and on through delegates who are away too. When that lands on an excluded person,
 * loops, or nobody in a role is eligible, the task climbs the manager chain to the first manager who (through
 * delegation) can take it. Never throws for bad data: every dead end is `ok: false` with the reason.
 */
export function resolveAssignee(input: AssignmentInput): Assignment {
  const search = newSearch(input);
  const { rule } = input;
  if ('person' in rule) {
    const email = rule.person.toLowerCase();
    const person = input.directory.get(email);
    if (!person) return fail(search, `${email} is not in the directory`);
    search.route.push(`person ${email}`);
    const reached = reach(search, person);
    return reached.ok ? done(search, reached) : climbFrom(search, [{ person, why: reached.why }]);
  }
  return resolveRole(search, rule.role);
}

function resolveRole(search: Search, role: Role): Assignment {
  const members = [...search.directory.values()]
    .filter((person) => person.roles.includes(role))
    .sort((a, b) => compareEmails(a.email, b.email));
  if (members.length === 0) return fail(search, `nobody has the role ${role}`);

  const excludedMembers = members.filter((person) => isExcluded(search, person.email));
  for (const person of excludedMembers) search.route.push(`role ${role}: skip ${person.email} (excluded)`);

  const load = (person: Person) => search.openTasks.get(person.email.toLowerCase()) ?? 0;
  const candidates = members
    .filter((person) => !isExcluded(search, person.email))
    .sort((a, b) => load(a) - load(b) || compareEmails(a.email, b.email));

  // A member whose delegation dead-ends leaves the task to the next one: the role still has someone to do it.
  const blocked: DeadEnd[] = [];
  for (const person of candidates) {
    search.route.push(`role ${role} → ${person.email} (${load(person)} open tasks)`);
    const reached = reach(search, person);
    if (reached.ok) return done(search, reached);
    blocked.push({ person, why: reached.why });
  }

  const deadEnds = [
    ...excludedMembers.map((person) => ({ person, why: `${person.email} is excluded` })),
    ...blocked,
  ];
  return climbFrom(search, deadEnds, `role ${role}`);
}

type Reached = { ok: true; assignee: string; onBehalfOf?: string } | { ok: false; why: string };
type DeadEnd = { person: Person; why: string };

/** One resolution in progress: the inputs, normalised, and the route taken so far. */
interface Search {
  directory: ReadonlyMap<string, Person>;
  openTasks: ReadonlyMap<string, number>;
  excluded: ReadonlySet<string>;
  today: string;
  route: string[];
}

function newSearch(input: AssignmentInput): Search {
  // Callers build these from several sources; one stray capital must not let the submitter approve.
  const openTasks = new Map<string, number>();
  for (const [email, count] of input.openTasks) {
    const key = email.toLowerCase();
    openTasks.set(key, (openTasks.get(key) ?? 0) + count);
  }
  return {
    directory: input.directory,
    openTasks,
    excluded: new Set([...input.excluded].map((email) => email.toLowerCase())),
    today: input.today,
    route: [],
  };
}

function isExcluded(search: Search, email: string): boolean {
  return search.excluded.has(email.toLowerCase());
}

function done(search: Search, reached: Reached & { ok: true }): Assignment {
  const { assignee, onBehalfOf } = reached;
  return onBehalfOf === undefined
    ? { ok: true, assignee, route: search.route }
    : { ok: true, assignee, onBehalfOf, route: search.route };
}

function fail(search: Search, reason: string): Assignment {
  return { ok: false, reason, route: search.route };
}

/** `start` if present, else the end of their delegation chain, unless it runs into an excluded person or loops. */
function reach(search: Search, start: Person): Reached {
  if (isExcluded(search, start.email)) {
    search.route.push(`${start.email} is excluded`);
    return { ok: false, why: `${start.email} is excluded` };
  }
  const seen = new Set([start.email.toLowerCase()]);
  let current = start;
  for (;;) {
    const delegation = activeDelegation(current, search.today);
    if (!delegation) {
      // Mail to them bounces: a task they cannot be told about goes on, like an excluded person's.
      if (current.undeliverable) {
        search.route.push(`${current.email}'s address bounces`);
        return { ok: false, why: `${current.email}'s address bounces` };
      }
      return current === start
        ? { ok: true, assignee: start.email }
        : { ok: true, assignee: current.email, onBehalfOf: start.email };
    }
    const delegate = delegation.email.toLowerCase();
    search.route.push(`${current.email} away until ${delegation.until} → delegate ${delegate}`);
    // Following an excluded person's delegate would let the submitter pick who approves: stop there.
    if (isExcluded(search, delegate)) {
      search.route.push(`delegate ${delegate} is excluded`);
      return { ok: false, why: `${current.email} is away and their delegate ${delegate} is excluded` };
    }
    if (seen.has(delegate)) {
      search.route.push(`delegation loops back to ${delegate}`);
      return { ok: false, why: `${start.email} is away and their delegation loops back to ${delegate}` };
    }
    seen.add(delegate);
    const next = search.directory.get(delegate);
    if (!next) {
      // An admin named this delegate; not knowing their own absence is no reason to hold the task back.
      search.route.push(`delegate ${delegate} is not in the directory: their own absence is not checked`);
      return { ok: true, assignee: delegate, onBehalfOf: start.email };
    }
    current = next;
  }
}

/** Up the manager chain of each dead end in turn, to the first manager `reach` accepts; else every dead end named. */
function climbFrom(search: Search, deadEnds: readonly DeadEnd[], subject?: string): Assignment {
  const reasons: string[] = [];
  for (const { person, why } of deadEnds) {
    const reached = climb(search, person);
    if (reached.ok) return done(search, reached);
    reasons.push(`${why}, and ${reached.why}`);
  }
  return fail(search, `nobody eligible${subject ? ` for ${subject}` : ''}: ${reasons.join('; ')}`);
}

function climb(search: Search, from: Person): Reached {
  const seen = new Set([from.email.toLowerCase()]);
  let current = from;
  for (;;) {
    const managerEmail = current.manager?.toLowerCase();
    if (!managerEmail) return { ok: false, why: `${current.email} has no manager` };
    if (seen.has(managerEmail)) {
      search.route.push(`manager chain loops back to ${managerEmail}`);
      return { ok: false, why: `the manager chain above ${from.email} loops back to ${managerEmail}` };
    }
    seen.add(managerEmail);
    const manager = search.directory.get(managerEmail);
    if (!manager)
      return { ok: false, why: `${current.email}'s manager ${managerEmail} is not in the directory` };
    search.route.push(`${current.email} → manager ${managerEmail}`);
    const reached = reach(search, manager);
    if (reached.ok) return reached;
    current = manager;
  }
}

function activeDelegation(person: Pick<Person, 'delegate'>, today: string): Person['delegate'] {
  const delegation = person.delegate;
  // ISO dates compare correctly as strings.
  return delegation && delegation.from <= today && today <= delegation.until ? delegation : undefined;
}

function compareEmails(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
