// Workflow step: ends an order (accepted, accepted by default, cancelled) and tells those it concerns.
import { finishHandler } from '#shared/workflow-kit/handlers.ts';
import { orderHandoff } from '../workflow.ts';

export const handler = finishHandler(orderHandoff);
