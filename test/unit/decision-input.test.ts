// A decision checked against its task: only the task's own fields, no `__proto__` slipping past, no control characters.
import { describe, expect, it } from 'vitest';
import {
  formInputsSchema,
  type RawDecision,
  sentFieldsSchema,
  validateDecision,
} from '#human-tasks/decision-input.ts';
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
