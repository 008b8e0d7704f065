// A decision checked against its task: only the task's own fields, no `__proto__` slipping past, no control characters.
import { describe, expect, it } from 'vitest';
import {
  formInputsSchema,
  type RawDecision,
  sentFieldsSchema,
  validateDecision,
} from '#human-tasks/decision-input.ts';
import { pageWords } from '#human-tasks/page-words.ts';
import type { Task } from '#human-tasks/task-model.ts';

const label = (en: string) => ({ 'zh-CN': en, en });

/** Logistics ships: carrier and tracking number for `shipped`, a date only for `cannot-meet`. */
const task: Pick<Task, 'outcomes' | 'fields'> = {
  outcomes: ['shipped', 'cannot-meet'],
  fields: [
    {
      name: 'carrier',
      label: label('Carrier'),
      type: 'text',
      maxLength: 100,
      required: true,
      forOutcomes: ['shipped'],
    },
    {
      name: 'notes',
      label: label('Notes'),
      type: 'text',
      maxLength: 1000,
      required: false,
      forOutcomes: ['shipped'],
    },
    {
      name: 'proposedDate',
      label: label('Proposed date'),
      type: 'date',
      required: true,
      forOutcomes: ['cannot-meet'],
    },
  ],
};

const shipped = (fields: Record<string, unknown>, comment = ''): RawDecision => ({
  outcome: 'shipped',
  fields,
  comment,
});

const problemFields = (result: ReturnType<typeof validateDecision>) =>
  result.ok ? [] : result.errors.map((problem) => problem.field).sort();

describe('the fields of a decision', () => {
  it('takes the fields of the outcome chosen, and lets blank fields of other outcomes pass as a form sends them', () => {
    const result = validateDecision(task, shipped({ carrier: 'SF Express', proposedDate: '' }));
    expect(result).toEqual({
      ok: true,
      decision: { outcome: 'shipped', fields: { carrier: 'SF Express' }, comment: '' },
    });
  });

  it('refuses a filled field of another outcome', () => {
    expect(
      problemFields(validateDecision(task, shipped({ carrier: 'SF', proposedDate: '2026-12-01' }))),
    ).toEqual(['fields.proposedDate']);
  });

  it('refuses a __proto__ field from JSON, naming it, although zod would have dropped it', () => {
    const body = JSON.parse('{"outcome":"shipped","fields":{"carrier":"SF","__proto__":{"approved":true}}}');
    const fields = sentFieldsSchema.parse(body.fields);
    expect(problemFields(validateDecision(task, shipped(fields)))).toEqual(['fields.__proto__']);
  });

  it('refuses __proto__ and constructor from the task form, blank or not', () => {
    const inputs = formInputsSchema.parse(
      Object.fromEntries(new URLSearchParams('carrier=SF&__proto__=x&constructor=')),
    );
    const { carrier, ...others } = inputs;
    expect(problemFields(validateDecision(task, shipped({ carrier, ...others })))).toEqual([
      'fields.__proto__',
      'fields.constructor',
    ]);
  });

  it('refuses any name that is no field of the task, even blank', () => {
    expect(problemFields(validateDecision(task, shipped({ carrier: 'SF', approvedBy: '' })))).toEqual([
      'fields.approvedBy',
    ]);
  });

  it('does not read a field from the prototype chain', () => {
    const inherited = Object.create({ carrier: 'SF' }) as Record<string, unknown>;
    expect(problemFields(validateDecision(task, shipped(inherited)))).toEqual(['fields.carrier']);
  });

  it.each([
    ['NUL', '\u0000'],
    ['ESC', '\u001b'],
    ['BEL', '\u0007'],
    ['vertical tab', '\u000b'],
    ['line feed', '\n'],
    ['a C1 control', '\u0085'],
  ])('refuses %s in a one-line text field', (_name, control) => {
    expect(problemFields(validateDecision(task, shipped({ carrier: `SF${control}Express` })))).toEqual([
      'fields.carrier',
    ]);
  });

  it('keeps line breaks and tabs in a longer text field and the comment, refusing other controls there', () => {
    const ok = validateDecision(
      task,
      shipped({ carrier: 'SF', notes: 'two boxes\r\n\tfragile' }, 'line 1\nline 2'),
    );
    expect(ok.ok).toBe(true);
    expect(
      problemFields(validateDecision(task, shipped({ carrier: 'SF', notes: 'a\u0000b' }, 'x\u001by'))),
    ).toEqual(['comment', 'fields.notes']);
  });
});

