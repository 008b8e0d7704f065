// The workflow kit's steps with in-memory fakes: recording once at the right version, endings, needs attention, starts.
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import type { Task } from '#human-tasks/task-model.ts';
import { type KeptMail, subjectMailer } from '#shared/mail-outbox.ts';
import { MailRefused, type OutgoingMail } from '#shared/mailer.ts';
import type { OpsEvent } from '#shared/ops-signals.ts';
import { asStepError, isTransient, Transient } from '#shared/transient.ts';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import type { Review } from '#shared/workflow-kit/reviews.ts';
import { recordStart, startReview } from '#shared/workflow-kit/start.ts';
import {
  finishReview,
  type KitEndingDeps,
  markNeedsAttention,
  prepareTask,
  recordDecision,
  UnknownStep,
} from '#shared/workflow-kit/steps.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';
import { SubjectChanged } from '#shared/workflow-kit/subject-items.ts';
import type { Workflow } from '#shared/workflow-kit/workflow.ts';

interface Request extends Subject {
  owner: string;
  title: string;
  holds: number;
}

let stored: Map<string, Request>;
let reviews: Review[];
let tasks: Map<string, Task>;
let mails: OutgoingMail[];
let audit: string[];
let signals: string[];
let closings: string[];

const now = new Date('2026-11-20T02:00:00.000Z');

const workflow: Workflow<Request, { released: string[] }> = {
  slug: 'test-requests',
  kind: 'test-request',
  words: {
    subject: { 'zh-CN': '测试申请', en: 'Test request' },
    steps: { Review: { 'zh-CN': '审批', en: 'Review' } },
  },
  deps: () => ({ released: [] }),
  subjects: () => ({
    get: async (id) => stored.get(id),
    save: async (subject) => {
      const current = stored.get(subject.id);
      if ((current?.revision ?? 0) !== subject.revision) throw new Error('revision conflict');
      const next = { ...subject, revision: subject.revision + 1 };
      stored.set(subject.id, next);
      return next;
    },
  }),
  requester: (request) => request.owner,
  title: (request) => request.title,
  humanSteps: {
    Review: {
      type: 'test-review',
      outcomes: ['approve', 'reject'],
      assignee: () => ({ role: 'supervisor' }),
      sla: () => ({ reminderAfter: { businessDays: 1 }, escalateAfter: { businessDays: 2 } }),
      status: 'AWAITING_REVIEW',
    },
  },
  summarize: async () => ({ facts: [], lines: [], findings: [], history: [] }),
  afterDecision: async ({ review, reviews: all }) => ({
    route: { approvals: all.filter((r) => r.outcome === 'approve').length },
    ...(review.comment === 'tampered' ? { effect: 'content-changed' } : {}),
  }),
  endings: {
    approved: { status: 'APPROVED', outcome: { 'zh-CN': '已批准', en: 'approved' } },
    rejected: { status: 'REJECTED', outcome: { 'zh-CN': '已驳回', en: 'rejected' } },
    expired: { status: 'EXPIRED', outcome: { 'zh-CN': '已过期', en: 'expired' } },
  },
  onFinish: async ({ subject }) => ({ holds: subject.holds - 1 }),
  onNeedsAttention: async ({ subject, deps }) => {
    deps.released.push(subject.id);
  },
};

let deps: { released: string[] };

const kit = (): KitEndingDeps => ({
  reviews: {
    add: async (review) => {
      if (reviews.some((r) => r.at === review.at && r.taskId === review.taskId)) return false;
      reviews.push(review);
      return true;
    },
    of: async (id) => reviews.filter((r) => r.subjectId === id),
  },
  tasks: { get: async (id) => tasks.get(id) },
  audit: { record: async (entry) => void audit.push(entry.action) },
  people: {
    get: async (email) => ({
      email,
      name: `Name of ${email}`,
      roles: ['sales'],
      locale: 'en',
      version: 1,
      updatedAt: '',
    }),
    getMany: async () => [],
  },
  clock: { now: () => now },
  mailer: { send: async (mail) => void mails.push(mail) },
  closing: {
    closeExpired: async (id, arn) => void closings.push(`expired ${id} ${arn}`),
    cancelOpen: async (id, arn) => void closings.push(`cancelled ${id} ${arn}`),
  },
  ops: {
    tell: (event) =>
      void signals.push(
        event.event === 'needs-attention' ? `${event.workflow}: ${event.error}` : event.event,
      ),
  },
});

