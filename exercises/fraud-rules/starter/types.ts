/**
 * Shapes shared by the risk engine, the tables it keeps and the scoring service. Field names
 * of a Decision follow what the dashboard and the authorization servers already read.
 */

/** What a velocity rule counts by: the card's fingerprint, the customer's email, the client IP. */
export type Dimension = 'card' | 'email' | 'ip';

export type Action = 'allow' | 'review' | 'block';

export type ReviewStatus = 'open' | 'approved' | 'refused';

export interface Authorization {
  /** The card network's id of the authorization; a retried request carries the same id. */
  id: string;
  /** In minor units of `currency`. */
  amount: number;
  /** Lowercase ISO 4217 code. */
  currency: string;
  /** Card fingerprint: the same card number always has the same fingerprint. */
  card: string;
  email: string;
  ip: string;
}

export interface VelocityRule {
  id: string;
  dimension: Dimension;
  /** Length of the sliding window in milliseconds, at most 24 hours. */
  windowMs: number;
  /** The most authorizations allowed within the window. */
  limit: number;
  action: 'review' | 'block';
}

export interface AmountRule {
  id: string;
  /** Fires when the amount, converted to US cents, is above this. */
  aboveUsdCents: number;
  action: 'review' | 'block';
}

export interface RuleSet {
  velocity: VelocityRule[];
  amount: AmountRule[];
}

export interface Decision {
  authorization_id: string;
  action: Action;
  /** What decided: a rule id, `block_list`, `allow_list`, `risk_score`, `score_unavailable`, or null. */
  rule: string | null;
  /** 0–99 from the scoring service; null when it was not asked or did not answer. */
  risk_score: number | null;
  /** Reviews only: open until an analyst approves or refuses the authorization. */
  review: ReviewStatus | null;
  /** Epoch milliseconds. */
  created: number;
}

export interface CounterEvent {
  authorization_id: string;
  /** Epoch milliseconds. */
  at: number;
}

export interface Counter {
  events: CounterEvent[];
}

export interface ValueList {
  /** `card:<fingerprint>`, `email:<address>` or `ip:<address>`. */
  entries: string[];
}

/** A table reached over the network, shared by every server. */
export interface Table<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean>;
  /** Atomically writes `next` only if the row still equals `expected` (undefined: no row); true when written. */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean>;
}

export interface RadarTables {
  decisions: Table<Decision>;
  counters: Table<Counter>;
  lists: Table<ValueList>;
}

/** The machine-learning scoring service. Rejects when it cannot be reached. */
export interface RiskScorer {
  /** An integer from 0 (safest) to 99 (riskiest). */
  score(authorization: Authorization): Promise<number>;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export type RadarErrorCode = 'amount_invalid' | 'currency_not_supported' | 'resource_missing' | 'review_not_open' | 'lock_timeout';

export class RadarError extends Error {
  constructor(
    readonly code: RadarErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RadarError';
  }
}
