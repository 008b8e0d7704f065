// The order handoff's human steps as the task core sees them: schedule, new dates, production, shipment, delivery and
// acceptance, their summaries and endings. What their decisions change on the order is in workflow.ts.
import { ContractRepository } from '#contract-review/contract-repository.ts';
import type { AssigneeRequest, FieldSpec } from '#human-tasks/task-model.ts';
import { type Clock, processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { formatNumber } from '#shared/words.ts';
import { type Review, ReviewStore } from '#shared/workflow-kit/reviews.ts';
import type { WorkflowTasks } from '#shared/workflow-kit/workflow.ts';
import type { Order } from './model.ts';
import { OrderRepository } from './order-repository.ts';
import { deliveryFor, latestCompletion, orderSteps } from './order-rules.ts';
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

/** The sales owner and every sales manager: whom a late step alerts. */
async function followers(order: Order, deps: OrderDeps): Promise<string[]> {
  const managers = await deps.people.membersOf('sales-manager');
  return [...new Set([order.salesOwner, ...managers.map((m) => m.email)])];
}

export const orderHandoffTasks: WorkflowTasks<Order, OrderDeps> = {
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
};