describe('what is wrong, in the reader’s words', () => {
  const everyKind: Pick<Task, 'outcomes' | 'fields'> = {
    outcomes: ['approve', 'reject'],
    fields: [
      { name: 'title', label: label('Title'), type: 'text', maxLength: 5, required: false },
      { name: 'due', label: label('Due'), type: 'date', required: false },
      { name: 'link', label: label('Link'), type: 'url', required: false },
      { name: 'less', label: label('Less'), type: 'money', currency: 'CNY', max: 10_000, required: false },
      { name: 'how', label: label('How'), type: 'choice', options: ['sea', 'air'], required: false },
      { name: 'needed', label: label('Needed'), type: 'text', maxLength: 100, required: true },
    ],
  };
  const refused = (raw: Partial<RawDecision>) => {
    const result = validateDecision(everyKind, { outcome: 'approve', fields: {}, comment: '', ...raw });
    return result.ok ? [] : result.errors.map(({ field, kind, limit }) => ({ field, kind, limit }));
  };

  it('names the kind of each problem, with its limit, so the page can say it', () => {
    expect(refused({ outcome: 'sign' })).toEqual([{ field: 'outcome', kind: 'choose-outcome' }]);
    expect(refused({ outcome: 'reject', fields: { needed: 'x', nope: '' } })).toEqual([
      { field: 'comment', kind: 'reason-required' },
      { field: 'fields.nope', kind: 'unknown-field' },
    ]);
    expect(
      refused({
        comment: 'a\u0000b',
        fields: {
          title: 'too long',
          due: 'soon',
          link: 'here',
          less: '100.01',
          how: 'rail',
        },
      }),
    ).toEqual([
      { field: 'comment', kind: 'control-characters' },
      { field: 'fields.title', kind: 'too-long', limit: 5 },
      { field: 'fields.due', kind: 'not-a-date' },
      { field: 'fields.link', kind: 'not-a-link' },
      { field: 'fields.less', kind: 'over-max', limit: 10_000 },
      { field: 'fields.how', kind: 'not-a-choice' },
      { field: 'fields.needed', kind: 'required' },
    ]);
    expect(refused({ fields: { needed: 'x', less: 'ten', title: 'a\u001bb' } })).toEqual([
      { field: 'fields.title', kind: 'control-characters' },
      { field: 'fields.less', kind: 'not-an-amount' },
    ]);
  });

  it('says every kind in Chinese to a zh-CN reader, and in English to an en one', () => {
    const kinds = [
      'choose-outcome',
      'required',
      'too-long',
      'control-characters',
      'reason-required',
      'not-a-date',
      'not-a-link',
      'not-an-amount',
      'over-max',
      'not-a-choice',
      'unknown-field',
    ] as const;
    for (const kind of kinds) {
      const zh = pageWords('zh-CN').page.problem({ kind, limit: 10_000 });
      // Only the formats a person must type stay in Latin letters (YYYY-MM-DD, https://).
      expect(zh.replace(/YYYY-MM-DD|https:\/\//g, ''), kind).not.toMatch(/[A-Za-z]{2,}/);
      expect(zh, kind).toMatch(/[\u4e00-\u9fff]/);
      expect(pageWords('en').page.problem({ kind, limit: 10_000 }), kind).toMatch(
        /^[A-Z][^\u4e00-\u9fff]+\.$/,
      );
    }
    expect(pageWords('zh-CN').page.problem({ kind: 'over-max', limit: 10_000 })).toContain('¥100.00');
  });
});
