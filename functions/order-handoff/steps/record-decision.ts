// Workflow step: records a decision on an order (schedule, new date, completion, shipment, delivery, acceptance).
import { recordDecisionHandler } from '#shared/workflow-kit/handlers.ts';
import { orderHandoff } from '../workflow.ts';

export const handler = recordDecisionHandler(orderHandoff);
