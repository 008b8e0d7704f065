// The ladder's mails: the reminder, the overdue notice and the demand letter to the customer, with copies to staff.
import { daysBetween } from '#shared/clock.ts';
import type { OutgoingMail } from '#shared/mailer.ts';
import { formatMoneyForMail } from '#shared/money.ts';
import { renderOutcomeMail } from '#shared/outcome-mail.ts';
import type { Locale } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import { formatDate, formatNumber } from '#shared/words.ts';
import { type Installment, outstandingOf } from './model.ts';
import { collectionWords as words } from './words.ts';

export type LadderNotice = 'reminder' | 'overdue' | 'demand' | 'finance-informed';

/** Customers are written to in Chinese: companies in China, and the contract names no other language. */
const customerLocale: Locale = 'zh-CN';

interface Recipient {
  email: string;
  name: string;
  locale: Locale;
}

/** What the installment owes, in the reader's words. */
function facts(installment: Installment, today: string, locale: Locale) {
  const label = (name: keyof typeof words.facts) => words.facts[name][locale];
  const overdue = installment.dueDate ? daysBetween(installment.dueDate, today) : 0;
  return [
    { label: label('contract'), value: installment.contractId },
    { label: label('installment'), value: installment.label },
    {
      label: label('outstanding'),
      value: formatMoneyForMail({ amount: outstandingOf(installment), currency: 'CNY' }, locale),
    },
    ...(installment.dueDate
      ? [{ label: label('dueDate'), value: formatDate(installment.dueDate, locale) }]
      : []),
    ...(overdue > 0 ? [{ label: label('daysOverdue'), value: formatNumber(overdue, locale) }] : []),
  ];
}

/**
 * The mails of one ladder notice: to the customer (in Chinese) and a copy to each of `copyTo`, in their own
 * language; `finance-informed` goes to finance only.
 */
export async function ladderNoticeMails(
  people: Pick<PeopleRepository, 'get'>,
  installment: Installment,
  notice: LadderNotice,
  today: string,
  copyTo: readonly string[],
): Promise<OutgoingMail[]> {
  const overdueDays = installment.dueDate ? String(daysBetween(installment.dueDate, today)) : '0';
  const wording =
    notice === 'reminder'
      ? words.notices.reminder
      : notice === 'overdue'
        ? words.notices.overdue
        : notice === 'demand'
          ? {
              outcome: words.notices.demand.outcome,
              next: {
                'zh-CN': words.notices.demand.next['zh-CN'](overdueDays),
                en: words.notices.demand.next.en(overdueDays),
              },
            }
          : words.notices.financeInformed;
  const mail = (to: Recipient, copy: boolean) =>
    renderOutcomeMail({
      to: to.email,
      name: to.name,
      locale: to.locale,
      what: words.subject,
      id: installment.id,
      title: installment.title,
      outcome: wording.outcome,
      facts: [
        ...(copy
          ? [
              {
                label: words.notices.copy.label[to.locale],
                value: words.notices.copy.value[to.locale](wording.outcome[to.locale]),
              },
            ]
          : []),
        ...facts(installment, today, to.locale),
      ],
      next: wording.next,
    });
  const staff = await Promise.all(
    copyTo.map(async (email): Promise<Recipient> => {
      const person = await people.get(email);
      return { email, name: person?.name ?? email, locale: person?.locale ?? 'zh-CN' };
    }),
  );
  if (notice === 'finance-informed') return staff.map((to) => mail(to, false));
  const customer = {
    email: installment.customer.email,
    name: installment.customer.name,
    locale: customerLocale,
  };
  return [mail(customer, false), ...staff.map((to) => mail(to, true))];
}