const ref = { kind: 'test-request', id: 'EX-2026-00001', version: 2 };

function decided(id: string, outcome: 'approve' | 'reject', comment = 'fine'): Task {
  return {
    id,
    type: 'test-review',
    status: 'DECIDED',
    workflow: { slug: 'test-requests', executionArn: 'arn:exec', stateName: 'Review' },
    subject: ref,
    title: 'Taxi',
    assignee: 'boss@example.com',
    requester: 'owner@example.com',
    excluded: [],
    outcomes: ['approve', 'reject'],
    fields: [],
    sla: { reminderAfter: { businessDays: 1 }, escalateAfter: { businessDays: 2 } },
    openedAt: now.toISOString(),
    deadlineAt: now.toISOString(),
    escalated: false,
    linkHash: 'x',
    linkVersion: 1,
    retiredLinks: [],
    version: 2,
    decision: {
      outcome,
      fields: { note: 'n' },
      comment,
      decidedBy: 'boss@example.com',
      decidedAt: now.toISOString(),
    },
  };
}

beforeEach(() => {
  stored = new Map([
    [
      ref.id,
      {
        id: ref.id,
        version: 2,
        revision: 3,
        status: 'IN_REVIEW',
        owner: 'owner@example.com',
        title: 'Taxi',
        holds: 1,
      },
    ],
  ]);
  reviews = [];
  tasks = new Map([
    ['t1', decided('t1', 'approve')],
    ['t2', decided('t2', 'reject', 'over the policy')],
  ]);
  mails = [];
  audit = [];
  signals = [];
  closings = [];
  deps = { released: [] };
});

describe('recording a decision', () => {
  it('keeps the decided task’s fields and comment with the subject, once, and returns the route', async () => {
    const first = await recordDecision(workflow, deps, kit(), {
      subject: ref,
      decision: { taskId: 't1', outcome: 'approve' },
    });
    const again = await recordDecision(workflow, deps, kit(), {
      subject: ref,
      decision: { taskId: 't1', outcome: 'approve' },
    });
    expect(first).toEqual({ outcome: 'approve', route: { approvals: 1 } });
    expect(again).toEqual(first);
    expect(reviews).toEqual([
      expect.objectContaining({
        step: 'Review',
        outcome: 'approve',
        by: 'boss@example.com',
        comment: 'fine',
        fields: { note: 'n' },
      }),
    ]);
  });

  it('refuses a subject at another version, and a task that is not a decided task of this subject', async () => {
    const stale = recordDecision(workflow, deps, kit(), {
      subject: { ...ref, version: 1 },
      decision: { taskId: 't1', outcome: 'approve' },
    });
    await expect(stale).rejects.toMatchObject({ name: 'StaleSubject' });
    const unknown = recordDecision(workflow, deps, kit(), {
      subject: ref,
      decision: { taskId: 'nope', outcome: 'approve' },
    });
    await expect(unknown).rejects.toMatchObject({ name: 'UnknownDecision' });
    expect(reviews).toEqual([]);
  });

  it('keeps what the workflow made of a decision with it', async () => {
    tasks.set('t3', decided('t3', 'approve', 'tampered'));
    await recordDecision(workflow, deps, kit(), {
      subject: ref,
      decision: { taskId: 't3', outcome: 'approve' },
    });
    expect(reviews[0]?.effect).toBe('content-changed');
  });
});

describe('opening a human step', () => {
  it('applies the step’s declaration to the subject and puts the subject in the step’s status', async () => {
    const input = await prepareTask(workflow, deps, kit(), {
      taskToken: 'tok',
      executionArn: 'arn:exec',
      stateName: 'Review',
      subject: ref,
      deadlineSeconds: 600,
    });
    expect(input).toMatchObject({
      type: 'test-review',
      title: 'Taxi',
      requester: 'owner@example.com',
      assignee: { role: 'supervisor' },
    });
    expect(stored.get(ref.id)?.status).toBe('AWAITING_REVIEW');
  });

  it('refuses a step the workflow does not declare', async () => {
    const request = {
      taskToken: 't',
      executionArn: 'a',
      stateName: 'Nope',
      subject: ref,
      deadlineSeconds: 1,
    };
    await expect(prepareTask(workflow, deps, kit(), request)).rejects.toBeInstanceOf(UnknownStep);
  });

  it('keeps earlier approvers of this version from deciding a step that asks for a second person', async () => {
    const second = {
      ...workflow,
      humanSteps: { Review: { ...workflow.humanSteps.Review, excludeEarlierApprovers: true } },
    };
    await recordDecision(workflow, deps, kit(), {
      subject: ref,
      decision: { taskId: 't1', outcome: 'approve' },
    });
    const request = {
      taskToken: 't',
      executionArn: 'a',
      stateName: 'Review',
      subject: ref,
      deadlineSeconds: 1,
    };
    const input = await prepareTask(second as typeof workflow, deps, kit(), request);
    expect(input.excluded).toEqual(['boss@example.com']);
    expect((await prepareTask(workflow, deps, kit(), request)).excluded).toEqual([]);
  });
});

