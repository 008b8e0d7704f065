// Payment collection's entry for the other workflows: a milestone (delivery, acceptance) sets installments' due dates.
import type { AuditTrail } from '#shared/audit.ts';
import type { Clock } from '#shared/clock.ts';
import type { WorkflowStarter } from '#shared/workflow-starter.ts';

export type Milestone = 'delivery' | 'acceptance';

export interface TriggerDeps {
  starter: Pick<WorkflowStarter, 'canStart'>;
  audit: Pick<AuditTrail, 'record' | 'of'>;
  clock: Clock;
}

/**
 * Tells payment collection that `milestone` happened on `on` for the contract: the installments its payment terms
 * tie to that milestone become due. Where payment collection is not deployed, the order's trail records that.
 */
export async function milestoneReached(
  deps: TriggerDeps,
  event: { contractId: string; milestone: Milestone; on: string; reportedOn: string },
): Promise<{ deployed: boolean }> {
  if (!deps.starter.canStart('payment-collection')) {
    const recorded = (await deps.audit.of(event.reportedOn)).some(
      (entry) =>
        entry.action === 'payment-collection-not-deployed' && entry.detail?.milestone === event.milestone,
    );
    if (recorded) return { deployed: false };
    await deps.audit.record({
      subjectId: event.reportedOn,
      at: deps.clock.now().toISOString(),
      actor: 'system',
      action: 'payment-collection-not-deployed',
      detail: { contractId: event.contractId, milestone: event.milestone, on: event.on },
    });
    return { deployed: false };
  }
  throw new Error('Payment collection is deployed, but this milestone hand-over is not wired to it');
}
