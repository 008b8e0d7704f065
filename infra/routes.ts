// Every HTTP API route in one table: the stack deploys it and the sandbox's gateway serves it.
import type { Uses } from '#workflows/registry.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path template, e.g. `/people/{email}`. */
  path: string;
  /** Handler file relative to the repository root; one function per file, shared by its routes. */
  entry: string;
  description: string;
  /** `public` routes skip the JWT authorizer: liveness, and the task pages whose link carries its own secret. */
  access: 'public' | 'signed-in';
  uses: Uses;
}

const taskPages = 'functions/human-tasks/task-page.ts';
const reads: Uses = { table: 'read' };
const writes: Uses = { table: 'read-write' };
/** Deciding a task writes it and hands the decision to the waiting execution. */
const decides: Uses = { table: 'read-write', answersTasks: true };

export const routes: readonly RouteSpec[] = [
  {
    method: 'GET',
    path: '/health',
    entry: 'functions/api/health.ts',
    description: 'Liveness',
    access: 'public',
    uses: {},
  },
  {
    method: 'GET',
    path: '/t/{taskId}',
    entry: taskPages,
    description: 'Task page',
    access: 'public',
    uses: reads,
  },
  {
    method: 'HEAD',
    path: '/t/{taskId}',
    entry: taskPages,
    description: 'Task page',
    access: 'public',
    uses: reads,
  },
  {
    method: 'POST',
    path: '/t/{taskId}',
    entry: 'functions/human-tasks/task-page-decision.ts',
    description: 'Decision from the task page',
    access: 'public',
    uses: decides,
  },
  {
    method: 'POST',
    path: '/tasks/{id}/decision',
    entry: 'functions/api/decide-task.ts',
    description: 'Decision by the assignee through the API',
    access: 'signed-in',
    uses: decides,
  },
  {
    method: 'GET',
    path: '/tasks',
    entry: 'functions/api/list-tasks.ts',
    description: "The caller's open tasks",
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'GET',
    path: '/people/{email}',
    entry: 'functions/api/get-person.ts',
    description: 'Read a person',
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'PUT',
    path: '/people/{email}',
    entry: 'functions/api/put-person.ts',
    description: 'Create or update a person (admin)',
    access: 'signed-in',
    uses: writes,
  },
  {
    method: 'PUT',
    path: '/budgets/{costCenter}/{period}',
    entry: 'functions/api/set-budget.ts',
    description: 'Set a budget limit (finance, admin)',
    access: 'signed-in',
    uses: writes,
  },
  {
    method: 'GET',
    path: '/budgets/{costCenter}/{period}',
    entry: 'functions/api/get-budget.ts',
    description: 'Read a budget',
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'POST',
    path: '/expenses',
    entry: 'functions/api/file-expense.ts',
    description: 'File an expense claim',
    access: 'signed-in',
    uses: { table: 'read-write', starts: ['expense-approval'] },
  },
  {
    method: 'GET',
    path: '/expenses/{id}',
    entry: 'functions/api/get-expense.ts',
    description: 'Read an expense claim with its trail',
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'PUT',
    path: '/expenses/{id}',
    entry: 'functions/api/revise-expense.ts',
    description: 'Revise a claim returned for changes',
    access: 'signed-in',
    uses: { table: 'read-write', starts: ['expense-approval'] },
  },
  {
    method: 'POST',
    path: '/expense-applications',
    entry: 'functions/api/file-expense-application.ts',
    description: 'File an advance application for over-budget spending',
    access: 'signed-in',
    uses: { table: 'read-write', starts: ['expense-application'] },
  },
  {
    method: 'GET',
    path: '/expense-applications/{id}',
    entry: 'functions/api/get-expense-application.ts',
    description: 'Read an advance application with its trail',
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'POST',
    path: '/contracts',
    entry: 'functions/api/submit-contract.ts',
    description: 'Submit a contract draft for review',
    access: 'signed-in',
    uses: { table: 'read-write', starts: ['contract-review'] },
  },
  {
    method: 'GET',
    path: '/contracts/{id}',
    entry: 'functions/api/get-contract.ts',
    description: 'Read a contract with its versions, findings and trail',
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'POST',
    path: '/contracts/{id}/revisions',
    entry: 'functions/api/revise-contract.ts',
    description: 'Submit a revised contract version',
    access: 'signed-in',
    uses: { table: 'read-write', starts: ['contract-review'] },
  },
  {
    method: 'GET',
    path: '/orders/{id}',
    entry: 'functions/api/get-order.ts',
    description: 'Read an order with its timeline',
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'GET',
    path: '/orders',
    entry: 'functions/api/list-orders.ts',
    description: 'The orders of a contract',
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'GET',
    path: '/contracts/{id}/installments',
    entry: 'functions/api/list-installments.ts',
    description: 'The installments of a contract: due dates, payments, levels, promises',
    access: 'signed-in',
    uses: reads,
  },
  {
    method: 'POST',
    path: '/payments',
    entry: 'functions/api/post-payment.ts',
    description: 'Record a payment received: applied to the contract’s installments, the rest kept as credit',
    access: 'signed-in',
    // Closes the follow-ups of an installment it pays in full.
    uses: { table: 'read-write', closesTasks: true },
  },
  {
    method: 'GET',
    path: '/receivables',
    entry: 'functions/api/get-receivables.ts',
    description: 'Receivables figures on a day: aging, per salesperson, DSO, CEI',
    access: 'signed-in',
    uses: reads,
  },
];

