// Workflow step: an order's mail outside its tasks (delivery plan, new date, shipment, dispute), each sent once.
import * as z from 'zod/mini';
import { stepHandler, workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { kitEndingDeps } from '#shared/workflow-kit/kit-deps.ts';
import { tellOnce } from '#shared/workflow-kit/notices.ts';
import { loadSubject } from '#shared/workflow-kit/steps.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { noticeKey, orderNoticeMails, orderNotices } from '../order-notices.ts';
import { orderHandoff } from '../workflow.ts';

const deps = workflowDepsFromEnv(orderHandoff);

export const handler = stepHandler(
  z.strictObject({ subject: subjectRefSchema, notice: z.enum(orderNotices) }),
  async ({ subject, notice }) => {
    const order = await loadSubject(orderHandoff, deps(), subject);
    const reviews = await deps().reviews.of(order.id);
    return tellOnce(
      orderHandoff,
      deps(),
      kitEndingDeps().mailer,
      order,
      noticeKey(order, reviews, notice),
      (now) => orderNoticeMails(deps(), now, notice),
    );
  },
);
