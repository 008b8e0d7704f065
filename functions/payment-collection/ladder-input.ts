// What every ladder step gets from the state machine: the installment, and which run it is and since when.
import * as z from 'zod/mini';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';

export const runSchema = z.object({
  run: z.int().check(z.positive()),
  startedAt: z.iso.datetime({ offset: true }),
});

export const ladderInput = z.strictObject({ subject: subjectRefSchema, run: runSchema });
