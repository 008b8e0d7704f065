// Workflow step (contract review, after signing): the contract's installments, and the ladders of those now due.
import * as z from 'zod/mini';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { planCollection } from '../collection-start.ts';
import { startDeps } from '../start-deps.ts';

export const handler = stepHandler(z.strictObject({ contract: subjectRefSchema }), ({ contract }) =>
  planCollection(startDeps(), contract.id),
);
