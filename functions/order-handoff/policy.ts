// The order policy's numbers: shipping lead time, deemed acceptance, SLAs; defaults here, overridable by configuration.
import * as z from 'zod/mini';
import { slaInBusinessDays as sla } from '#human-tasks/task-model.ts';
import { readPolicy } from '#shared/policy-config.ts';

export const orderPolicySchema = z.strictObject({
  /** Days logistics needs between production's completion and the promised delivery. */
  shippingLeadDays: z._default(z.int().check(z.nonnegative()), 3),
  /** Days after delivery when an order nobody accepted or disputed counts as accepted. */
  deemedAcceptanceDays: z._default(z.int().check(z.positive()), 15),
  /** Days past its planned or promised date a completion or delivery may go unreported before the order needs attention. */
  stalledAfterDays: z._default(z.int().check(z.positive()), 30),
  /** Days sales has to settle a dispute before the order needs attention. */
  disputeResolutionDays: z._default(z.int().check(z.positive()), 30),
  scheduleSla: sla(1, 2),
  newDateSla: sla(1, 2),
  /**
   * Reporting completion and delivery follow dates: nobody is chased before the planned (promised) date; once it
   * has passed, the day after brings the alert, and these count from then.
   */
  completionSla: sla(2, 5),
  shippingSla: sla(1, 2),
  deliverySla: sla(2, 5),
  acceptanceSla: sla(5, 10),
});

export type OrderPolicy = z.infer<typeof orderPolicySchema>;

/** The policy from `ORDER_POLICY` (JSON, any subset of the fields), or the defaults; bad JSON stops the start. */
export const readOrderPolicy = (json: string | undefined): OrderPolicy =>
  readPolicy('ORDER_POLICY', orderPolicySchema, json);
