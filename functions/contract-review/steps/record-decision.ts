// Workflow step: records a legal, director or signing decision; signing goes ahead only on the content approved.
import { recordDecisionHandler } from '#shared/workflow-kit/handlers.ts';
import { contractReview } from '../workflow.ts';

export const handler = recordDecisionHandler(contractReview);
