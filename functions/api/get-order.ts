// GET /orders/{id}: the order, its status, promised and planned dates, shipment, delivery, acceptance and timeline.
import { orderHandoff } from '#order-handoff/workflow.ts';
import { orderReaders } from './list-orders.ts';
import { subjectViewHandler } from './subject-view.ts';

export const handler = subjectViewHandler(orderHandoff, {
  prefix: 'OR',
  readers: orderReaders,
  // Every step with who decided it and when, in order: what the order went through, acceptance by default included.
  more: (_, order) => ({
    timeline: [
      ...order.reviews.map(({ step, outcome, by, at, effect }) => ({
        step,
        outcome,
        by,
        at,
        ...(effect ? { effect } : {}),
      })),
      ...(order.acceptance?.deemed && order.closedAt
        ? [{ step: 'Customer acceptance', outcome: 'deemed-accepted', by: 'system', at: order.closedAt }]
        : []),
    ],
  }),
});
