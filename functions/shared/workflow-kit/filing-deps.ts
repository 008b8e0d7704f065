// What the API handlers that file a subject need, made once per container: the workflow's deps, trail, ids, starter.
import { processClock } from '../clock.ts';
import { lazy } from '../lazy.ts';
import { emfOps } from '../ops-signals.ts';
import { auditFromEnv, nextIdFromEnv } from '../table.ts';
import { starterFromEnv } from '../workflow-starter.ts';
import { workflowDepsFromEnv } from './handlers.ts';
import type { Subject } from './subject.ts';
import type { Workflow } from './workflow.ts';

export function filingDepsFromEnv<S extends Subject, D>(workflow: Workflow<S, D>) {
  const deps = workflowDepsFromEnv(workflow);
  return lazy(() => ({
    ...deps(),
    audit: auditFromEnv(),
    starter: starterFromEnv(),
    clock: processClock,
    nextId: nextIdFromEnv(),
    ops: emfOps,
  }));
}
