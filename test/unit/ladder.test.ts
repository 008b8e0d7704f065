// The overdue ladder's one function: what comes next for an installment at any moment, and until when it waits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LadderStep, levelTime, planLadder, sendingTimeOn } from '#payment-collection/ladder.ts';
import type { Installment, Level } from '#payment-collection/model.ts';
import { readCollectionPolicy } from '#payment-collection/policy.ts';
import { addDays } from '#shared/clock.ts';

const policy = readCollectionPolicy(undefined);
const dueDate = '2027-03-10';
const day = 86_400_000;
/** 10:00 company time, `days` after the due date. */
const at = (days: number, hour = 10) =>
  new Date(Date.parse(`${addDays(dueDate, days)}T00:00:00+08:00`) + hour * 3_600_000);
const runStarted = at(-30);

function installment(overrides: Partial<Installment> = {}): Installment {
  return {
    id: 'CT-2027-00001-I1',
    version: 1,
    revision: 3,
    contractId: 'CT-2027-00001',
    number: 1,
    label: 'Advance',
    amount: { amount: 100_000_00, currency: 'CNY' },
    trigger: 'signing',
    dueDays: 30,
    owner: 'li.lei@example.com',
    customer: { name: 'East', email: 'buyer@east.example' },
    title: 'Lathes',
    status: 'SCHEDULED',
    billedOn: addDays(dueDate, -30),
    dueDate,
    paid: 0,
    payments: [],
    levels: [],
    promises: [],
    runs: 1,
    ...overrides,
  };
}

const done = (...levels: Level[]) => levels.map((level) => ({ level, at: at(level).toISOString() }));
const step = (i: Installment, now: Date, started = runStarted) => planLadder(i, now, started, policy).step;

describe('before the due date', () => {
  it('waits until 09:00 three days before, then reminds once', () => {
    expect(step(installment(), at(-10))).toEqual({
      next: 'wait-reminder',
      wakeAt: sendingTimeOn(addDays(dueDate, -3)).toISOString(),
    });
    expect(step(installment(), at(-3))).toEqual({ next: 'remind' });
    const reminded = installment({ remindedAt: at(-3).toISOString() });
    expect(step(reminded, at(-3))).toEqual({
      next: 'wait-due',
      wakeAt: levelTime(dueDate, 1, policy).toISOString(),
    });
  });

  it('sends no reminder once the due date has passed (a due date set late): level 1 comes instead', () => {
    expect(step(installment(), at(2))).toEqual({ next: 'level-1', level: 1, skipped: [] });
  });
});

describe('overdue', () => {
  const reminded = { remindedAt: at(-3).toISOString() };

  it('comes to each level at its day, 09:00, and waits for the next', () => {
    expect(levelTime(dueDate, 1, policy)).toEqual(sendingTimeOn('2027-03-11'));
    expect(step(installment(reminded), at(1))).toEqual({ next: 'level-1', level: 1, skipped: [] });
    expect(step(installment({ ...reminded, levels: done(1) }), at(1))).toEqual({
      next: 'wait-level-2',
      wakeAt: levelTime(dueDate, 2, policy).toISOString(),
    });
    expect(step(installment({ ...reminded, levels: done(1) }), at(15))).toEqual({
      next: 'level-2',
      level: 2,
      skipped: [],
    });
    expect(step(installment({ ...reminded, levels: done(1, 2, 3) }), at(60))).toEqual({
      next: 'level-4',
      level: 4,
      skipped: [],
    });
  });

  it('goes straight to the level days overdue call for after an outage, listing the ones it passed', () => {
    expect(step(installment(reminded), at(35))).toEqual({ next: 'level-3', level: 3, skipped: [1, 2] });
    expect(step(installment({ ...reminded, levels: done(1) }), at(61))).toEqual({
      next: 'level-4',
      level: 4,
      skipped: [2, 3],
    });
  });

  it('never takes a level twice, nor one below the highest taken, whatever the moment', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: -40, max: 200 }), (highest, days) => {
        const taken = done(...([1, 2, 3, 4] as Level[]).slice(0, highest));
        const next = step(installment({ ...reminded, levels: taken }), at(days));
        if ('level' in next) expect(next.level).toBeGreaterThan(highest);
        if (highest === 4) expect(next.next).toBe('with-legal');
      }),
    );
  });

  it('always waits for a moment still to come, and never past the run’s length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: -40, max: 200 }),
        fc.integer({ min: 0, max: 299 }),
        (highest, days, runAge) => {
          const now = at(days);
          const started = new Date(now.getTime() - runAge * day);
          const taken = done(...([1, 2, 3, 4] as Level[]).slice(0, highest));
          const next = step(installment({ levels: taken }), now, started) as LadderStep & { wakeAt?: string };
          if (next.wakeAt) {
            expect(Date.parse(next.wakeAt)).toBeGreaterThan(now.getTime());
            expect(Date.parse(next.wakeAt)).toBeLessThanOrEqual(started.getTime() + policy.runDays * day);
          }
        },
      ),
    );
  });
});

