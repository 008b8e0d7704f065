// Workflow step (contract review, after signing): the contract's installments, and the ladders of those now due.
import * as z from 'zod';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { planCollection } from '../collection-start.ts';
import { startDeps } from '../start-deps.ts';

export const handler = stepHandler(z.object({ contract: subjectRefSchema }).strict(), ({ contract }) =>
  planCollection(startDeps(), contract.id),
);