describe('finishing', () => {
  it('sets the final status once, and tells the requester once, with the reason of a turn-down', async () => {
    await recordDecision(workflow, deps, kit(), {
      subject: ref,
      decision: { taskId: 't2', outcome: 'reject' },
    });
    await finishReview(workflow, deps, kit(), { subject: ref, ending: 'rejected' });
    await finishReview(workflow, deps, kit(), { subject: ref, ending: 'rejected' });
    expect(stored.get(ref.id)).toMatchObject({ status: 'REJECTED', holds: 0, closedAt: now.toISOString() });
    expect(audit).toEqual(['rejected']);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).toContain('over the policy');
    expect(mails[0]?.text).toContain('Name of boss@example.com');
  });

  it('sends the mail a failed attempt did not send', async () => {
    let failOnce = true;
    const flaky = {
      ...kit(),
      mailer: {
        send: async (mail: OutgoingMail) => {
          if (failOnce) {
            failOnce = false;
            throw new Error('SES down');
          }
          mails.push(mail);
        },
      },
    };
    await expect(finishReview(workflow, deps, flaky, { subject: ref, ending: 'approved' })).rejects.toThrow(
      'SES down',
    );
    await finishReview(workflow, deps, flaky, { subject: ref, ending: 'approved' });
    expect(mails).toHaveLength(1);
    expect(audit).toEqual(['approved']);
  });

  it('ends normally when SES refuses the requester’s mail (its sandbox): kept for the sweep, audited, ops told', async () => {
    const kept: KeptMail[] = [];
    const base = kit();
    const refusing = {
      ...base,
      mailer: subjectMailer({
        mailer: {
          send: async () => {
            throw new MailRefused('MessageRejected: Email address is not verified.');
          },
        },
        outbox: { keep: async (mail) => void kept.push(mail) },
        audit: base.audit,
        ops: base.ops,
        clock: base.clock,
      }),
    };
    await finishReview(workflow, deps, refusing, { subject: ref, ending: 'approved' });
    expect(stored.get(ref.id)?.status).toBe('APPROVED');
    expect(audit).toEqual(['approved', 'mail-refused']);
    expect(signals).toEqual(['mail-not-sent']);
    expect(kept).toMatchObject([
      { subjectId: ref.id, workflow: 'test-requests', attempts: 1, mail: { to: 'owner@example.com' } },
    ]);
    // The step retried: the review ended and its mail is in hand; nothing happens twice.
    await finishReview(workflow, deps, refusing, { subject: ref, ending: 'approved' });
    expect(kept).toHaveLength(1);
  });

  it('closes an expired step’s tasks and leaves telling the requester to the task core', async () => {
    await finishReview(workflow, deps, kit(), { subject: ref, ending: 'expired', executionArn: 'arn:exec' });
    expect(closings).toEqual([`expired ${ref.id} arn:exec`]);
    expect(mails).toEqual([]);
    expect(stored.get(ref.id)?.status).toBe('EXPIRED');
  });
});

describe('needs attention', () => {
  const failure = {
    Error: 'TypeError',
    Cause: JSON.stringify({ errorType: 'TypeError', errorMessage: 'x is undefined', trace: ['at y'] }),
  };

  it('marks the subject with the error, gives back what it holds, closes its tasks, tells ops and the requester', async () => {
    await markNeedsAttention(workflow, deps, kit(), { subject: ref, executionArn: 'arn:exec', failure });
    expect(stored.get(ref.id)).toMatchObject({
      status: 'NEEDS_ATTENTION',
      attention: { error: 'TypeError', cause: 'x is undefined', executionArn: 'arn:exec' },
    });
    expect(deps.released).toEqual([ref.id]);
    expect(closings).toEqual([`cancelled ${ref.id} arn:exec`]);
    expect(signals).toEqual(['test-requests: TypeError']);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).not.toContain('x is undefined');
  });

  it('does it once for an execution', async () => {
    await markNeedsAttention(workflow, deps, kit(), { subject: ref, executionArn: 'arn:exec', failure });
    await markNeedsAttention(workflow, deps, kit(), { subject: ref, executionArn: 'arn:exec', failure });
    expect(signals).toHaveLength(1);
    expect(mails).toHaveLength(1);
  });
});

