// Workflow step `Run automatic checks`: the version's findings for legal, and whether the director must approve too.
import * as z from 'zod';
import { stepHandler, workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { contractReview, runAutomaticChecks } from '../workflow.ts';

const deps = workflowDepsFromEnv(contractReview);

export const handler = stepHandler(z.object({ subject: subjectRefSchema }).strict(), ({ subject }) =>
  runAutomaticChecks(deps(), subject),
);
