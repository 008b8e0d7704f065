// The order policy as plain functions: whether a planned date meets the promise, and how long acceptance may wait.
import { addDays, startOfLocalDate } from '#shared/clock.ts';
import type { OrderPolicy } from './policy.ts';

/** The order's human steps, as the state machine names them. */
export const orderSteps = {
  schedule: 'Production confirms schedule',
  salesNewDate: 'Sales decides on new date',
  managerNewDate: 'Sales manager decides on new date',
  completion: 'Production reports completion',
  shipping: 'Logistics ships',
  delivery: 'Confirm delivery',
  acceptance: 'Customer acceptance',
} as const;

/** The latest completion that still leaves logistics its lead time before the promised delivery. */
export const latestCompletion = (promisedDelivery: string, policy: Pick<OrderPolicy, 'shippingLeadDays'>) =>
  addDays(promisedDelivery, -policy.shippingLeadDays);

/**
 * Production's answer to "can you make it": a confirmed date later than the latest completion counts as "cannot
 * meet" with that date, so sales decides on it as on any date production proposes.
 */
export function scheduleAnswer(
  answer: { outcome: 'confirm'; plannedDate: string } | { outcome: 'cannot-meet'; proposedDate: string },
  promisedDelivery: string,
  policy: Pick<OrderPolicy, 'shippingLeadDays'>,
): { meetsDate: true; plannedDate: string } | { meetsDate: false; proposedDate: string } {
  if (answer.outcome === 'cannot-meet') return { meetsDate: false, proposedDate: answer.proposedDate };
  return answer.plannedDate <= latestCompletion(promisedDelivery, policy)
    ? { meetsDate: true, plannedDate: answer.plannedDate }
    : { meetsDate: false, proposedDate: answer.plannedDate };
}

/** The delivery date a proposed completion date allows: the completion plus the shipping lead time. */
export const deliveryFor = (completion: string, policy: Pick<OrderPolicy, 'shippingLeadDays'>) =>
  addDays(completion, policy.shippingLeadDays);

/**
 * Seconds from `now` to the end of `date` in the company's time zone: how long a step waits for something due that
 * day. At least a minute, so a late report still leaves the next person a moment.
 */
export function secondsUntilEndOf(date: string, now: Date): number {
  const ends = startOfLocalDate(addDays(date, 1));
  return Math.max(60, Math.ceil((ends.getTime() - now.getTime()) / 1000));
}

/** How long an order delivered on `deliveredOn` waits for acceptance before it counts as accepted. */
export const acceptanceWindowSeconds = (
  deliveredOn: string,
  now: Date,
  policy: Pick<OrderPolicy, 'deemedAcceptanceDays'>,
) => secondsUntilEndOf(addDays(deliveredOn, policy.deemedAcceptanceDays), now);

/**
 * How long a dated step (completion by the planned date, delivery by the promised one) may stay without a report
 * before the order stops for attention: the date plus the policy's patience, however far off the date is.
 */
export const datedStepSeconds = (date: string, now: Date, policy: Pick<OrderPolicy, 'stalledAfterDays'>) =>
  secondsUntilEndOf(addDays(date, policy.stalledAfterDays), now);
