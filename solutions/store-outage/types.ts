/**
 * Records, injected dependencies and errors of the payment service. Amounts are integers in
 * the currency's minor units (cents for usd, yen for jpy); times are epoch milliseconds.
 */

export type PaymentStatus = 'pending' | 'succeeded' | 'failed';

/** One refund of a payment, keyed in the payment by the caller's refund id. */
export interface RefundRecord {
  amount: number;
  /** `pending` from the moment it is recorded until the card network confirms it. */
  status: 'pending' | 'succeeded';
  networkRefundId: string | null;
}

/** The payment of one order: one row per order in the payments table, keyed by order id. */
export interface Payment {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  card: string;
  /** `pending` until the card network's answer is recorded. */
  status: PaymentStatus;
  /** Why the network declined it (`failed` only). */
  declineCode: string | null;
  networkChargeId: string | null;
  /** Sum of the refunds the network confirmed. */
  amountRefunded: number;
  refunds: Record<string, RefundRecord>;
  createdAt: number;
}

export interface ChargeRequest {
  orderId: string;
  amount: number;
  currency: string;
  /** The customer's saved card, as the card network knows it (`card_…`). */
  card: string;
}

export interface AuthorizationRequest {
  /** Makes the request safe to send again: the network answers a repeated key with its first answer. */
  idempotencyKey: string;
  /** Identifies this one attempt in the network's logs. */
  requestId: string;
  /** Our order id, printed on the network's reports. */
  reference: string;
  amount: number;
  currency: string;
  card: string;
}

export type NetworkCharge =
  | { status: 'approved'; chargeId: string }
  | { status: 'declined'; declineCode: string };

export interface RefundRequest {
  idempotencyKey: string;
  chargeId: string;
  amount: number;
}

/** The card network (acquirer) API. Every call is a network round trip. */
export interface CardNetwork {
  authorize(request: AuthorizationRequest): Promise<NetworkCharge>;
  /** What the network did with an authorization key, if it ever received it. */
  lookup(idempotencyKey: string): Promise<NetworkCharge | undefined>;
  refund(request: RefundRequest): Promise<{ refundId: string }>;
}

/**
 * A table in our key-value store. Every call is a network round trip, and other requests
 * make progress between any two of them. A call that fails rejects with an error whose
 * `code` is `store_unavailable`.
 */
export interface Store<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean>;
  /** Atomically replaces the row with `next` if it still equals `expected`; true when this call wrote it. */
  compareAndSet(key: string, expected: V, next: V): Promise<boolean>;
}

export interface ServiceDependencies {
  payments: Store<Payment>;
  network: CardNetwork;
  clock: { now(): number };
  /** Waits before a retry. */
  sleep(ms: number): Promise<void>;
}

export type PaymentErrorCode =
  | 'amount_invalid'
  | 'amount_too_small'
  | 'amount_too_large'
  | 'currency_not_supported'
  | 'idempotency_error'
  | 'payment_not_found'
  | 'payment_not_refundable'
  | 'refund_exceeds_unrefunded';

/** A request we refuse. Declines are not errors: they come back as a payment with status `failed`. */
export class PaymentError extends Error {
  constructor(
    readonly code: PaymentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentError';
  }
}
