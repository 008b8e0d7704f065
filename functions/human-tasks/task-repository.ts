// Stores human tasks: one item each, with index keys derived from its state (by assignee, by due time, by subject).

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#shared/query-all.ts';
import type { Task } from './task-model.ts';

/** A task with its Step Functions token, which stays on the server: never in a page, a mail, a log or an API reply. */
export interface StoredTask extends Task {
  token: string;
  /** When the sweeper should next retry delivering a decision to the workflow. */
  deliveryRetryAt?: string;
  deliveryAttempts?: number;
}

export class TaskConflict extends Error {
  override name = 'TaskConflict';
}

const dueKey = 'DUE#TASK';
const key = (id: string) => ({ pk: `TASK#${id}`, sk: 'TASK' });

/**
 * How long past its deadline an open task is left to its workflow's own timeout path before the sweep closes it.
 * Because of it every open task has a due time, so the due index also lists every open task (for the gauges).
 */
export const overdueGraceMs = 24 * 60 * 60_000;

/** When a task open this long past its deadline is looked at by the sweep. */
export const overdueCheckAt = (task: Pick<StoredTask, 'deadlineAt'>): string =>
  new Date(Date.parse(task.deadlineAt) + overdueGraceMs).toISOString();

/** The moment the sweeper next has something to do for this task, if any. */
export function nextActionAt(task: StoredTask): string | undefined {
  if (task.status === 'PENDING') {
    const candidates = [
      task.remindAt,
      task.escalateAt,
      task.dueAlertAt,
      task.mailRetry?.at,
      task.unconfirmedMail?.checkAt,
      overdueCheckAt(task),
    ];
    return candidates.filter((at): at is string => Boolean(at)).sort()[0];
  }
  if (task.status === 'DECIDED' && task.delivery === 'pending')
    return task.deliveryRetryAt ?? task.decision?.decidedAt;
  return undefined;
}

function itemOf(task: StoredTask): Record<string, unknown> {
  const open = task.status === 'PENDING';
  const due = nextActionAt(task);
  return {
    ...key(task.id),
    entity: 'task',
    ...task,
    gsi1pk: `ASSIGNEE#${task.assignee}`,
    gsi1sk: open ? `OPEN#${task.openedAt}#${task.id}` : `CLOSED#${task.closedAt ?? task.openedAt}#${task.id}`,
    // Only tasks with something due sit in the sweeper's index, so its query stays small.
    ...(due ? { gsi2pk: dueKey, gsi2sk: `${due}#${task.id}` } : {}),
    // By subject: its current step and assignee, and the tasks an execution leaves behind.
    gsi3pk: `SUBJECT#${task.subject.id}`,
    gsi3sk: `TASK#${task.openedAt}#${task.id}`,
  };
}

function taskOf(item: Record<string, unknown>): StoredTask {
  const {
    pk: _pk,
    sk: _sk,
    entity: _entity,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    gsi3pk: _e,
    gsi3sk: _f,
    ...task
  } = item;
  const stored = task as unknown as StoredTask;
  // Tasks opened before tasks named their workflow: its state machine's name stands in for the slug.
  if (!stored.workflow.slug) {
    stored.workflow = { ...stored.workflow, slug: stateMachineOf(stored.workflow.executionArn) };
  }
  return stored;
}

/** `arn:aws:states:…:execution:<stage>-<slug>:<name>` → `<slug>` when STAGE is set, else `<stage>-<slug>`. */
function stateMachineOf(executionArn: string): string {
  const machine = executionArn.split(':')[6] ?? 'unknown';
  const stage = process.env.STAGE;
  return stage && machine.startsWith(`${stage}-`) ? machine.slice(stage.length + 1) : machine;
}

export class TaskRepository {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async create(task: StoredTask): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.#table,
        Item: itemOf(task),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<StoredTask | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: key(id), ConsistentRead: true }),
    );
    return Item ? taskOf(Item) : undefined;
  }

  /**
   * Replaces the task if nobody changed it since `expected` was read (its version), in one conditional write. This
   * is what makes "exactly one decision" hold when fifty clicks race.
   */
  async replace(expected: StoredTask, next: StoredTask): Promise<void> {
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: itemOf({ ...next, version: expected.version + 1 }),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expected.version },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new TaskConflict(`task ${expected.id} changed while it was being updated`);
      }
      throw error;
    }
  }

  async openFor(assignee: string): Promise<StoredTask[]> {
    return this.#queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :open)',
      ExpressionAttributeValues: { ':pk': `ASSIGNEE#${assignee}`, ':open': 'OPEN#' },
    });
  }

  async countOpenFor(assignee: string): Promise<number> {
    let count = 0;
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.#db.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :open)',
          ExpressionAttributeValues: { ':pk': `ASSIGNEE#${assignee}`, ':open': 'OPEN#' },
          Select: 'COUNT',
          ExclusiveStartKey: cursor,
        }),
      );
      count += page.Count ?? 0;
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return count;
  }

  /**
   * One page of the tasks whose next action (reminder, escalation, mail resend, delivery retry, overdue check) is due
   * at `now`, oldest first, and where the next page starts. The sweep goes on from `after`, not from the start,
   * so a task it could not handle does not hold back the ones behind it.
   */
  async duePage(
    now: Date,
    limit: number,
    after?: Record<string, unknown>,
  ): Promise<{ tasks: StoredTask[]; next: Record<string, unknown> | undefined }> {
    const page = await this.#db.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: 'gsi2',
        // '~' sorts after every task-id character, so every task due at exactly `now` is included.
        KeyConditionExpression: 'gsi2pk = :due AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':due': dueKey, ':now': `${now.toISOString()}#~` },
        Limit: limit,
        ExclusiveStartKey: after,
      }),
    );
    // The index is eventually consistent: re-read each task before acting on it.
    const tasks = await Promise.all((page.Items ?? []).map((item) => this.get(String(item.id))));
    return {
      tasks: tasks.filter((task): task is StoredTask => Boolean(task)),
      next: page.LastEvaluatedKey,
    };
  }

  /**
   * Every open task and every decision still to be delivered, as the due index has them (a gauge may be a moment
   * behind; nothing acts on these copies).
   */
  async allWithNextAction(): Promise<StoredTask[]> {
    return this.#queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :due',
      ExpressionAttributeValues: { ':due': dueKey },
    });
  }

  /** Every task about the subject, oldest first, each re-read (the index is eventually consistent). */
  async ofSubject(subjectId: string): Promise<StoredTask[]> {
    const found = await this.#queryAll({
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND begins_with(gsi3sk, :task)',
      ExpressionAttributeValues: { ':pk': `SUBJECT#${subjectId}`, ':task': 'TASK#' },
    });
    return Promise.all(found.map(async (task) => (await this.get(task.id)) ?? task));
  }

  async #queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<StoredTask[]> {
    return (await queryAll(this.#db, { TableName: this.#table, ...input })).map(taskOf);
  }
}
