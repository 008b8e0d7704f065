// Workflow step: an overdue level's notice and follow-up, once, levels passed over recorded as skipped.
import * as z from 'zod';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { kitEndingDeps } from '#shared/workflow-kit/kit-deps.ts';
import { collectionDeps } from '../collection-deps.ts';
import { followUps } from '../follow-up-deps.ts';
import { ladderInput } from '../ladder-input.ts';
import { takeLevel } from '../ladder-steps.ts';
import { levels } from '../model.ts';

const level = z.union(
  levels.map((l) => z.literal(l)) as [z.ZodLiteral<1>, z.ZodLiteral<2>, z.ZodLiteral<3>, z.ZodLiteral<4>],
);

export const handler = stepHandler(
  ladderInput.extend({ level, skipped: z.array(level) }).strict(),
  ({ subject, run, level, skipped }) =>
    takeLevel(
      { ...collectionDeps(), mailer: kitEndingDeps().mailer, followUps: followUps() },
      subject,
      level,
      skipped,
      run,
    ),
);
