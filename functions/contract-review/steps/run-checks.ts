// Workflow step `Run automatic checks`: the version's findings for legal, and whether the director must approve too.
import * as z from 'zod/mini';
import { stepHandler, workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { contractReview, runAutomaticChecks } from '../workflow.ts';

const deps = workflowDepsFromEnv(contractReview);

export const handler = stepHandler(z.strictObject({ subject: subjectRefSchema }), ({ subject }) =>
  runAutomaticChecks(deps(), subject),
);
