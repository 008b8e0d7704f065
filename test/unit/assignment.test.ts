// Task routing: person and role rules, delegation, load balancing and segregation of duties.
import { describe, expect, it } from 'vitest';
import { type AssignmentInput, delegateOf, resolveAssignee } from '#human-tasks/assignment.ts';
import type { Person, Role } from '#shared/people.ts';

const today = '2026-11-20';

function person(email: string, fields: Partial<Omit<Person, 'email'>> = {}): Person {
  return { email, name: email.split('@')[0] ?? email, roles: ['sales'], locale: 'zh-CN', ...fields };
}

function away(delegate: string, from = '2026-11-16', until = '2026-11-30'): Person['delegate'] {
  return { email: delegate, from, until };
}

function input(people: Person[], overrides: Partial<AssignmentInput>): AssignmentInput {
  return {
    rule: { person: 'nobody@example.com' },
    directory: new Map(people.map((p) => [p.email, p])),
    openTasks: new Map(),
    excluded: new Set(),
    today,
    ...overrides,
  };
}

const byPerson = (email: string) => ({ rule: { person: email } });
const byRole = (role: Role) => ({ rule: { role } });

describe('delegateOf', () => {
  const li = person('li.na@example.com', {
    delegate: away('wang.wu@example.com', '2026-11-16', '2026-11-30'),
  });

  it('is the delegate on both ends of the window, inclusive', () => {
    expect(delegateOf(li, '2026-11-16')).toBe('wang.wu@example.com');
    expect(delegateOf(li, '2026-11-30')).toBe('wang.wu@example.com');
  });

  it('is undefined just outside the window and without a delegate', () => {
    expect(delegateOf(li, '2026-11-15')).toBeUndefined();
    expect(delegateOf(li, '2026-12-01')).toBeUndefined();
    expect(delegateOf(person('zhao@example.com'), today)).toBeUndefined();
  });
});

