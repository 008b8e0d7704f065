// The order policy as plain functions: meeting the promised date, new dates, and how long dated steps wait.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptanceWindowSeconds,
  datedStepSeconds,
  deliveryFor,
  latestCompletion,
  scheduleAnswer,
} from '#order-handoff/order-rules.ts';
import { readOrderPolicy } from '#order-handoff/policy.ts';
import { addDays, startOfLocalDate } from '#shared/clock.ts';

const policy = readOrderPolicy(undefined);
const isoDate = fc.integer({ min: 0, max: 3650 }).map((days) => addDays('2026-01-01', days));

describe('production’s answer on the schedule', () => {
  it('meets the promise only when completion leaves logistics its lead time', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -30, max: 30 }), (promised, offset) => {
        const plannedDate = addDays(latestCompletion(promised, policy), offset);
        const answer = scheduleAnswer({ outcome: 'confirm', plannedDate }, promised, policy);
        expect(answer.meetsDate).toBe(offset <= 0);
        // A date too late for the promise is a date production proposes: sales decides on it.
        if (!answer.meetsDate) expect(answer.proposedDate).toBe(plannedDate);
      }),
    );
  });

  it('treats "cannot meet" as a proposal, whatever the date', () => {
    const answer = scheduleAnswer(
      { outcome: 'cannot-meet', proposedDate: '2026-12-01' },
      '2027-06-01',
      policy,
    );
    expect(answer).toEqual({ meetsDate: false, proposedDate: '2026-12-01' });
  });

  it('counts the default three days of shipping both ways: latest completion and the delivery a date allows', () => {
    expect(latestCompletion('2027-01-10', policy)).toBe('2027-01-07');
    expect(deliveryFor('2027-01-07', policy)).toBe('2027-01-10');
    expect(deliveryFor('2027-01-07', { shippingLeadDays: 0 })).toBe('2027-01-07');
  });
});

describe('how long a step waits', () => {
  it('waits for acceptance until the end of the 15th day after delivery, company time', () => {
    const now = new Date('2027-01-05T03:00:00.000Z');
    const seconds = acceptanceWindowSeconds('2027-01-05', now, policy);
    expect(new Date(now.getTime() + seconds * 1000)).toEqual(startOfLocalDate('2027-01-21'));
  });

  it('waits at least a minute when the delivery is reported after its period ran out', () => {
    const now = new Date('2027-03-01T03:00:00.000Z');
    expect(acceptanceWindowSeconds('2027-01-05', now, policy)).toBe(60);
  });

  it('lets production run past its planned date for the policy’s patience, however far off the date is', () => {
    const now = new Date('2027-01-01T00:00:00.000Z');
    const seconds = datedStepSeconds('2027-09-30', now, policy);
    expect(new Date(now.getTime() + seconds * 1000)).toEqual(
      startOfLocalDate(addDays('2027-09-30', policy.stalledAfterDays + 1)),
    );
  });
});

describe('the policy', () => {
  it('takes any subset of its numbers from ORDER_POLICY', () => {
    const read = readOrderPolicy('{"shippingLeadDays": 5, "deemedAcceptanceDays": 30}');
    expect(read).toMatchObject({ shippingLeadDays: 5, deemedAcceptanceDays: 30, disputeResolutionDays: 30 });
  });

  it.each([
    ['not JSON', '{shippingLeadDays: 5}'],
    ['a negative lead time', '{"shippingLeadDays": -1}'],
    ['an unknown field', '{"shipingLeadDays": 5}'],
    ['a zero acceptance period', '{"deemedAcceptanceDays": 0}'],
  ])('refuses %s with an error naming ORDER_POLICY', (_, json) => {
    expect(() => readOrderPolicy(json)).toThrow(/ORDER_POLICY/);
  });
});
