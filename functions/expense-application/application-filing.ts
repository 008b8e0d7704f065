// Filing an advance application: an id, the item, the trail, and its review started (undone if the start fails).
import { localDate } from '#shared/clock.ts';
import { type FilingBasics, recordStart, startReview } from '#shared/workflow-kit/start.ts';
import type { ApplicationRepository } from './application-repository.ts';
import type { Application, ApplicationInput } from './model.ts';
import { expenseApplication } from './workflow.ts';

export interface FilingDeps extends FilingBasics {
  applications: Pick<ApplicationRepository, 'save' | 'delete'>;
}

export async function fileApplication(
  deps: FilingDeps,
  applicant: string,
  input: ApplicationInput,
): Promise<Application> {
  const now = deps.clock.now();
  const id = await deps.nextId('PA', Number(localDate(now).slice(0, 4)));
  const saved = await deps.applications.save({
    id,
    version: 1,
    revision: 0,
    applicant,
    costCenter: input.costCenter,
    amount: input.amount,
    reason: input.reason,
    status: 'IN_REVIEW',
    submittedAt: now.toISOString(),
  });
  const subject = { kind: expenseApplication.kind, id, version: 1 };
  await startReview(deps, expenseApplication.slug, subject, () => deps.applications.delete(saved));
  await recordStart(deps, {
    subjectId: id,
    at: now.toISOString(),
    actor: applicant,
    action: 'submitted',
  });
  return saved;
}