describe('resolveAssignee by person', () => {
  it('assigns a present person directly', () => {
    const result = resolveAssignee(input([person('li.na@example.com')], byPerson('Li.Na@Example.com')));
    expect(result).toEqual({ ok: true, assignee: 'li.na@example.com', route: ['person li.na@example.com'] });
  });

  it('hands an away person’s task to their delegate, on their behalf', () => {
    const people = [
      person('li.na@example.com', { delegate: away('wang.wu@example.com') }),
      person('wang.wu@example.com'),
    ];
    expect(resolveAssignee(input(people, byPerson('li.na@example.com')))).toEqual({
      ok: true,
      assignee: 'wang.wu@example.com',
      onBehalfOf: 'li.na@example.com',
      route: [
        'person li.na@example.com',
        'li.na@example.com away until 2026-11-30 → delegate wang.wu@example.com',
      ],
    });
  });

  it('delegates on the first and last day of the window, not the day after', () => {
    const people = [
      person('li.na@example.com', { delegate: away('wang.wu@example.com', '2026-11-20', '2026-11-24') }),
      person('wang.wu@example.com'),
    ];
    const on = (day: string) =>
      resolveAssignee(input(people, { ...byPerson('li.na@example.com'), today: day }));
    expect(on('2026-11-20')).toMatchObject({ assignee: 'wang.wu@example.com' });
    expect(on('2026-11-24')).toMatchObject({ assignee: 'wang.wu@example.com' });
    expect(on('2026-11-25')).toMatchObject({ assignee: 'li.na@example.com' });
    expect(on('2026-11-19')).toMatchObject({ assignee: 'li.na@example.com' });
  });

  it('passes the task on when the delegate is away too, still on behalf of the original person', () => {
    const people = [
      person('li.na@example.com', { delegate: away('wang.wu@example.com') }),
      person('wang.wu@example.com', { delegate: away('zhao.liu@example.com') }),
      person('zhao.liu@example.com'),
    ];
    expect(resolveAssignee(input(people, byPerson('li.na@example.com')))).toMatchObject({
      ok: true,
      assignee: 'zhao.liu@example.com',
      onBehalfOf: 'li.na@example.com',
    });
  });

  it('goes to the manager when delegation loops and everyone on the loop is away', () => {
    const people = [
      person('li.na@example.com', { delegate: away('wang.wu@example.com'), manager: 'boss@example.com' }),
      person('wang.wu@example.com', { delegate: away('li.na@example.com') }),
      person('boss@example.com'),
    ];
    const result = resolveAssignee(input(people, byPerson('li.na@example.com')));
    expect(result).toMatchObject({ ok: true, assignee: 'boss@example.com' });
    expect(result.ok && result.onBehalfOf).toBeFalsy();
    expect(result.route).toContain('delegation loops back to li.na@example.com');
  });

  it('fails with a reason when delegation loops and there is no manager', () => {
    const people = [person('li.na@example.com', { delegate: away('li.na@example.com') })];
    const result = resolveAssignee(input(people, byPerson('li.na@example.com')));
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.reason).toBe(
      'nobody eligible: li.na@example.com is away and their delegation loops back to li.na@example.com, ' +
        'and li.na@example.com has no manager',
    );
  });

  it('never assigns the submitter: the task climbs to their manager', () => {
    const people = [person('rep@example.com', { manager: 'sup@example.com' }), person('sup@example.com')];
    const result = resolveAssignee(
      input(people, { ...byPerson('rep@example.com'), excluded: new Set(['REP@example.com']) }),
    );
    expect(result).toMatchObject({ ok: true, assignee: 'sup@example.com' });
    expect(result.route).toEqual([
      'person rep@example.com',
      'rep@example.com is excluded',
      'rep@example.com → manager sup@example.com',
    ]);
  });

  it('skips an excluded manager too and goes on up the chain', () => {
    const people = [
      person('rep@example.com', { manager: 'sup@example.com' }),
      person('sup@example.com', { manager: 'mgr@example.com' }),
      person('mgr@example.com'),
    ];
    const excluded = new Set(['rep@example.com', 'sup@example.com']);
    expect(resolveAssignee(input(people, { ...byPerson('rep@example.com'), excluded }))).toMatchObject({
      ok: true,
      assignee: 'mgr@example.com',
    });
  });

  it('skips a delegate who is the submitter: the away person’s manager decides instead', () => {
    const people = [
      person('sup@example.com', { delegate: away('rep@example.com'), manager: 'mgr@example.com' }),
      person('rep@example.com', { manager: 'sup@example.com' }),
      person('mgr@example.com'),
    ];
    const result = resolveAssignee(
      input(people, { ...byPerson('sup@example.com'), excluded: new Set(['rep@example.com']) }),
    );
    expect(result).toMatchObject({ ok: true, assignee: 'mgr@example.com' });
    expect(result.route).toContain('delegate rep@example.com is excluded');
  });

  it('applies delegation to the manager the chain reaches', () => {
    const people = [
      person('rep@example.com', { manager: 'sup@example.com' }),
      person('sup@example.com', { delegate: away('deputy@example.com') }),
      person('deputy@example.com'),
    ];
    const result = resolveAssignee(
      input(people, { ...byPerson('rep@example.com'), excluded: new Set(['rep@example.com']) }),
    );
    expect(result).toMatchObject({ ok: true, assignee: 'deputy@example.com', onBehalfOf: 'sup@example.com' });
  });

  it('fails with a reason on a manager-chain cycle', () => {
    const people = [
      person('rep@example.com', { manager: 'sup@example.com' }),
      person('sup@example.com', { manager: 'rep@example.com' }),
    ];
    const excluded = new Set(['rep@example.com', 'sup@example.com']);
    const result = resolveAssignee(input(people, { ...byPerson('rep@example.com'), excluded }));
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.reason).toMatch(
      /manager chain above rep@example\.com loops back to rep@example\.com/,
    );
  });

  it('fails with a reason when a manager is not in the directory', () => {
    const people = [person('rep@example.com', { manager: 'ghost@example.com' })];
    const result = resolveAssignee(
      input(people, { ...byPerson('rep@example.com'), excluded: new Set(['rep@example.com']) }),
    );
    expect(!result.ok && result.reason).toMatch(/manager ghost@example\.com is not in the directory/);
  });

  it('fails with a reason when the named person is unknown', () => {
    expect(resolveAssignee(input([], byPerson('ghost@example.com')))).toMatchObject({
      ok: false,
      reason: 'ghost@example.com is not in the directory',
    });
  });
});

