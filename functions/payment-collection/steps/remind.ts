// Workflow step: reminds the customer before the due date (the owner in copy), once; then says what comes next.
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { ladderDeps } from '../collection-deps.ts';
import { remindCustomer } from '../ladder-steps.ts';
import { ladderInput } from './ladder-input.ts';

export const handler = stepHandler(ladderInput, ({ subject, run }) =>
  remindCustomer(ladderDeps(), subject, run),
);
