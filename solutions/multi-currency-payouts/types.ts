/**
 * Records, injected dependencies and errors of the payout service. Amounts are integers in
 * the minor units of their currency (ISO 4217 exponent: cents for usd, whole yen for jpy,
 * fils for kwd); times are epoch milliseconds.
 */

/** A connected account's balance, in its settlement currency. One row per account. */
export interface Account {
  id: string;
  /** Settlement currency of the balance (lowercase ISO 4217). */
  currency: string;
  /** Settled funds that can be paid out. */
  available: number;
  /** Funds taken from `available` for a payout that is on its way to the bank. */
  reserved: number;
  /** Where payouts go, and in which currency the bank account is held. */
  bank: { accountNumber: string; currency: string };
  /** The payout that was sent and not yet settled, if any. */
  payoutInFlight: string | null;
}

export type PayoutStatus = 'pending' | 'paid' | 'failed' | 'returned';

export interface Payout {
  id: string;
  accountId: string;
  /** What the payout takes from the balance, in the account's currency. */
  amount: number;
  currency: string;
  /** What the bank account receives, in its currency. */
  bankAmount: number;
  bankCurrency: string;
  /** The FX quote the amount was converted with; null when no conversion was needed. */
  quoteId: string | null;
  rate: string | null;
  status: PayoutStatus;
  /** Why the bank refused or returned it. */
  failureCode: string | null;
  createdAt: number;
}

/** A firm rate: `amount` of `from` buys `amount × rate` of `to`, both in major units. */
export interface FxQuote {
  id: string;
  from: string;
  to: string;
  /** A decimal string with at most 8 decimal places, e.g. "149.2350". */
  rate: string;
}

export interface FxService {
  quote(from: string, to: string): Promise<FxQuote>;
}

export interface BankTransfer {
  /** The bank carries out one transfer per key and answers a repeated key with its first answer. */
  idempotencyKey: string;
  accountNumber: string;
  amount: number;
  currency: string;
}

/** Our payout bank. A refusal rejects with an error carrying the bank's `code` and an HTTP `status`. */
export interface Bank {
  send(transfer: BankTransfer): Promise<{ transferId: string }>;
}

/**
 * Leases shared by every worker. `tryAcquire` atomically takes a free (or expired) lease for
 * `ttlMs` and tells whether it did; `release` frees it only when `owner` still holds it.
 */
export interface LockService {
  tryAcquire(name: string, owner: string, ttlMs: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
}

/** A plain table: every call is a round trip, and other workers make progress in between. */
export interface Table<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
}

/** A table that also offers an atomic compare-and-set (rows compared field by field). */
export interface ConditionalTable<V> extends Table<V> {
  compareAndSet(key: string, expected: V, next: V): Promise<boolean>;
}

export interface PayoutDependencies {
  accounts: Table<Account>;
  payouts: ConditionalTable<Payout>;
  locks: LockService;
  fx: FxService;
  bank: Bank;
  clock: { now(): number };
}

export type PayoutErrorCode = 'account_not_found' | 'payout_not_found' | 'account_busy' | 'payout_in_flight' | 'currency_not_supported';

export class PayoutError extends Error {
  constructor(
    readonly code: PayoutErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PayoutError';
  }
}