describe('starting a review', () => {
  let told: OpsEvent[];
  const ops = { tell: (event: OpsEvent) => void told.push(event) };
  beforeEach(() => {
    told = [];
  });
  const failingStarter = {
    canStart: () => true,
    start: async (): Promise<string> => {
      throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    },
  };

  it('undoes what the request wrote when the start fails, and passes the error on', async () => {
    const undone: string[] = [];
    await expect(
      startReview(
        { starter: failingStarter, ops },
        'test-requests',
        ref,
        async () => void undone.push('undone'),
      ),
    ).rejects.toThrow('throttled');
    expect(undone).toEqual(['undone']);
    expect(told).toEqual([]);
  });

  it('tells ops when the undo fails too: the subject claims a review nobody runs', async () => {
    const undo = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    };
    await expect(startReview({ starter: failingStarter, ops }, 'test-requests', ref, undo)).rejects.toThrow(
      'throttled',
    );
    expect(told).toEqual([
      {
        event: 'start-not-undone',
        workflow: 'test-requests',
        subjectId: ref.id,
        reason: 'ProvisionedThroughputExceededException: Rate exceeded',
      },
    ]);
  });

  it('names the execution by the subject’s version', async () => {
    const started: string[] = [];
    const starter = {
      canStart: () => true,
      start: async (_: string, name: string) => {
        started.push(name);
        return 'arn';
      },
    };
    await startReview({ starter, ops }, 'test-requests', ref, async () => {});
    expect(started).toEqual(['EX-2026-00001-r2']);
  });

  it('does not fail a request whose review has started when its trail entry cannot be written; ops get the entry', async () => {
    const entry = {
      subjectId: ref.id,
      at: '2026-03-02T09:00:00.000Z',
      actor: 'a@example.com',
      action: 'submitted',
    };
    const written: unknown[] = [];
    const throttled = {
      record: async () => {
        throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
      },
    };
    await expect(recordStart({ audit: throttled, ops }, entry)).resolves.toBeUndefined();
    expect(told).toEqual([
      { event: 'trail-entry-lost', entry, reason: 'ProvisionedThroughputExceededException: throttled' },
    ]);
    await recordStart({ audit: { record: async (e) => void written.push(e) }, ops }, entry);
    expect(written).toEqual([entry]);
    expect(told).toHaveLength(1);
  });
});

describe('passing faults', () => {
  it.each([
    ['a DynamoDB throttle', { name: 'ProvisionedThroughputExceededException' }],
    ['an SES throttle', { name: 'TooManyRequestsException' }],
    ['a 503', { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }],
    ['a reset connection', { name: 'Error', code: 'ECONNRESET' }],
  ])('%s becomes Transient, keeping its cause', (_, shape) => {
    const error = Object.assign(new Error('boom'), shape);
    expect(isTransient(error)).toBe(true);
    const thrown = asStepError(error) as Error;
    expect(thrown).toBeInstanceOf(Transient);
    expect(thrown.cause).toBe(error);
  });

  it.each([
    [
      'a conditional-check conflict',
      { name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } },
    ],
    ['a bug', { name: 'TypeError' }],
  ])('%s is not transient: it goes to Needs attention', (_, shape) => {
    const error = Object.assign(new Error('boom'), shape);
    expect(isTransient(error)).toBe(false);
    expect(asStepError(error)).toBe(error);
  });

  it('a step handler refuses a malformed input loudly and maps a throttle to Transient', async () => {
    const handler = stepHandler(z.object({ id: z.string() }), async () => {
      throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    });
    await expect(handler({ id: 1 })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(handler({ id: 'x' })).rejects.toMatchObject({ name: 'Transient' });
  });

  it('a step that finds its subject saved by another writer meanwhile throws Transient, to run again', async () => {
    const handler = stepHandler(z.object({ id: z.string() }), async ({ id }) => {
      throw new SubjectChanged(id);
    });
    await expect(handler({ id: 'CT-2026-00001' })).rejects.toMatchObject({
      name: 'Transient',
      cause: { code: 'conflict' },
    });
  });
});
