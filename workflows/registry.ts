// What each ${Placeholder} in workflows/*.asl.json stands for; the stack, the sandbox and the tests all read this.

/** What a function touches; the stack grants exactly this and sets the matching environment variables. */
export interface Uses {
  /** The business table: read-only, or read and write. */
  table?: 'read' | 'read-write';
  /** Sends mail through SES (and builds task links with the app's base URL). */
  mail?: boolean;
  /** The workflows it starts, by slug: StartExecution on exactly those that are deployed. */
  starts?: readonly string[];
  /** Hands decisions to waiting executions (SendTaskSuccess) and asks whether an execution still runs. */
  answersTasks?: boolean;
  /** Ends waits nobody will answer any more (SendTaskFailure): follow-ups the next level or a payment closes. */
  closesTasks?: boolean;
  /** Opens human tasks: gets the key their first links are derived with (kept outside the table). */
  opensTasks?: boolean;
}

export interface StepFunctionSpec {
  kind: 'function';
  /** Handler file relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  uses: Uses;
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

const writes: Uses = { table: 'read-write' };
/** Steps that tell people something by mail. */
const mails: Uses = { table: 'read-write', mail: true };

const step = (entry: string, description: string, uses: Uses): StepFunctionSpec => ({
  kind: 'function',
  entry,
  description,
  uses,
});

/**
 * Placeholder name → what it stands for. A placeholder used in a definition without an entry here, or an entry no
 * definition uses, fails the ASL rules test.
 */
export const registry: Registry = {
  OpenTaskFunction: step(
    'functions/human-tasks/open-task.ts',
    'Opens a human step as a task and mails its assignee',
    { ...mails, opensTasks: true },
  ),
  RecordClaimDecisionFunction: step(
    'functions/expense-approval/steps/record-decision.ts',
    'Records a review decision on an expense claim; says which levels are still needed',
    writes,
  ),
  FinishClaimFunction: step(
    'functions/expense-approval/steps/finish.ts',
    'Ends an expense claim: budget consumed or released, submitter told',
    mails,
  ),
  ClaimNeedsAttentionFunction: step(
    'functions/expense-approval/steps/needs-attention.ts',
    'An expense claim needs attention: budget released, ops and submitter told',
    mails,
  ),
  RecordApplicationDecisionFunction: step(
    'functions/expense-application/steps/record-decision.ts',
    'Records a review decision on an advance application',
    writes,
  ),
  FinishApplicationFunction: step(
    'functions/expense-application/steps/finish.ts',
    'Ends an advance application; applicant told',
    mails,
  ),
  ApplicationNeedsAttentionFunction: step(
    'functions/expense-application/steps/needs-attention.ts',
    'An advance application needs attention: ops and applicant told',
    mails,
  ),
  RunContractChecksFunction: step(
    'functions/contract-review/steps/run-checks.ts',
    'Automatic findings on a contract version; whether the director must approve',
    writes,
  ),
  RecordContractDecisionFunction: step(
    'functions/contract-review/steps/record-decision.ts',
    'Records a contract review decision; checks the content hash at signing',
    writes,
  ),
  FinishContractFunction: step(
    'functions/contract-review/steps/finish.ts',
    'Ends a contract review: signed, rejected, changes requested, expired; sales told',
    mails,
  ),
  PlanCollectionFunction: step(
    'functions/payment-collection/steps/plan-collection.ts',
    'Makes a signed contract’s payment terms into installments and starts those due on signing',
    { ...writes, starts: ['payment-collection'] },
  ),
  CreateOrderFunction: step(
    'functions/order-handoff/steps/create-order.ts',
    'Makes a signed contract into its order, once',
    writes,
  ),
  OrderHandoffWorkflow: { kind: 'workflow', slug: 'order-handoff' },
  TellOrderFunction: step(
    'functions/order-handoff/steps/tell.ts',
    'Mails an order’s delivery plan, new date, shipment or dispute to whom it concerns, once each',
    mails,
  ),
  RecordOrderDecisionFunction: step(
    'functions/order-handoff/steps/record-decision.ts',
    'Records a decision on an order: schedule, new date, completion, shipment, delivery, acceptance',
    writes,
  ),
  ReachOrderMilestoneFunction: step(
    'functions/order-handoff/steps/reach-milestone.ts',
    'Gives the installments due on an order’s delivery or acceptance their due dates and starts them; closes them if it is cancelled',
    { ...writes, starts: ['payment-collection'] },
  ),
  FinishOrderFunction: step(
    'functions/order-handoff/steps/finish.ts',
    'Ends an order: accepted, accepted by default, cancelled',
    mails,
  ),
  OrderNeedsAttentionFunction: step(
    'functions/order-handoff/steps/needs-attention.ts',
    'An order needs attention: ops and the sales owner told',
    mails,
  ),
  ContractNeedsAttentionFunction: step(
    'functions/contract-review/steps/needs-attention.ts',
    'A contract needs attention: ops and submitter told',
    mails,
  ),
  PaymentCollectionWorkflow: { kind: 'workflow', slug: 'payment-collection' },
  CheckInstallmentFunction: step(
    'functions/payment-collection/steps/check.ts',
    'Looks at an installment: paid, paused, or which step of the ladder is due and when',
    writes,
  ),
  RemindCustomerFunction: step(
    'functions/payment-collection/steps/remind.ts',
    'Reminds the customer of an installment’s due date, the owner in copy; once',
    mails,
  ),
  TakeOverdueLevelFunction: step(
    'functions/payment-collection/steps/take-level.ts',
    'Takes an overdue level once: its notice, its follow-up, open follow-ups closed',
    { ...mails, starts: ['collection-follow-up'], closesTasks: true },
  ),
  CollectionNeedsAttentionFunction: step(
    'functions/payment-collection/steps/needs-attention.ts',
    'An installment’s collection needs attention: ops and the owner told',
    mails,
  ),
  RecordCollectionDecisionFunction: step(
    'functions/payment-collection/steps/record-decision.ts',
    'Records a follow-up on an installment: contacted, promised, disputed, legal, write-off',
    writes,
  ),
  ResumeCollectionFunction: step(
    'functions/payment-collection/steps/resume.ts',
    'A settled dispute: the installment’s ladder goes on with its next run',
    { ...writes, starts: ['payment-collection'] },
  ),
  CheckPaymentPlanFunction: step(
    'functions/payment-collection/steps/check-payment-plan.ts',
    'Legal’s payment plan came due: kept if paid, else broken',
    writes,
  ),
  FinishCollectionFunction: step(
    'functions/payment-collection/steps/finish.ts',
    'Writes an installment off with finance’s approval; the owner told',
    mails,
  ),
  FollowUpExpiredFunction: step(
    'functions/payment-collection/steps/follow-up-expired.ts',
    'A follow-up nobody answered in time: its task closes, the owner told',
    mails,
  ),
};
