// The order handoff workflow for the kit: what each step's decision changes on the order and routes next, and the
// order's end. The steps themselves, their summaries and endings are in tasks.ts.
import { addDays, localDate } from '#shared/clock.ts';
import type { AfterDecision, Workflow } from '#shared/workflow-kit/workflow.ts';
import type { Order } from './model.ts';
import {
  acceptanceWindowSeconds,
  datedStepSeconds,
  deliveryFor,
  orderSteps,
  scheduleAnswer,
} from './order-rules.ts';
import { type OrderDeps, orderHandoffTasks, proposedCompletion } from './tasks.ts';

export type { OrderDeps } from './tasks.ts';

/**
 * How long production has to report completion planned for `plannedDate`, for the state machine's timeout; counted
 * from the decision, so a retried step computes the same.
 */
const completionWindow = (plannedDate: string, decidedAt: Date, deps: OrderDeps) => ({
  completionSeconds: datedStepSeconds(plannedDate, decidedAt, deps.policy()),
});

export const orderHandoff: Workflow<Order, OrderDeps> = {
  ...orderHandoffTasks,
  async afterDecision({ subject: order, review, reviews, deps }): Promise<AfterDecision<Order>> {
    const fields = review.fields;
    const decidedAt = new Date(review.at);
    switch (review.step) {
      case orderSteps.schedule: {
        const answer = scheduleAnswer(
          review.outcome === 'confirm'
            ? { outcome: 'confirm', plannedDate: String(fields.plannedDate) }
            : { outcome: 'cannot-meet', proposedDate: String(fields.proposedDate) },
          order.promisedDelivery,
          deps.policy(),
        );
        if (answer.meetsDate) {
          return {
            route: { meetsDate: true, ...completionWindow(answer.plannedDate, decidedAt, deps) },
            changes: { plannedDate: answer.plannedDate, status: 'IN_PRODUCTION' },
          };
        }
        // A confirmed date too late for the promise is a date production cannot meet: sales decides on it.
        return {
          route: { meetsDate: false },
          ...(review.outcome === 'confirm' ? { effect: 'too-late-for-promise' } : {}),
        };
      }
      case orderSteps.salesNewDate:
      case orderSteps.managerNewDate: {
        if (review.outcome === 'accept') {
          const proposed = proposedCompletion(reviews) ?? order.promisedDelivery;
          return {
            route: completionWindow(proposed, decidedAt, deps),
            changes: {
              plannedDate: proposed,
              promisedDelivery: deliveryFor(proposed, deps.policy()),
              status: 'IN_PRODUCTION',
            },
          };
        }
        if (review.outcome === 'reject') {
          return { changes: { cancellation: { reason: review.comment, by: review.by, at: review.at } } };
        }
        return {};
      }
      case orderSteps.completion:
        return review.outcome === 'done'
          ? { changes: { status: 'READY_TO_SHIP' } }
          : {
              route: completionWindow(String(fields.plannedDate), decidedAt, deps),
              changes: { plannedDate: String(fields.plannedDate) },
            };
      case orderSteps.shipping: {
        const expected = String(fields.expectedDelivery);
        const latest = expected > order.promisedDelivery ? expected : order.promisedDelivery;
        return {
          route: { deliverySeconds: datedStepSeconds(latest, decidedAt, deps.policy()) },
          changes: {
            status: 'SHIPPED',
            shipment: {
              carrier: String(fields.carrier),
              trackingNumber: String(fields.trackingNumber),
              expectedDelivery: String(fields.expectedDelivery),
              shippedAt: review.at,
              by: review.by,
            },
          },
        };
      }
      case orderSteps.delivery: {
        const deliveredOn = String(fields.deliveredOn);
        return {
          route: {
            acceptanceSeconds: acceptanceWindowSeconds(deliveredOn, decidedAt, deps.policy()),
            deemed: true,
          },
          changes: {
            status: 'DELIVERED',
            delivery: { deliveredOn, receiver: String(fields.receiver), by: review.by },
          },
        };
      }
      case orderSteps.acceptance:
        if (review.outcome === 'accept') {
          return {
            changes: { acceptance: { acceptedOn: String(fields.acceptedOn), deemed: false, by: review.by } },
          };
        }
        // Disputed: no acceptance by default while it is; sales has the dispute period to settle it.
        return {
          route: { acceptanceSeconds: deps.policy().disputeResolutionDays * 86_400, deemed: false },
          changes: { status: 'DISPUTED' },
        };
      default:
        return {};
    }
  },
  async onFinish({ subject: order, ending, deps }) {
    if (ending !== 'deemed-accepted') return undefined;
    // Accepted on the last day of the acceptance period.
    const deliveredOn = order.delivery?.deliveredOn ?? localDate(deps.clock.now());
    const acceptedOn = addDays(deliveredOn, deps.policy().deemedAcceptanceDays);
    return { acceptance: { acceptedOn, deemed: true, by: 'system' } };
  },
};
