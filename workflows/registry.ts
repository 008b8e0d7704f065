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
const steps: readonly Access[] = ['table', 'workflows'];
/** Steps that tell people something by mail. */
const mailingSteps: readonly Access[] = ['table', 'mail', 'workflows'];

export const registry: Registry = {
  OpenTaskFunction: {
    kind: 'function',
    entry: 'functions/human-tasks/open-task.ts',
    description: 'Opens a human task and mails its assignee',
    uses: mailingSteps,
  },
  CloseExpiredTasksFunction: {
    kind: 'function',
    entry: 'functions/human-tasks/close-expired-tasks.ts',
    description: 'Closes a timed-out execution’s tasks and tells the requester',
    uses: mailingSteps,
  },
  PlanExpenseReviewFunction: {
    kind: 'function',
    entry: 'functions/expense-approval/plan-review.ts',
    description: 'Next review level of an expense claim or advance application',
    uses: steps,
  },
  RecordExpenseDecisionFunction: {
    kind: 'function',
    entry: 'functions/expense-approval/record-decision.ts',
    description: 'Records a review decision on an expense claim or application',
    uses: steps,
  },
  PlanContractStageFunction: {
    kind: 'function',
    entry: 'functions/contract-review/plan-stage.ts',
    description: 'Next review stage of a contract version',
    uses: steps,
  },
  RecordContractDecisionFunction: {
    kind: 'function',
    entry: 'functions/contract-review/record-decision.ts',
    description: 'Records a contract review decision; checks the content hash at signing',
    uses: steps,
  },
  FinishContractFunction: {
    kind: 'function',
    entry: 'functions/contract-review/finish-contract.ts',
    description: 'Ends a contract review; starts order handoff and payment collection after signing',
    uses: mailingSteps,
  },
  FinishExpenseFunction: {
    kind: 'function',
    entry: 'functions/expense-approval/finish-expense.ts',
    description: 'Ends an expense claim or application: budget settled, owner told',
    uses: mailingSteps,
  },
};