describe('resolveAssignee by role', () => {
  const legal = (email: string, fields: Partial<Omit<Person, 'email'>> = {}) =>
    person(email, { roles: ['legal'], ...fields });

  it('picks the member with the fewest open tasks', () => {
    const people = [legal('a@example.com'), legal('b@example.com'), person('c@example.com')];
    const openTasks = new Map([
      ['a@example.com', 3],
      ['b@example.com', 1],
      ['c@example.com', 0],
    ]);
    expect(resolveAssignee(input(people, { ...byRole('legal'), openTasks }))).toMatchObject({
      ok: true,
      assignee: 'b@example.com',
    });
  });

  it('breaks ties by email, whatever the directory order; no count means zero', () => {
    const people = [legal('zed@example.com'), legal('amy@example.com'), legal('bob@example.com')];
    const openTasks = new Map([['bob@example.com', 1]]);
    expect(resolveAssignee(input(people, { ...byRole('legal'), openTasks }))).toMatchObject({
      ok: true,
      assignee: 'amy@example.com',
    });
  });

  it('skips an excluded member even when they have the fewest tasks', () => {
    const people = [legal('a@example.com'), legal('b@example.com')];
    const openTasks = new Map([['b@example.com', 5]]);
    const result = resolveAssignee(
      input(people, { ...byRole('legal'), openTasks, excluded: new Set(['a@example.com']) }),
    );
    expect(result).toMatchObject({ ok: true, assignee: 'b@example.com' });
    expect(result.route[0]).toBe('role legal: skip a@example.com (excluded)');
  });

  it('hands the chosen member’s task to their delegate when they are away', () => {
    const people = [
      legal('li.na@example.com', { delegate: away('wang.wu@example.com') }),
      person('wang.wu@example.com'),
    ];
    expect(resolveAssignee(input(people, byRole('legal')))).toEqual({
      ok: true,
      assignee: 'wang.wu@example.com',
      onBehalfOf: 'li.na@example.com',
      route: [
        'role legal → li.na@example.com (0 open tasks)',
        'li.na@example.com away until 2026-11-30 → delegate wang.wu@example.com',
      ],
    });
  });

  it('moves to the next member when the chosen one’s delegate is excluded', () => {
    const people = [legal('a@example.com', { delegate: away('rep@example.com') }), legal('b@example.com')];
    const openTasks = new Map([['b@example.com', 4]]);
    const result = resolveAssignee(
      input(people, { ...byRole('legal'), openTasks, excluded: new Set(['rep@example.com']) }),
    );
    expect(result).toMatchObject({ ok: true, assignee: 'b@example.com' });
  });

  it('climbs the excluded member’s manager chain when nobody else has the role', () => {
    const people = [legal('li.na@example.com', { manager: 'head@example.com' }), person('head@example.com')];
    const result = resolveAssignee(
      input(people, { ...byRole('legal'), excluded: new Set(['li.na@example.com']) }),
    );
    expect(result).toMatchObject({ ok: true, assignee: 'head@example.com' });
  });

  it('fails with a reason when the only member is excluded and has no manager', () => {
    const people = [legal('li.na@example.com')];
    const result = resolveAssignee(
      input(people, { ...byRole('legal'), excluded: new Set(['li.na@example.com']) }),
    );
    expect(result).toMatchObject({
      ok: false,
      reason:
        'nobody eligible for role legal: li.na@example.com is excluded, and li.na@example.com has no manager',
    });
  });

  it('fails with a reason when nobody has the role', () => {
    expect(resolveAssignee(input([person('a@example.com')], byRole('legal')))).toMatchObject({
      ok: false,
      reason: 'nobody has the role legal',
    });
  });
});
