// Lambda handlers for the kit's steps: a workflow's step file is one line, `export const handler = finishHandler(x)`.
import * as z from 'zod/mini';
import { taskResultSchema } from '#human-tasks/task-model.ts';
import { lazy } from '../lazy.ts';
import { parseOrThrow } from '../schema-parse.ts';
import { tableFromEnv } from '../table.ts';
import { asStepError, Transient } from '../transient.ts';
import { kitDeps, kitEndingDeps } from './kit-deps.ts';
import {
  closeExpiredStep,
  finishReview,
  markNeedsAttention,
  type Recorded,
  recordDecision,
} from './steps.ts';
import type { Subject } from './subject.ts';
import { subjectRefSchema } from './subject.ts';
import { SubjectChanged } from './subject-items.ts';
import type { Workflow } from './workflow.ts';

/**
 * A workflow step's handler: its input parsed with zod (a malformed input is a bug in the definition and fails loudly,
 * to the Needs attention path), and a passing fault thrown as `Transient`, which the state's Retry takes again. A
 * subject another writer saved meanwhile is one too: the step's next run reads it afresh (steps are safe to repeat).
 */
export function stepHandler<I, O>(schema: z.ZodMiniType<I>, run: (input: I) => Promise<O>) {
  return async (event: unknown): Promise<O> => {
    const input = parseOrThrow(schema, event);
    try {
      return await run(input);
    } catch (error) {
      if (error instanceof SubjectChanged) throw new Transient(error.message, { cause: error });
      throw asStepError(error);
    }
  };
}

/** The workflow's own dependencies on the table from the environment, made once per container. */
export function workflowDepsFromEnv<S extends Subject, D>(workflow: Workflow<S, D>): () => D {
  return lazy(() => workflow.deps(tableFromEnv()));
}

const recordInput = z.strictObject({ subject: subjectRefSchema, decision: taskResultSchema });

export function recordDecisionHandler<S extends Subject, D>(workflow: Workflow<S, D>) {
  const deps = workflowDepsFromEnv(workflow);
  return stepHandler(
    recordInput,
    (input): Promise<Recorded> => recordDecision(workflow, deps(), kitDeps(), input),
  );
}

const finishInput = z.strictObject({
  subject: subjectRefSchema,
  ending: z.string().check(z.minLength(1)),
  executionArn: z.optional(z.string().check(z.minLength(1))),
});

export function finishHandler<S extends Subject, D>(workflow: Workflow<S, D>) {
  const deps = workflowDepsFromEnv(workflow);
  return stepHandler(finishInput, async (input) => {
    await finishReview(workflow, deps(), kitEndingDeps(), input);
    return { ended: input.ending };
  });
}

const expiredInput = z.strictObject({
  subject: subjectRefSchema,
  executionArn: z.string().check(z.minLength(1)),
});

/** A step past its deadline that leaves the subject as it is: its tasks close as expired. */
export function expiredStepHandler<S extends Subject, D>(workflow: Workflow<S, D>) {
  return stepHandler(expiredInput, async (input) => {
    await closeExpiredStep(workflow, kitEndingDeps(), input);
    return { expired: input.subject.id };
  });
}

const needsAttentionInput = z.strictObject({
  subject: subjectRefSchema,
  executionArn: z.string().check(z.minLength(1)),
  failure: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
});

export function needsAttentionHandler<S extends Subject, D>(workflow: Workflow<S, D>) {
  const deps = workflowDepsFromEnv(workflow);
  return stepHandler(needsAttentionInput, async (input) => {
    await markNeedsAttention(workflow, deps(), kitEndingDeps(), input);
    return { status: 'NEEDS_ATTENTION' };
  });
}
