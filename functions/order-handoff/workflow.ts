// The order handoff workflow for the kit: schedule, new dates, production, shipment, delivery and acceptance.
import { ContractRepository } from '#contract-review/contract-repository.ts';
import type { AssigneeRequest, FieldSpec } from '#human-tasks/task-model.ts';
import { addDays, type Clock, localDate, processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { formatNumber } from '#shared/words.ts';
import { type Review, ReviewStore } from '#shared/workflow-kit/reviews.ts';
import type { AfterDecision, Workflow } from '#shared/workflow-kit/workflow.ts';
import type { Order } from './model.ts';
import { OrderRepository } from './order-repository.ts';
import {
  acceptanceWindowSeconds,
  datedStepSeconds,
  deliveryFor,
  latestCompletion,
  orderSteps,
  scheduleAnswer,
} from './order-rules.ts';
import { type OrderPolicy, readOrderPolicy } from './policy.ts';
import { orderWords as words } from './words.ts';

export interface OrderDeps {
  orders: OrderRepository;
  reviews: Pick<ReviewStore, 'of'>;
  contracts: Pick<ContractRepository, 'get' | 'version'>;
  people: Pick<PeopleRepository, 'get' | 'membersOf'>;
  policy(): OrderPolicy;
  clock: Clock;
}

const policy = lazy(() => readOrderPolicy(process.env.ORDER_POLICY));

const text = (
  name: string,
  label: FieldSpec['label'],
  forOutcomes: FieldSpec['forOutcomes'],
  required = true,
) => ({ name, label, type: 'text', maxLength: 100, required, forOutcomes }) as const;
const date = (name: string, label: FieldSpec['label'], forOutcomes: FieldSpec['forOutcomes']) =>
  ({ name, label, type: 'date', required: true, forOutcomes }) as const;

/** Who decided the latest of these steps: the same person carries on (who planned it reports it done). */
const lastBy = (reviews: readonly Review[], step: string) =>
  reviews.filter((r) => r.step === step).at(-1)?.by;

/** The same person if someone already works on the order at that step, else whoever holds the role. */
const continuing =
  (step: string, role: 'production' | 'logistics') =>
  async (order: Order, deps: OrderDeps): Promise<AssigneeRequest> => {
    const reviews = await deps.reviews.of(order.id);
    const person = lastBy(reviews, step);
    return person ? { person } : { role };
  };

/** The date production proposes: the latest schedule answer or rework that named one. */
export function proposedCompletion(reviews: readonly Review[]): string | undefined {
  const dates = reviews.flatMap((review) => {
    const proposed = review.fields.proposedDate ?? review.fields.plannedDate;
    return typeof proposed === 'string' ? [proposed] : [];
  });
  return dates.at(-1);
}

/**
 * How long production has to report completion planned for `plannedDate`, for the state machine's timeout; counted
 * from the decision, so a retried step computes the same.
 */
const completionWindow = (plannedDate: string, decidedAt: Date, deps: OrderDeps) => ({
  completionSeconds: datedStepSeconds(plannedDate, decidedAt, deps.policy()),
});

/** The sales owner and every sales manager: whom a late step alerts. */
async function followers(order: Order, deps: OrderDeps): Promise<string[]> {
  const managers = await deps.people.membersOf('sales-manager');
  return [...new Set([order.salesOwner, ...managers.map((m) => m.email)])];
}

export const orderHandoff: Workflow<Order, OrderDeps> = {
  slug: 'order-handoff',
  kind: 'order',
  words,
  deps: (table) => ({
    orders: new OrderRepository(table),
    reviews: new ReviewStore(table.db, table.tableName),
    contracts: new ContractRepository(table),
    people: new PeopleRepository(table.db, table.tableName),
    policy,
    clock: processClock,
  }),
  subjects: (deps) => deps.orders,
  requester: (order) => order.salesOwner,
  title: (order) => order.title,
  humanSteps: {
    [orderSteps.schedule]: {
      type: 'order-schedule',
      outcomes: ['confirm', 'cannot-meet'],
      assignee: () => ({ role: 'production' }),
      fields: () => [
        date('plannedDate', words.fields.plannedDate, ['confirm']),
        date('proposedDate', words.fields.proposedDate, ['cannot-meet']),
      ],
      sla: (deps) => deps.policy().scheduleSla,
      status: 'SCHEDULING',
    },
    [orderSteps.salesNewDate]: {
      type: 'order-new-date-sales',
      outcomes: ['accept', 'escalate'],
      assignee: (order) => ({ person: order.salesOwner }),
      requesterTakesPart: true,
      sla: (deps) => deps.policy().newDateSla,
    },
    [orderSteps.managerNewDate]: {
      type: 'order-new-date-manager',
      outcomes: ['accept', 'reject'],
      assignee: () => ({ role: 'sales-manager' }),
      sla: (deps) => deps.policy().newDateSla,
    },
    [orderSteps.completion]: {
      type: 'order-completion',
      outcomes: ['done', 'rework'],
      assignee: continuing(orderSteps.schedule, 'production'),
      fields: () => [
        text('qcNote', words.fields.qcNote, ['done'], false),
        date('plannedDate', words.fields.newPlannedDate, ['rework']),
      ],
      // If the planned date passes without a report: production is reminded, sales and the sales manager alerted.
      sla: async (deps, order) => ({
        ...deps.policy().completionSla,
        ...(order.plannedDate ? { dueOn: order.plannedDate, alertAtDue: await followers(order, deps) } : {}),
      }),
      status: 'IN_PRODUCTION',
    },
    [orderSteps.shipping]: {
      type: 'order-shipping',
      outcomes: ['shipped'],
      assignee: () => ({ role: 'logistics' }),
      fields: () => [
        text('carrier', words.fields.carrier, ['shipped']),
        text('trackingNumber', words.fields.trackingNumber, ['shipped']),
        date('expectedDelivery', words.fields.expectedDelivery, ['shipped']),
      ],
      sla: (deps) => deps.policy().shippingSla,
      status: 'READY_TO_SHIP',
    },
    [orderSteps.delivery]: {
      type: 'order-delivery',
      outcomes: ['delivered'],
      assignee: continuing(orderSteps.shipping, 'logistics'),
      fields: () => [
        date('deliveredOn', words.fields.deliveredOn, ['delivered']),
        text('receiver', words.fields.receiver, ['delivered']),
      ],
      // If the promised delivery date passes undelivered: sales and the sales manager are alerted, once.
      sla: async (deps, order) => ({
        ...deps.policy().deliverySla,
        dueOn: order.promisedDelivery,
        alertAtDue: await followers(order, deps),
      }),
      status: 'SHIPPED',
    },
    [orderSteps.acceptance]: {
      type: 'order-acceptance',
      outcomes: ['accept', 'dispute'],
      assignee: (order) => ({ person: order.salesOwner }),
      requesterTakesPart: true,
      fields: () => [date('acceptedOn', words.fields.acceptedOn, ['accept'])],
      sla: (deps) => deps.policy().acceptanceSla,
    },
  },
  async summarize({ subject: order, step, locale, reviews, deps }) {
    const label = (name: keyof typeof words.facts) => words.facts[name][locale];
    const contract = await deps.contracts.version(
      order.contractId,
      (await deps.contracts.get(order.contractId))?.version ?? 1,
    );
    const owner = await deps.people.get(order.salesOwner);
    const proposed = proposedCompletion(reviews);
    const deciding = step === orderSteps.salesNewDate || step === orderSteps.managerNewDate;
    return {
      facts: [
        { label: label('contract'), value: order.contractId },
        { label: label('customer'), value: order.customer.name },
        ...(contract?.content.deliveryAddress
          ? [{ label: label('address'), value: contract.content.deliveryAddress }]
          : []),
        { label: label('salesOwner'), value: owner?.name ?? order.salesOwner },
        { label: label('promised'), value: { date: order.promisedDelivery } },
        ...(order.promisedDelivery !== order.requiredDelivery
          ? [{ label: label('required'), value: { date: order.requiredDelivery } }]
          : []),
        {
          label: label('latestCompletion'),
          value: { date: latestCompletion(order.promisedDelivery, deps.policy()) },
        },
        ...(order.plannedDate ? [{ label: label('planned'), value: { date: order.plannedDate } }] : []),
        ...(deciding && proposed
          ? [
              { label: label('proposed'), value: { date: proposed } },
              { label: label('proposedDelivery'), value: { date: deliveryFor(proposed, deps.policy()) } },
            ]
          : []),
        ...(order.shipment
          ? [
              { label: label('carrier'), value: order.shipment.carrier },
              { label: label('trackingNumber'), value: order.shipment.trackingNumber },
              { label: label('expectedDelivery'), value: { date: order.shipment.expectedDelivery } },
            ]
          : []),
        ...(order.delivery
          ? [
              { label: label('deliveredOn'), value: { date: order.delivery.deliveredOn } },
              { label: label('receiver'), value: order.delivery.receiver },
            ]
          : []),
      ],
      lines: order.items.map((item) => ({
        label: `${item.sku} ${item.description}`,
        value: words.quantity[locale](formatNumber(item.quantity, locale), item.qualityStandard),
      })),
      findings: [],
      history: [],
    };
  },
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
  endings: {
    accepted: { status: 'ACCEPTED', ...words.endings.accepted },
    'deemed-accepted': { status: 'ACCEPTED', ...words.endings['deemed-accepted'] },
    cancelled: {
      status: 'CANCELLED',
      ...words.endings.cancelled,
      // Everyone who worked on it hears it stopped.
      alsoTell: (_, reviews) => reviews.map((review) => review.by),
    },
  },
  async onFinish({ subject: order, ending, deps }) {
    if (ending !== 'deemed-accepted') return undefined;
    // Accepted on the last day of the acceptance period.
    const deliveredOn = order.delivery?.deliveredOn ?? localDate(deps.clock.now());
    const acceptedOn = addDays(deliveredOn, deps.policy().deemedAcceptanceDays);
    return { acceptance: { acceptedOn, deemed: true, by: 'system' } };
  },
};