/**
 * The SLA sweep runs on a schedule, not behind a route, in two functions so that neither bundles all three SDK clients:
 * first the delivery sweep (decisions handed to their workflows again, tasks of workflows that no longer run closed),
 * then, when it ends whatever its result, the mail sweep (reminders, escalations, due alerts, mail resends). Each works
 * in batches that stop taking new work well before its timeout; what is left waits for the next run.
 */
export const taskSweeps = {
  everyMinutes: 5,
  deliveries: {
    entry: 'functions/human-tasks/sweep-deliveries.ts',
    description: 'SLA sweep, first part: decision redelivery, tasks of stopped workflows closed',
    uses: { table: 'read-write', answersTasks: true } satisfies Uses,
    timeoutSeconds: 120,
  },
  mail: {
    entry: 'functions/human-tasks/sweep-mail.ts',
    description: 'SLA sweep, second part: reminders, escalations, due alerts, mail resends',
    uses: { table: 'read-write', mail: true } satisfies Uses,
    timeoutSeconds: 120,
  },
} as const;

/** Runs on EventBridge's execution status changes: an execution that ended without succeeding leaves no open task. */
export const executionWatcher = {
  entry: 'functions/human-tasks/execution-ended.ts',
  description: 'Closes the open tasks of an execution that stopped, failed or timed out',
  uses: { table: 'read-write' } satisfies Uses,
} as const;

/** SES configuration-set events (through the mail-events topic): hard bounces and complaints. */
export const mailFeedback = {
  entry: 'functions/human-tasks/mail-feedback.ts',
  description:
    "Bounces and complaints: a bounced person's address marked undeliverable, their open tasks reassigned",
  uses: { table: 'read-write', mail: true } satisfies Uses,
} as const;

/** On a schedule: what is open now, as gauges for the dashboard and the alarms. */
export const openWorkReport = {
  entry: 'functions/human-tasks/report-open-work.ts',
  description: 'Open tasks, the oldest, tasks past escalation and subjects needing attention, per workflow',
  uses: { table: 'read' } satisfies Uses,
  everyMinutes: 5,
} as const;

/** Cognito's pre-token-generation trigger: the person's email goes into access tokens as into ID tokens. */
export const signInClaims = {
  entry: 'functions/api/sign-in-claims.ts',
  description: 'Adds the email claim to access tokens',
  uses: {} satisfies Uses,
} as const;
