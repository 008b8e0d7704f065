// Workflow step: ends a contract version's review (signed, rejected, changes requested, expired) and tells sales.
import { finishHandler } from '#shared/workflow-kit/handlers.ts';
import { contractReview } from '../workflow.ts';

export const handler = finishHandler(contractReview);
