// Workflow step: reminds the customer before the due date (the owner in copy), once; then says what comes next.
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { kitEndingDeps } from '#shared/workflow-kit/kit-deps.ts';
import { collectionDeps } from '../collection-deps.ts';
import { ladderInput } from '../ladder-input.ts';
import { remindCustomer } from '../ladder-steps.ts';

export const handler = stepHandler(ladderInput, ({ subject, run }) =>
  remindCustomer({ ...collectionDeps(), mailer: kitEndingDeps().mailer }, subject, run),
);
