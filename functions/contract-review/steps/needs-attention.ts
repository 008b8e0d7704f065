// Workflow step: the Catch-all path; the contract needs attention, the submitter and ops are told.
import { needsAttentionHandler } from '#shared/workflow-kit/handlers.ts';
import { contractReview } from '../workflow.ts';

export const handler = needsAttentionHandler(contractReview);
