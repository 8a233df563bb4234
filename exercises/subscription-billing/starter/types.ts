/**
 * Shapes shared by the billing workers, the tables they keep and the payment gateway. Field
 * names follow what the customer portal and the finance exports already read.
 */

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

/** A monthly price. */
export interface Plan {
  id: string;
  /** Per month, in minor units of `currency`. */
  amount: number;
  /** Lowercase ISO 4217 code. */
  currency: string;
}

export interface InvoiceLine {
  description: string;
  /** Minor units; a credit is negative. */
  amount: number;
  /** Epoch milliseconds, 00:00 UTC. */
  period_start: number;
  period_end: number;
  proration: boolean;
}

export interface Subscription {
  id: string;
  customer: string;
  plan: string;
  /** Day of the month (1–31) every period ends on, or the month's last day when it is shorter. */
  billing_cycle_anchor_day: number;
  /** Epoch milliseconds, 00:00 UTC. */
  current_period_start: number;
  current_period_end: number;
  /** Proration lines waiting for the next renewal invoice. */
  pending_items: InvoiceLine[];
}

export interface Invoice {
  id: string;
  subscription: string;
  customer: string;
  /** Assigned at finalisation: `INV-0001`, `INV-0002`, … */
  number: string | null;
  status: InvoiceStatus;
  currency: string;
  lines: InvoiceLine[];
  /** The sum of the lines. */
  amount_due: number;
  period_start: number;
  period_end: number;
  /** Payment attempts that got an answer from the gateway. */
  attempt_count: number;
  /** When the dunning worker tries again; null when no retry is planned. */
  next_payment_attempt: number | null;
  /** The gateway's charge id once paid. */
  charge: string | null;
  created: number;
}

export interface Counter {
  value: number;
}

/** A table reached over the network, shared by every worker. */
export interface Table<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean>;
  /** Atomically writes `next` only if the row still equals `expected` (undefined: no row); true when written. */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean>;
}

export interface BillingTables {
  subscriptions: Table<Subscription>;
  invoices: Table<Invoice>;
  counters: Table<Counter>;
}

export interface ChargeRequest {
  idempotencyKey: string;
  customer: string;
  amount: number;
  currency: string;
  invoice: string;
}

export type ChargeResult = { status: 'succeeded'; charge: string } | { status: 'failed'; decline_code: string };

/**
 * Charges the customer's default payment method. Resolves `succeeded` or `failed` (a
 * decline); rejects when no answer came back, in which case the charge may or may not
 * have been made.
 */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export type BillingErrorCode =
  | 'resource_missing'
  | 'invoice_not_draft'
  | 'invoice_not_payable'
  | 'invoice_not_open'
  | 'currency_mismatch'
  | 'renewal_due'
  | 'lock_timeout';

export class BillingError extends Error {
  constructor(
    readonly code: BillingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BillingError';
  }
}
