// The order's mails outside its tasks: the delivery plan to logistics, a new date or the shipment to the customer, a dispute.
import type { OutgoingMail } from '#shared/mailer.ts';
import { renderOutcomeMail } from '#shared/outcome-mail.ts';
import type { Locale } from '#shared/people.ts';
import { formatDate, formatList, formatNumber } from '#shared/words.ts';
import type { Review } from '#shared/workflow-kit/reviews.ts';
import type { Order } from './model.ts';
import { orderWords as words } from './words.ts';
import type { OrderDeps } from './workflow.ts';

export const orderNotices = ['delivery-plan', 'new-date', 'shipped', 'disputed'] as const;
export type OrderNotice = (typeof orderNotices)[number];

/**
 * Which notice this is, for sending it once: a new date and a dispute can come more than once per order, each its
 * own notice.
 */
export function noticeKey(order: Order, reviews: readonly Review[], notice: OrderNotice): string {
  switch (notice) {
    case 'new-date':
      return `new-date:${order.promisedDelivery}`;
    case 'disputed':
      return `disputed:${reviews.filter((review) => review.outcome === 'dispute').length}`;
    default:
      return notice;
  }
}

/** Customers are written to in Chinese: they are companies in China, and the contract names no other language. */
const customerLocale: Locale = 'zh-CN';

interface Recipient {
  email: string;
  name: string;
  locale: Locale;
}

function mail(
  order: Order,
  to: Recipient,
  notice: { outcome: Record<Locale, string>; next: Record<Locale, string> },
  facts: (locale: Locale) => { label: string; value: string }[],
  reason?: string,
): OutgoingMail {
  return renderOutcomeMail({
    to: to.email,
    name: to.name,
    locale: to.locale,
    what: words.subject,
    id: order.id,
    title: order.title,
    outcome: notice.outcome,
    facts: facts(to.locale),
    ...(reason ? { reason } : {}),
    next: notice.next,
  });
}

async function people(deps: OrderDeps, emails: readonly string[]): Promise<Recipient[]> {
  const found = await Promise.all(emails.map((email) => deps.people.get(email)));
  return emails.map((email, i) => ({
    email,
    name: found[i]?.name ?? email,
    locale: found[i]?.locale ?? 'zh-CN',
  }));
}

/** The mails one notice of an order sends, to whom it concerns. */
export async function orderNoticeMails(
  deps: OrderDeps,
  order: Order,
  notice: OrderNotice,
): Promise<OutgoingMail[]> {
  const label = (name: keyof typeof words.facts, locale: Locale) => words.facts[name][locale];
  const customer: Recipient = {
    email: order.customer.email,
    name: order.customer.name,
    locale: customerLocale,
  };
  const [owner] = await people(deps, [order.salesOwner]);
  const sales = owner ? [owner] : [];
  switch (notice) {
    case 'delivery-plan': {
      const logistics = await deps.people.membersOf('logistics');
      const contract = await deps.contracts.get(order.contractId);
      const version = contract ? await deps.contracts.version(order.contractId, contract.version) : undefined;
      const items = (locale: Locale) =>
        formatList(
          order.items.map(
            (item) => `${item.sku} ${item.description} × ${formatNumber(item.quantity, locale)}`,
          ),
          locale,
        );
      return (
        await people(
          deps,
          logistics.map((person) => person.email),
        )
      ).map((to) =>
        mail(order, to, words.deliveryPlan, (locale) => [
          { label: label('customer', locale), value: order.customer.name },
          ...(version?.content.deliveryAddress
            ? [{ label: label('address', locale), value: version.content.deliveryAddress }]
            : []),
          { label: label('promised', locale), value: formatDate(order.promisedDelivery, locale) },
          { label: label('items', locale), value: items(locale) },
        ]),
      );
    }
    case 'new-date':
      return [customer, ...sales].map((to) =>
        mail(order, to, words.newDate, (locale) => [
          { label: label('promised', locale), value: formatDate(order.promisedDelivery, locale) },
        ]),
      );
    case 'shipped': {
      const shipment = order.shipment;
      if (!shipment) throw new Error(`${order.id} has not shipped`);
      return [customer, ...sales].map((to) =>
        mail(order, to, words.shipped, (locale) => [
          { label: label('carrier', locale), value: shipment.carrier },
          { label: label('trackingNumber', locale), value: shipment.trackingNumber },
          { label: label('expectedDelivery', locale), value: formatDate(shipment.expectedDelivery, locale) },
        ]),
      );
    }
    case 'disputed': {
      const managers = await deps.people.membersOf('sales-manager');
      const reviews = await deps.reviews.of(order.id);
      const reason = reviews.filter((review) => review.outcome === 'dispute').at(-1)?.comment;
      return (
        await people(
          deps,
          managers.map((person) => person.email),
        )
      ).map((to) =>
        mail(
          order,
          to,
          words.disputed,
          (locale) => [{ label: label('customer', locale), value: order.customer.name }],
          reason,
        ),
      );
    }
  }
}
