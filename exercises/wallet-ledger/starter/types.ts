/** Which side of an account an entry lands on. Wallets are liabilities: credits add to them. */
export type Direction = 'debit' | 'credit';

/** One line of a posted transaction. Amounts are positive integers in the currency's minor units. */
export interface Entry {
  transactionId: string;
  accountId: string;
  direction: Direction;
  amount: number;
  /** Lowercase ISO 4217, always the currency of `accountId`. */
  currency: string;
}

/**
 * An account row: its currency and every entry ever posted to it, oldest first. Entries are
 * only ever appended. Wallets belong to customers and may never go negative; house accounts
 * (fees, FX pools, funding) belong to the platform and may.
 */
export interface Account {
  id: string;
  currency: string;
  kind: 'wallet' | 'house';
  entries: Entry[];
}

export interface Transaction {
  id: string;
  kind: 'transfer' | 'reversal';
  /** Epoch milliseconds. */
  postedAt: number;
  entries: Entry[];
  /** On a reversal: the transaction it reverses. */
  reverses?: string;
  /** On a reversed transaction: the reversal that undid it. */
  reversedBy?: string;
}

export interface TransferRequest {
  from: string;
  to: string;
  /** Minor units of the source wallet's currency. */
  amount: number;
  idempotencyKey: string;
}

export interface Balance {
  accountId: string;
  currency: string;
  /** Minor units, derived from the account's entries. */
  amount: number;
}

/** What is kept per idempotency key: the request's fingerprint and, once booked, its result. */
export interface IdempotencyRecord {
  fingerprint: string;
  transaction?: Transaction;
}

/** A table in the ledger database. Every call is a network round trip. */
export interface KeyValueStore<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean>;
  /** Atomically replaces the value when it still equals `expected`; true on success. */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean>;
}

export interface Lease {
  release(): Promise<void>;
}

/** The shared lock service every ledger instance uses. `acquire` waits until the key is free. */
export interface LockService {
  acquire(key: string): Promise<Lease>;
}

export interface FxRates {
  /** Units of `to` bought by one unit of `from`, times 1 000 000 (1 usd = 151.37 jpy → 151_370_000). */
  quote(from: string, to: string): Promise<number>;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface FeeSchedule {
  /** Fee on every transfer, in basis points of the amount (100 = 1%). */
  feeBps: number;
  /** The referring partner's share of that fee, in basis points of the fee. */
  partnerShareBps: number;
}

export interface LedgerDeps {
  accounts: KeyValueStore<Account>;
  transactions: KeyValueStore<Transaction>;
  idempotency: KeyValueStore<IdempotencyRecord>;
  locks: LockService;
  rates: FxRates;
  clock: Clock;
}

export type LedgerErrorCode =
  | 'amount_invalid'
  | 'amount_too_large'
  | 'amount_too_small'
  | 'account_not_found'
  | 'account_invalid'
  | 'same_account'
  | 'balance_insufficient'
  | 'ledger_unbalanced'
  | 'idempotency_key_invalid'
  | 'idempotency_error'
  | 'idempotency_key_in_use'
  | 'transaction_not_found'
  | 'transaction_not_reversible'
  | 'transaction_already_reversed';

export class LedgerError extends Error {
  readonly code: LedgerErrorCode;

  constructor(code: LedgerErrorCode, message: string) {
    super(message);
    this.name = 'LedgerError';
    this.code = code;
  }
}
