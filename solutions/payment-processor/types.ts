/**
 * Records, injected dependencies and errors of the payment processor. Amounts are integers in
 * minor units (cents for usd); times are epoch milliseconds.
 */

/** A prepaid card whose balance we hold. */
export interface Card {
  cardId: string;
  /** Lowercase ISO 4217, fixed when the card is issued. */
  currency: string;
  /** Spendable balance in minor units. Never negative. */
  balance: number;
}

export type ChargeStatus = 'succeeded' | 'failed';

export interface Charge {
  id: string;
  cardId: string;
  amount: number;
  currency: string;
  description: string | null;
  /** A declined charge is still a charge: it is saved with status `failed`. */
  status: ChargeStatus;
  /** Why a failed charge was declined; null when it succeeded. */
  failureCode: 'insufficient_funds' | null;
  /** Sum of all refunds of this charge so far, in minor units. */
  amountRefunded: number;
  /** True once the whole amount has been refunded. */
  refunded: boolean;
  createdAt: number;
}

export interface Refund {
  id: string;
  chargeId: string;
  amount: number;
  currency: string;
  status: 'succeeded';
  createdAt: number;
}

export interface ChargeRequest {
  /** Chosen by the client, reused on every retry of the same charge. At most 255 characters. */
  idempotencyKey: string;
  cardId: string;
  amount: number;
  currency: string;
  description?: string;
}

/** What we remember about an idempotency key: in flight, or finished with the response to replay. */
export type IdempotencyRecord =
  | { state: 'processing'; fingerprint: string; createdAt: number }
  | { state: 'completed'; fingerprint: string; createdAt: number; response: Charge };

/**
 * A table in our key-value store. Every call is a network round trip, and other requests
 * make progress between any two of them.
 */
export interface Store<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean>;
  /**
   * Atomically replaces the row with `next` if it still equals `expected` (`undefined`: the
   * row must not exist); true when this call wrote it.
   */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean>;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface ProcessorDependencies {
  cards: Store<Card>;
  charges: Store<Charge>;
  idempotencyKeys: Store<IdempotencyRecord>;
  clock: Clock;
}

export type PaymentErrorCode =
  | 'amount_invalid'
  | 'amount_too_small'
  | 'amount_too_large'
  | 'currency_invalid'
  | 'currency_mismatch'
  | 'card_not_found'
  | 'idempotency_key_invalid'
  | 'idempotency_error'
  | 'idempotency_key_in_use'
  | 'charge_not_found'
  | 'charge_not_refundable'
  | 'charge_expired_for_refund'
  | 'charge_already_refunded'
  | 'refund_exceeds_unrefunded';

/** A request we refuse. Declines are not errors: they come back as a charge with status `failed`. */
export class PaymentError extends Error {
  constructor(
    readonly code: PaymentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentError';
  }
}
