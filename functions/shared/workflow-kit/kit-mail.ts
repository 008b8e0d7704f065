// The kit's words to people: how a review ended, that it needs attention, and earlier comments on a task page.
import type { SubjectNames } from '#human-tasks/task-subjects.ts';
import { taskWords } from '#human-tasks/words.ts';
import type { OutgoingMail } from '../mailer.ts';
import { type OutcomeNotice, renderOutcomeMail } from '../outcome-mail.ts';
import type { Locale, Person } from '../people.ts';
import type { PeopleRepository } from '../people-repository.ts';
import type { Bilingual } from '../words.ts';
import type { Review } from './reviews.ts';
import type { Subject } from './subject.ts';
import type { Ending, Workflow, WorkflowTasks } from './workflow.ts';

const needsAttention: { outcome: Bilingual; next: Bilingual } = {
  outcome: { 'zh-CN': '需人工处理', en: 'needs attention' },
  next: {
    'zh-CN':
      '处理过程中出现问题，流程已暂停，已占用的预算等已释放。运维人员已收到通知并会跟进；您无需操作，处理结果将另行通知。',
    en: 'A problem stopped its workflow; anything it held (such as budget) was released. Operations have been told and will follow up; you need not do anything, and you will hear how it ends.',
  },
};

interface MailTo {
  to: string;
  recipient: Pick<Person, 'name' | 'locale'> | undefined;
}

/** The mail about how a subject's review went, to its requester, in their locale. */
function renderSubjectMail<S extends Subject, D>(
  input: MailTo & { workflow: Workflow<S, D>; subject: S; outcome: Bilingual; next?: Bilingual },
  extra: { amount?: OutcomeNotice['amount']; reason?: string; by?: string } = {},
): OutgoingMail {
  const { workflow, subject } = input;
  return renderOutcomeMail({
    to: input.to,
    name: input.recipient?.name ?? input.to,
    locale: input.recipient?.locale ?? 'zh-CN',
    what: workflow.words.subject,
    id: subject.id,
    title: workflow.title(subject),
    outcome: input.outcome,
    next: input.next,
    ...extra,
  });
}

export function renderEndingMail<S extends Subject, D>(
  input: MailTo & {
    workflow: Workflow<S, D>;
    subject: S;
    ending: Ending<S>;
    reason: string | undefined;
    by: string | undefined;
  },
): OutgoingMail {
  const { ending } = input;
  return renderSubjectMail(
    { ...input, outcome: ending.outcome, next: ending.next },
    { amount: input.workflow.amount?.(input.subject), reason: input.reason || undefined, by: input.by },
  );
}

export function renderNeedsAttentionMail<S extends Subject, D>(
  input: MailTo & { workflow: Workflow<S, D>; subject: S },
): OutgoingMail {
  return renderSubjectMail({ ...input, ...needsAttention });
}

/** Earlier decisions with a comment, as a task page shows them: who, when, at which step, what they decided. */
export async function describeEarlierComments<S extends Subject, D>(
  workflow: Workflow<S, D>,
  people: Pick<PeopleRepository, 'getMany'>,
  reviews: readonly Review[],
  locale: Locale,
): Promise<{ at: string; by: string; text: string }[]> {
  const commented = reviews.filter((review) => review.comment && review.effect !== 'skipped');
  const names = new Map((await people.getMany(commented.map((r) => r.by))).map((p) => [p.email, p.name]));
  const w = taskWords(locale);
  return commented.map((review) => {
    const step = subjectNames(workflow, review.step, locale).step;
    return {
      at: review.at,
      by: names.get(review.by) ?? review.by,
      text: `${step}${w.colon}${w.outcome[review.outcome]} — ${review.comment}`,
    };
  });
}

/** What a workflow's subject and one of its steps are called, for a reader. */
export function subjectNames<S extends Subject, D>(
  workflow: WorkflowTasks<S, D>,
  step: string,
  locale: Locale,
): SubjectNames {
  return { kind: workflow.words.subject[locale], step: workflow.words.steps[step]?.[locale] ?? step };
}
