// What a workflow tells the kit: its subjects, its human steps, its words, its endings and the hooks for its own rules.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AssigneeRequest, FieldSpec, OutcomeId, Sla, TaskSummary } from '#human-tasks/task-model.ts';
import type { Money } from '../money.ts';
import type { Locale } from '../people.ts';
import type { Bilingual } from '../words.ts';
import type { Review } from './reviews.ts';
import type { Subject } from './subject.ts';

export interface TableAccess {
  db: DynamoDBDocumentClient;
  tableName: string;
}

/** Where a workflow keeps its subjects: one item each, written with a revision check. */
export interface SubjectStore<S extends Subject> {
  get(id: string): Promise<S | undefined>;
  /** Writes `subject` if the stored revision is still `subject.revision`; returns it with the next revision. */
  save(subject: S): Promise<S>;
}

/** One human step (a `.waitForTaskToken` state of the same name): who decides, how, and by when. */
export interface HumanStep<S extends Subject, D> {
  /** Task type, for SLA reports and the mail's wording, e.g. `expense-review-supervisor`. */
  type: string;
  outcomes: readonly OutcomeId[];
  /** A person or a role; the task core applies delegation and never lets the requester decide. */
  assignee(subject: S, deps: D): AssigneeRequest | Promise<AssigneeRequest>;
  /** What the decider fills in, for this subject. */
  fields?(subject: S): FieldSpec[];
  /** Reminders and escalation; for a step due by a date, the date and whom to alert once it passes. */
  sla(deps: D, subject: S): Sla | Promise<Sla>;
  /** The subject's status while this step waits (a contract `AWAITING_SIGNATURE`); unchanged when absent. */
  status?: S['status'];
  /** Earlier approvers of this version may not decide this step (one approval per person). */
  excludeEarlierApprovers?: boolean;
  /**
   * The requester takes this step themselves: it records what happened (the customer accepted) rather than
   * approving their own request, so the never-your-own-decision rule does not apply.
   */
  requesterTakesPart?: boolean;
  /** Others who may not decide this step (who asked for a write-off may not approve it). */
  alsoExcluded?(subject: S): readonly string[];
}

/** How a review ends: the subject's final status and what its requester is told. */
export interface Ending<S extends Subject> {
  status: S['status'];
  /** 已批准 / approved. */
  outcome: Bilingual;
  /** What happens now, or what the requester can do. */
  next?: Bilingual;
  /** Who else is told, besides the requester (everyone involved in a cancelled order). */
  alsoTell?: (subject: S, reviews: readonly Review[]) => readonly string[];
}

/** What a workflow computes after a decision: routing for its Choice states, and changes to its subject. */
export interface AfterDecision<S extends Subject> {
  /** Named values the next Choice reads (`salesManagerReview: true`), beside the outcome. */
  route?: Readonly<Record<string, boolean | string | number>>;
  changes?: Partial<S>;
  /** Reviews the rules add (a level skipped because its reviewer already approved). */
  reviews?: Review[];
  /** What the workflow made of the decision, kept with it (signing refused: `content-changed`). */
  effect?: string;
  /** What the decision was bound to, kept with it (the content hash an approver saw). */
  evidence?: Record<string, string>;
}

/**
 * What the task core (open-task, the sweeper, the task pages, mail feedback) uses of a workflow: its subjects, human
 * steps, words and endings. A workflow's decision hooks are not part of it, so those handlers' bundles hold none of
 * the workflow's own bookkeeping (a ledger, budgets) that only its record, finish and needs-attention steps run.
 */
export interface WorkflowTasks<S extends Subject, D> {
  /** The state machine's slug: `workflows/<slug>.asl.json`. */
  slug: string;
  /** The subject kind in executions and tasks: `expense-claim`. */
  kind: string;
  words: {
    /** What the subject is called: 费用报销 / Expense claim. */
    subject: Bilingual;
    /** Each human step's name as people read it, by state name. */
    steps: Readonly<Record<string, Bilingual>>;
  };
  /** The workflow's own dependencies on a table; configuration is read when first needed. */
  deps(table: TableAccess): D;
  subjects(deps: D): SubjectStore<S>;
  requester(subject: S): string;
  title(subject: S): string;
  /** The amount the outcome mail names, if any. */
  amount?(subject: S): Money | undefined;
  humanSteps: Readonly<Record<string, HumanStep<S, D>>>;
  /** What a decider sees about the subject at `step`, read now, in `locale` (the kit adds earlier comments). */
  summarize(context: {
    subject: S;
    step: string;
    locale: Locale;
    reviews: readonly Review[];
    deps: D;
  }): Promise<TaskSummary>;
  endings: Readonly<Record<string, Ending<S>>>;
}

/** The whole workflow: what the task core uses, and the hooks its own steps run on a decision and at the end. */
export interface Workflow<S extends Subject, D> extends WorkflowTasks<S, D> {
  afterDecision?(context: {
    subject: S;
    review: Review;
    reviews: readonly Review[];
    deps: D;
  }): Promise<AfterDecision<S>>;
  /** The workflow's own work once a decision is recorded and saved (a ledger line); must be safe to repeat. */
  onRecorded?(context: { subject: S; review: Review; deps: D }): Promise<void>;
  /** The workflow's own work when a review ends (the budget consumed or released); must be safe to repeat. */
  onFinish?(context: {
    subject: S;
    ending: string;
    reviews: readonly Review[];
    deps: D;
  }): Promise<Partial<S> | undefined>;
  /** Gives back what the subject holds when its review stops on a failure; must be safe to repeat. */
  onNeedsAttention?(context: { subject: S; deps: D }): Promise<void>;
}
