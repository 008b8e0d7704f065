// Orders handed over from signed contracts: what production and logistics work from, and the statuses an order goes through.
import type { ContractItem } from '#contract-review/model.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';

export type OrderStatus =
  | 'SCHEDULING'
  | 'IN_PRODUCTION'
  | 'READY_TO_SHIP'
  | 'SHIPPED'
  | 'DELIVERED'
  | 'DISPUTED'
  | 'ACCEPTED'
  | 'CANCELLED'
  | 'NEEDS_ATTENTION';

export interface Shipment {
  carrier: string;
  trackingNumber: string;
  expectedDelivery: string;
  shippedAt: string;
  by: string;
}

export interface Delivery {
  deliveredOn: string;
  receiver: string;
  by: string;
}

export interface Acceptance {
  acceptedOn: string;
  /** Accepted by default: nobody decided within the deemed-acceptance period after delivery. */
  deemed: boolean;
  by: string;
}

export interface Order extends Subject {
  contractId: string;
  customer: { name: string; email: string };
  title: string;
  items: ContractItem[];
  /** The delivery date of the contract, as signed. */
  requiredDelivery: string;
  /** The date promised to the customer: the contract's, or a new one sales accepted. */
  promisedDelivery: string;
  /** When production plans to finish, once it has said so. */
  plannedDate?: string;
  /** The contract's salesperson, who follows the order. */
  salesOwner: string;
  status: OrderStatus;
  createdAt: string;
  shipment?: Shipment;
  delivery?: Delivery;
  acceptance?: Acceptance;
  /** Why the order was cancelled, and by whom. */
  cancellation?: { reason: string; by: string; at: string };
}
