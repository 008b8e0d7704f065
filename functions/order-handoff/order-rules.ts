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
 * Seconds until an order delivered on `deliveredOn` counts as accepted: the end of the last day of the period, in the
 * company's time zone; at least a minute, so a late report of delivery still gives sales a moment.
 */
export function acceptanceWindowSeconds(
  deliveredOn: string,
  now: Date,
  policy: Pick<OrderPolicy, 'deemedAcceptanceDays'>,
): number {
  const ends = startOfLocalDate(addDays(deliveredOn, policy.deemedAcceptanceDays + 1));
  return Math.max(60, Math.ceil((ends.getTime() - now.getTime()) / 1000));
}
