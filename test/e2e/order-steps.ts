// An order's steps on the way to acceptance, as one list: who decides each, with which outcome and form fields.
import { addDays } from '#shared/clock.ts';

export const production = 'feng.lin@example.com';
export const logistics = 'ma.chao@example.com';

export interface OrderStep {
  step: string;
  assignee: string;
  outcome: string;
  form: Record<string, string>;
}

/**
 * Everything goes to plan on `today` (virtual, company time): production confirms completion in 30 days and reports
 * it done, logistics ships and confirms delivery today, and `salesOwner` records the customer's acceptance.
 */
export function stepsToAcceptance(today: string, salesOwner: string): OrderStep[] {
  return [
    {
      step: 'Production confirms schedule',
      assignee: production,
      outcome: 'confirm',
      form: { plannedDate: addDays(today, 30) },
    },
    { step: 'Production reports completion', assignee: production, outcome: 'done', form: {} },
    {
      step: 'Logistics ships',
      assignee: logistics,
      outcome: 'shipped',
      form: { carrier: '德邦', trackingNumber: 'DB000111', expectedDelivery: today },
    },
    {
      step: 'Confirm delivery',
      assignee: logistics,
      outcome: 'delivered',
      form: { deliveredOn: today, receiver: '王工' },
    },
    { step: 'Customer acceptance', assignee: salesOwner, outcome: 'accept', form: { acceptedOn: today } },
  ];
}
