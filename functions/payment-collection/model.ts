// Installments: one per payment term of a signed contract, collected from its due date to payment or write-off.
import type { PaymentTrigger } from '#contract-review/model.ts';
import type { Money } from '#shared/money.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';

export type InstallmentStatus =
  /** Delivery or acceptance has not happened: no due date yet, nothing sent. */
  | 'AWAITING_TRIGGER'
  /** Due date known, not yet overdue. */
  | 'SCHEDULED'
  | 'OVERDUE'
  /** The customer promised a date; the ladder waits for it (and its grace days). */
  | 'PROMISED'
  /** The customer disputes it; the ladder waits for the sales manager. */
  | 'DISPUTED'
  /** Legal took it over (level 4: pursue). */
  | 'LEGAL'
  | 'PAID'
  | 'WRITTEN_OFF'
  /** The order whose delivery or acceptance it waited for was cancelled: never billed, never a receivable. */
  | 'CANCELLED'
  | 'NEEDS_ATTENTION';

/** Overdue levels: 1 notice and owner follow-up, 2 sales manager, 3 demand letter, 4 legal. */
export type Level = 1 | 2 | 3 | 4;
export const levels: readonly Level[] = [1, 2, 3, 4];

export interface AppliedPayment {
  /** The payment's reference, or `credit#<reference>` for credit the contract held. */
  reference: string;
  /** Fen applied to this installment. */
  amount: number;
  /** The day the money arrived. */
  on: string;
  at: string;
}

/** A customer's promise to pay: a record, kept or broken, never free text. */
export interface PaymentPromise {
  promisedDate: string;
  /** Fen promised, when the customer named an amount. */
  amount?: number;
  by: string;
  at: string;
  note?: string;
  state: 'open' | 'kept' | 'broken';
}

export interface Installment extends Subject {
  /** `CT-2026-00012-I2`: the contract's id and the term's number. */
  id: string;
  contractId: string;
  number: number;
  label: string;
  amount: Money;
  trigger: PaymentTrigger;
  dueDays: number;
  /** The contract's salesperson: follows the payment and answers for it. */
  owner: string;
  customer: { name: string; email: string };
  /** The contract's title, for mails. */
  title: string;
  status: InstallmentStatus;
  /** The day its due date became known (signing, delivery, acceptance): from then on it is a receivable. */
  billedOn?: string;
  dueDate?: string;
  /** Fen received so far; outstanding is `amount − paid`. */
  paid: number;
  payments: AppliedPayment[];
  /** When the reminder before the due date went out. */
  remindedAt?: string;
  /** Levels done, or passed over while the system was down (`skipped`), each at most once. */
  levels: { level: Level; at: string; skipped?: boolean }[];
  promises: PaymentPromise[];
  dispute?: { reason: string; by: string; at: string; state: 'open' | 'settled' };
  /** How many ladder runs it took (each at most 300 days): the next run's name. */
  runs: number;
  /** The run that ended to wait for a dispute; settling the dispute starts the run after it. */
  pausedForDispute?: number;
  /** The cancelled order that closed it while it waited for its trigger. */
  cancelledWith?: { orderId: string; at: string };
  /** The write-off someone asked for, and finance's approval once given. */
  writeOff?: { reason: string; by: string; at: string; approvedBy?: string; approvedAt?: string };
  /** The day it was paid in full. */
  paidOn?: string;
}

export const outstandingOf = (installment: Pick<Installment, 'amount' | 'paid'>): number =>
  installment.amount.amount - installment.paid;

export const highestLevel = (installment: Pick<Installment, 'levels'>): Level | 0 =>
  installment.levels.reduce<Level | 0>((top, entry) => (entry.level > top ? entry.level : top), 0);

/** Money is still owed on it: billed, not paid in full, not written off. A payment applies to it. */
export const isOwed = (installment: Pick<Installment, 'status' | 'billedOn' | 'amount' | 'paid'>): boolean =>
  installment.billedOn !== undefined &&
  installment.status !== 'WRITTEN_OFF' &&
  outstandingOf(installment) > 0;

/** `CT-2026-00012-I2` from the contract's id and the term's number. */
export const installmentId = (contractId: string, number: number) => `${contractId}-I${number}`;
