// Workflow step: ends a contract version's review (signed, rejected, changes requested, expired) and tells sales.
import { finishHandler } from '#shared/workflow-kit/handlers.ts';
import { starterFromEnv } from '#shared/workflow-starter.ts';
import { contractReview } from '../workflow.ts';

// Only this step starts the follow-up workflows (after signing), so only it imports the starter and its SFN client.
export const handler = finishHandler({
  ...contractReview,
  deps: (table) => ({ ...contractReview.deps(table), followOns: starterFromEnv }),
});
