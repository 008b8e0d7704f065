// Checks a decision against its task: an allowed outcome, the fields that outcome needs, a reason where required.
import * as z from 'zod/mini';
import type { FieldProblem } from '#shared/errors.ts';
import { moneySchema } from '#shared/money.ts';
import { inEnglish } from '#shared/schema-parse.ts';
import { forbiddenControlCharacter, multiLineText, oneLineText } from '#shared/text.ts';
import {
  type FieldSpec,
  type OutcomeId,
  oneLineTextLimit,
  outcomeIds,
  outcomesNeedingReason,
  type Task,
} from './task-model.ts';

export interface RawDecision {
  outcome: unknown;
  fields: Record<string, unknown>;
  comment: unknown;
}

const isNamedValues = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A decision's fields as sent, every own key kept. zod's record drops a `__proto__` key without a word, so a
 * decision carrying one would pass the check below that refuses any name not in the task's field schema.
 */
export const sentFieldsSchema = z.custom<Record<string, unknown>>(
  isNamedValues,
  'fields must be an object of named values',
);

/** The task form's inputs by name, all of them (see sentFieldsSchema: `__proto__=x` must reach the check). */
export const formInputsSchema = z.custom<Record<string, string>>(
  (value) => isNamedValues(value) && Object.values(value).every((input) => typeof input === 'string'),
  'expected the inputs of the task form',
);

/**
 * What is wrong with a decision, so the task page can say it in the reader's words; `message` is the API's English.
 * `limit` is the most allowed: characters for `too-long`, minor units for `over-max`.
 */
export type DecisionProblemKind =
  | 'choose-outcome'
  | 'required'
  | 'too-long'
  | 'control-characters'
  | 'reason-required'
  | 'not-a-date'
  | 'not-a-link'
  | 'not-an-amount'
  | 'over-max'
  | 'not-a-choice'
  | 'unknown-field';

export interface DecisionProblem extends FieldProblem {
  kind: DecisionProblemKind;
  limit?: number;
}

export interface ValidDecision {
  outcome: OutcomeId;
  fields: Record<string, unknown>;
  comment: string;
}

/** Yuan as typed in a form (`1234.5`) → fen, exactly; the API may also send `{amount, currency}`. */
const yuanText = z.pipe(
  z
    .string()
    .check(
      z.trim(),
      z.regex(/^\d{1,13}(\.\d{1,2})?$/, 'enter an amount in yuan with at most two decimals, e.g. 1234.50'),
    ),
  z.transform((text) => {
    const [whole, fraction = ''] = text.split('.');
    return { amount: Number(whole) * 100 + Number(fraction.padEnd(2, '0')), currency: 'CNY' as const };
  }),
);

function fieldSchema(field: FieldSpec): z.ZodMiniType {
  switch (field.type) {
    case 'text': {
      const limits = { max: field.maxLength, minMessage: 'required' };
      return field.maxLength > oneLineTextLimit ? multiLineText(limits) : oneLineText(limits);
    }
    case 'date':
      return z.iso.date('enter a date as YYYY-MM-DD');
    case 'url':
      return z.url('enter a full link, starting with https://');
    case 'money': {
      const max = field.max;
      const amount = z.union([yuanText, z.extend(moneySchema, { currency: z.literal(field.currency) })]);
      return max === undefined
        ? amount
        : amount.check(
            z.refine((m) => m.amount <= max, `at most ${(max / 100).toFixed(2)} ${field.currency}`),
          );
    }
    case 'choice':
      return z.enum(field.options as [string, ...string[]]);
  }
}

/** The kind of a field's parse issue: what its type can get wrong, told apart by zod's issue code where needed. */
function problemKind(field: FieldSpec, code: string): Pick<DecisionProblem, 'kind' | 'limit'> {
  switch (field.type) {
    case 'text':
      if (code === 'too_big') return { kind: 'too-long', limit: field.maxLength };
      return code === 'too_small' ? { kind: 'required' } : { kind: 'control-characters' };
    case 'date':
      return { kind: 'not-a-date' };
    case 'url':
      return { kind: 'not-a-link' };
    case 'money':
      return code === 'custom' && field.max !== undefined
        ? { kind: 'over-max', limit: field.max }
        : { kind: 'not-an-amount' };
    case 'choice':
      return { kind: 'not-a-choice' };
  }
}

/** Blank form inputs count as absent, so an optional field left empty is not an error. */
const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && !value.trim());

const commentLimit = 4000;

export function validateDecision(
  task: Pick<Task, 'outcomes' | 'fields'>,
  raw: RawDecision,
): { ok: true; decision: ValidDecision } | { ok: false; errors: DecisionProblem[] } {
  const errors: DecisionProblem[] = [];
  const outcome = z.enum(outcomeIds).safeParse(raw.outcome);
  if (!outcome.success || !task.outcomes.includes(outcome.data)) {
    errors.push({
      field: 'outcome',
      kind: 'choose-outcome',
      message: `choose one of: ${task.outcomes.join(', ')}`,
    });
    return { ok: false, errors };
  }
  const comment = typeof raw.comment === 'string' ? raw.comment.trim() : '';
  if (comment.length > commentLimit) {
    errors.push({
      field: 'comment',
      kind: 'too-long',
      limit: commentLimit,
      message: `at most ${commentLimit} characters`,
    });
  }
  if (forbiddenControlCharacter(comment, true) !== undefined) {
    errors.push({
      field: 'comment',
      kind: 'control-characters',
      message: 'must not contain control characters other than line breaks and tabs',
    });
  }
  if (outcomesNeedingReason.has(outcome.data) && !comment) {
    errors.push({
      field: 'comment',
      kind: 'reason-required',
      message: `a reason is required to ${outcome.data}`,
    });
  }

  const fields: Record<string, unknown> = {};
  const sent = (name: string) => (Object.hasOwn(raw.fields, name) ? raw.fields[name] : undefined);
  const applicable = task.fields.filter((f) => !f.forOutcomes || f.forOutcomes.includes(outcome.data));
  for (const field of applicable) {
    const value = sent(field.name);
    if (isBlank(value)) {
      if (field.required) {
        errors.push({
          field: `fields.${field.name}`,
          kind: 'required',
          message: `${field.label.en} is required`,
        });
      }
      continue;
    }
    const parsed = fieldSchema(field).safeParse(value, inEnglish);
    if (parsed.success) fields[field.name] = parsed.data;
    else {
      errors.push(
        ...parsed.error.issues.map((issue) => ({
          field: [`fields.${field.name}`, ...issue.path.map(String)].join('.'),
          message: issue.message,
          ...problemKind(field, issue.code),
        })),
      );
    }
    if (field.needsReason && !comment) {
      errors.push({
        field: 'comment',
        kind: 'reason-required',
        message: `a reason is required when ${field.label.en} is filled in`,
      });
    }
  }
  // The form sends every field of the task, blank for other outcomes' fields: those are let pass when blank. A name
  // that is no field of the task at all (`__proto__`, `constructor`, a typo) is refused even when blank.
  const ofOutcome = new Set(applicable.map((f) => f.name));
  const ofTask = new Set(task.fields.map((f) => f.name));
  for (const name of Object.keys(raw.fields)) {
    if (ofOutcome.has(name)) continue;
    if (!ofTask.has(name) || !isBlank(sent(name))) {
      errors.push({
        field: `fields.${name}`,
        kind: 'unknown-field',
        message: 'not a field of this decision',
      });
    }
  }
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, decision: { outcome: outcome.data, fields, comment } };
}
