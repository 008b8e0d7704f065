// Workflow step: looks at the installment and says what its collection does next (paid, wait, remind, a level…).
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { collectionDeps } from '../collection-deps.ts';
import { ladderInput } from '../ladder-input.ts';
import { checkInstallment } from '../ladder-steps.ts';

export const handler = stepHandler(ladderInput, ({ subject, run }) =>
  checkInstallment(collectionDeps(), subject, run),
);
