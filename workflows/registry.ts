// What each ${Placeholder} in workflows/*.asl.json stands for; the stack, the sandbox and the tests all read this.

/** What a function touches; the stack grants exactly this and sets the matching env vars. */
export type Access = 'table' | 'mail' | 'workflows';

export interface StepFunctionSpec {
  kind: 'function';
  /** Handler file relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  uses: readonly Access[];
  memoryMb?: number;
  timeoutSeconds?: number;
}

export interface ChildWorkflowSpec {
  kind: 'workflow';
  /** Slug of the workflow whose state machine ARN fills the placeholder. */
  slug: string;
}

export type PlaceholderSpec = StepFunctionSpec | ChildWorkflowSpec;

export type Registry = Readonly<Record<string, PlaceholderSpec>>;

/**
 * Placeholder name → what it stands for. A placeholder used in a definition without an entry here, or an entry no
 * definition uses, fails the ASL rules test.
 */
export const registry: Registry = {};
