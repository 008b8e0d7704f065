// SLA arithmetic: business days across weekends and month ends, in the company's UTC+8 time zone.
import { describe, expect, it } from 'vitest';
import { addDuration, businessDaysBetween, type SlaPolicy, slaSchedule } from '#human-tasks/sla.ts';

/** A wall-clock time in Shanghai (UTC+8). */
const cst = (local: string) => new Date(`${local}:00+08:00`);

// 2026-11-20 is a Friday; 2026-04-30 a Thursday.
describe('addDuration with business days', () => {
  it('keeps the time of day and skips the weekend from a Friday', () => {
    expect(addDuration(cst('2026-11-20T15:00'), { businessDays: 1 })).toEqual(cst('2026-11-23T15:00'));
    expect(addDuration(cst('2026-11-20T15:00'), { businessDays: 2 })).toEqual(cst('2026-11-24T15:00'));
  });

  it('lands on the same weekday a week later for 5 business days, two weeks later for 10', () => {
    expect(addDuration(cst('2026-11-18T10:30'), { businessDays: 5 })).toEqual(cst('2026-11-25T10:30'));
    expect(addDuration(cst('2026-11-18T10:30'), { businessDays: 10 })).toEqual(cst('2026-12-02T10:30'));
  });

  it('returns a weekday start unchanged for zero business days', () => {
    expect(addDuration(cst('2026-11-18T10:30'), { businessDays: 0 })).toEqual(cst('2026-11-18T10:30'));
  });

  it('counts a weekend start from Monday 09:00 local', () => {
    expect(addDuration(cst('2026-11-21T10:00'), { businessDays: 0 })).toEqual(cst('2026-11-23T09:00'));
    expect(addDuration(cst('2026-11-21T10:00'), { businessDays: 1 })).toEqual(cst('2026-11-24T09:00'));
    expect(addDuration(cst('2026-11-22T23:59'), { businessDays: 2 })).toEqual(cst('2026-11-25T09:00'));
  });

  it('crosses a month end', () => {
    expect(addDuration(cst('2026-04-30T16:00'), { businessDays: 2 })).toEqual(cst('2026-05-04T16:00'));
  });

  it('decides weekday and weekend in local time: UTC Friday 20:00 is already Saturday in UTC+8', () => {
    const fridayEveningUtc = new Date('2026-11-20T20:00:00Z');
    expect(addDuration(fridayEveningUtc, { businessDays: 1 })).toEqual(cst('2026-11-24T09:00'));
    // The same moment in a UTC company is still Friday.
    expect(addDuration(fridayEveningUtc, { businessDays: 1 }, { utcOffsetMinutes: 0 })).toEqual(
      new Date('2026-11-23T20:00:00Z'),
    );
  });

  it('treats UTC Sunday 17:00 as Monday 01:00 local, a business day', () => {
    expect(addDuration(new Date('2026-11-22T17:00:00Z'), { businessDays: 1 })).toEqual(
      cst('2026-11-24T01:00'),
    );
  });
});

describe('addDuration with hours and days', () => {
  it('adds elapsed hours straight through the weekend', () => {
    expect(addDuration(cst('2026-11-20T15:00'), { hours: 24 })).toEqual(cst('2026-11-21T15:00'));
    expect(addDuration(cst('2026-11-20T15:00'), { hours: 1.5 })).toEqual(cst('2026-11-20T16:30'));
  });

  it('adds calendar days including weekends', () => {
    expect(addDuration(cst('2026-11-20T15:00'), { days: 2 })).toEqual(cst('2026-11-22T15:00'));
  });
});

