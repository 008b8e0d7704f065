// Workflow step: an order's mail outside its tasks (delivery plan, new date, shipment, dispute) to whom it concerns.
import * as z from 'zod';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { stepHandler, workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { loadSubject } from '#shared/workflow-kit/steps.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { orderNoticeMails, orderNotices } from '../order-notices.ts';
import { orderHandoff } from '../workflow.ts';

const deps = workflowDepsFromEnv(orderHandoff);

export const handler = stepHandler(
  z.object({ subject: subjectRefSchema, notice: z.enum(orderNotices) }).strict(),
  async ({ subject, notice }) => {
    const order = await loadSubject(orderHandoff, deps(), subject);
    const mails = await orderNoticeMails(deps(), order, notice);
    for (const mail of mails) await mailFromEnv().mailer.send(mail);
    return { told: mails.length };
  },
);