describe('what pauses or ends it', () => {
  const promise = {
    promisedDate: addDays(dueDate, 10),
    by: 'li.lei@example.com',
    at: at(2).toISOString(),
    state: 'open' as const,
  };

  it('waits for a promise until its grace days have passed', () => {
    expect(step(installment({ promises: [promise], levels: done(1) }), at(12))).toEqual({
      next: 'wait-promise',
      wakeAt: sendingTimeOn(addDays(dueDate, 14)).toISOString(),
    });
  });

  it('finds a promise broken once its grace has passed unpaid, and goes on where the ladder stands', () => {
    const plan = planLadder(
      installment({ promises: [promise], levels: done(1) }),
      at(16),
      runStarted,
      policy,
    );
    expect(plan.brokenPromise).toEqual(promise);
    // Level 2's day (15) passed during the promise: it comes at once.
    expect(plan.step).toEqual({ next: 'level-2', level: 2, skipped: [] });
  });

  it('stops for an open dispute, and ends when paid, written off, or with legal', () => {
    const dispute = {
      reason: 'damaged',
      by: 'li.lei@example.com',
      at: at(2).toISOString(),
      state: 'open' as const,
    };
    expect(step(installment({ dispute }), at(20))).toEqual({ next: 'dispute' });
    expect(step(installment({ dispute: { ...dispute, state: 'settled' }, levels: done(1) }), at(20))).toEqual(
      {
        next: 'level-2',
        level: 2,
        skipped: [],
      },
    );
    expect(step(installment({ paid: 100_000_00, status: 'PAID' }), at(20))).toEqual({ next: 'paid' });
    expect(step(installment({ status: 'WRITTEN_OFF' }), at(20))).toEqual({ next: 'written-off' });
    expect(step(installment({ status: 'LEGAL' }), at(20))).toEqual({ next: 'with-legal' });
  });

  it('hands over to the next run once this one has lasted its length', () => {
    const started = new Date(at(5).getTime() - policy.runDays * day);
    expect(step(installment(), at(5), started)).toEqual({ next: 'continue' });
  });

  it('refuses to plan an installment without a due date: its collection cannot have started', () => {
    const { dueDate: _none, ...undated } = installment();
    expect(() => step(undated as Installment, at(0))).toThrow(/no due date/);
  });
});

describe('the policy', () => {
  it('refuses a ladder out of order, naming COLLECTION_POLICY', () => {
    expect(() => readCollectionPolicy('{"ladder": {"level1": 20, "level2": 15}}')).toThrow(
      /COLLECTION_POLICY.*in order/,
    );
    expect(readCollectionPolicy('{"promiseGraceDays": 5}').promiseGraceDays).toBe(5);
  });
});