describe('addDuration validation', () => {
  const start = cst('2026-11-20T15:00');

  it('rejects negative or fractional business days', () => {
    expect(() => addDuration(start, { businessDays: -1 })).toThrow(
      new RangeError('businessDays must be a non-negative number, got -1'),
    );
    expect(() => addDuration(start, { businessDays: 1.5 })).toThrow(
      new RangeError('businessDays must be a whole number, got 1.5'),
    );
  });

  it('rejects negative hours, fractional days, an invalid date, a bad offset and a mixed duration', () => {
    expect(() => addDuration(start, { hours: -2 })).toThrow(RangeError);
    expect(() => addDuration(start, { days: 0.5 })).toThrow(RangeError);
    expect(() => addDuration(new Date('nope'), { days: 1 })).toThrow(/start must be a valid date/);
    expect(() => addDuration(start, { days: 1 }, { utcOffsetMinutes: 2000 })).toThrow(/utcOffsetMinutes/);
    const mixed = { days: 1, hours: 2 } as unknown as { days: number };
    expect(() => addDuration(start, mixed)).toThrow(/exactly one of/);
  });
});

describe('slaSchedule', () => {
  const policy: SlaPolicy = { reminderAfter: { businessDays: 1 }, escalateAfter: { businessDays: 3 } };

  it('reminds and escalates in business days by default', () => {
    expect(slaSchedule(cst('2026-11-20T15:00'), policy)).toEqual({
      remindAt: cst('2026-11-23T15:00'),
      escalateAt: cst('2026-11-25T15:00'),
    });
  });

  it('counts business days as calendar days on a calendar-days policy', () => {
    expect(slaSchedule(cst('2026-11-20T15:00'), { ...policy, calendar: 'calendar-days' })).toEqual({
      remindAt: cst('2026-11-21T15:00'),
      escalateAt: cst('2026-11-23T15:00'),
    });
  });

  it('mixes units and accepts escalation at the reminder time', () => {
    const sameTime: SlaPolicy = { reminderAfter: { hours: 24 }, escalateAfter: { days: 1 } };
    const { remindAt, escalateAt } = slaSchedule(cst('2026-11-20T15:00'), sameTime);
    expect(escalateAt).toEqual(remindAt);
  });

  it('throws when escalation would come before the reminder', () => {
    // 8 elapsed hours from Friday 15:00 is before 1 business day (Monday 15:00).
    const backwards: SlaPolicy = { reminderAfter: { businessDays: 1 }, escalateAfter: { hours: 8 } };
    expect(() => slaSchedule(cst('2026-11-20T15:00'), backwards)).toThrow(
      new RangeError('escalateAfter (hours: 8) must not come before reminderAfter (businessDays: 1)'),
    );
  });
});

describe('businessDaysBetween', () => {
  it('counts whole business days elapsed across a weekend', () => {
    const friday = cst('2026-11-20T15:00');
    expect(businessDaysBetween(friday, cst('2026-11-22T20:00'))).toBe(0);
    expect(businessDaysBetween(friday, cst('2026-11-23T14:59'))).toBe(0);
    expect(businessDaysBetween(friday, cst('2026-11-23T15:00'))).toBe(1);
    expect(businessDaysBetween(friday, cst('2026-11-24T15:00'))).toBe(2);
    expect(businessDaysBetween(friday, cst('2026-11-28T10:00'))).toBe(5);
  });

  it('starts a weekend start at Monday 09:00 local, like addDuration', () => {
    expect(businessDaysBetween(cst('2026-11-21T10:00'), cst('2026-11-24T08:59'))).toBe(0);
    expect(businessDaysBetween(cst('2026-11-21T10:00'), cst('2026-11-24T09:00'))).toBe(1);
  });

  it('is negative when `to` comes first', () => {
    expect(businessDaysBetween(cst('2026-11-24T15:00'), cst('2026-11-20T15:00'))).toBe(-2);
  });

  it('inverts addDuration for every start hour of a week and counts up to three weeks', () => {
    for (let hour = 0; hour < 7 * 24; hour += 5) {
      const start = new Date(cst('2026-11-16T00:00').getTime() + hour * 3_600_000);
      for (let n = 0; n <= 15; n++) {
        const due = addDuration(start, { businessDays: n });
        expect(businessDaysBetween(start, due)).toBe(n);
        expect(businessDaysBetween(start, new Date(due.getTime() - 1))).toBe(Math.max(n - 1, 0));
      }
    }
  });
});
