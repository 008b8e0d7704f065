// Workflow step (follow-up): the dispute is settled; the ladder that stopped for it goes on with its next run.

import * as z from 'zod/mini';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { resumeAfterDispute } from '../follow-up-steps.ts';
import { startDeps } from '../start-deps.ts';

export const handler = stepHandler(z.strictObject({ subject: subjectRefSchema }), ({ subject }) =>
  resumeAfterDispute(startDeps(), subject),
);
