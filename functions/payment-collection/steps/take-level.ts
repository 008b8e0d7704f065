// Workflow step: an overdue level's notice and follow-up, once, levels passed over recorded as skipped.
import * as z from 'zod/mini';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { kitEndingDeps } from '#shared/workflow-kit/kit-deps.ts';
import { collectionDeps } from '../collection-deps.ts';
import { followUps } from '../follow-up-deps.ts';
import { ladderInput } from '../ladder-input.ts';
import { takeLevel } from '../ladder-steps.ts';
import { levels } from '../model.ts';

const level = z.union(
  levels.map((l) => z.literal(l)) as [
    z.ZodMiniLiteral<1>,
    z.ZodMiniLiteral<2>,
    z.ZodMiniLiteral<3>,
    z.ZodMiniLiteral<4>,
  ],
);

export const handler = stepHandler(
  // ladderInput is strict, and so is what extends it.
  z.extend(ladderInput, { level, skipped: z.array(level) }),
  ({ subject, run, level, skipped }) =>
    takeLevel(
      { ...collectionDeps(), mailer: kitEndingDeps().mailer, followUps: followUps() },
      subject,
      level,
      skipped,
      run,
    ),
);
