// What every ladder step gets from the state machine: the installment, and which run it is and since when.
import * as z from 'zod';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';

export const runSchema = z.object({
  run: z.number().int().positive(),
  startedAt: z.iso.datetime({ offset: true }),
});

export const ladderInput = z.object({ subject: subjectRefSchema, run: runSchema }).strict();
