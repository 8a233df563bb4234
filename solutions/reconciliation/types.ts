/**
 * Shapes shared by the settlement importer, the tables it keeps and the processor's reports.
 * Report rows are kept as the processor writes them (strings); everything we store is in
 * integer minor units of the report's currency.
 */

/** One row of a settlement report, as delivered: amounts are decimals in major units. */
export interface ReportRow {
  /** The processor's balance transaction id (`txn_…`): one per movement of money. */
  balance_transaction: string;
  type: 'charge' | 'refund' | 'adjustment';
  /** The charge (`ch_…`) a charge or refund line settles; empty for adjustments. */
  source: string;
  /** ISO 8601 with an offset, e.g. `2026-03-02T23:59:59.999Z` or `2026-03-03T00:30:00+01:00`. */
  created: string;
  /** Lowercase ISO 4217 code. */
  currency: string;
  gross: string;
  fee: string;
  net: string;
}

export interface SettlementReport {
  /** The file's id; a file delivered again carries the same id. */
  id: string;
  /** The payout (`po_…`) the report's lines are paid out in. */
  payout: string;
  /** The UTC day the report covers, `YYYY-MM-DD`. */
  settlement_date: string;
  currency: string;
  rows: ReportRow[];
}

/** A report row parsed: amounts in minor units, `created` in epoch milliseconds. */
export interface SettlementLine {
  transaction: string;
  type: ReportRow['type'];
  charge: string | null;
  created: number;
  gross: number;
  fee: number;
  net: number;
}

/** A charge as our payments service recorded it (read only here). */
export interface LedgerCharge {
  id: string;
  currency: string;
  /** What was authorized. */
  amount: number;
  /** What was captured: at most `amount`, less after a partial capture. */
  amount_captured: number;
  /** Everything refunded so far, cumulative. */
  amount_refunded: number;
}

export interface PayoutLine {
  type: ReportRow['type'];
  charge: string | null;
  gross: number;
  fee: number;
  net: number;
}

/** A payout and every line settled into it, by balance transaction id. */
export interface PayoutRecord {
  id: string;
  currency: string;
  lines: Record<string, PayoutLine>;
  /** Sums over `lines`. */
  net: number;
  fee: number;
}

export type ExceptionCode = 'outside_settlement_day' | 'charge_unknown' | 'amount_mismatch' | 'refund_mismatch';

export interface SettlementEntry {
  type: 'charge' | 'refund';
  /** Captured (charge lines) or given back to the customer (refund lines), positive. */
  amount: number;
  exception: ExceptionCode | null;
}

/** What the processor has settled for one of our charges, by balance transaction id. */
export interface ChargeSettlement {
  charge: string;
  entries: Record<string, SettlementEntry>;
  /** Sums over `entries`. */
  captured: number;
  refunded: number;
}

export interface LineException {
  transaction: string;
  code: ExceptionCode;
}

export interface ImportSummary {
  report: string;
  payout: string;
  /** Distinct lines of the settlement day, recorded on the payout. */
  lines: number;
  exceptions: LineException[];
}

export interface PayoutReconciliation {
  payout: string;
  /** The sum of the payout's nets. */
  expected: number;
  deposited: number;
  difference: number;
  status: 'matched' | 'difference';
}

/** A table reached over the network, shared by every import worker. */
export interface Table<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean>;
  /** Atomically writes `next` only if the row still equals `expected` (undefined: no row); true when written. */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean>;
}

export interface ReconciliationTables {
  ledger: Table<LedgerCharge>;
  payouts: Table<PayoutRecord>;
  settlements: Table<ChargeSettlement>;
  imports: Table<ImportSummary>;
}

export type ReconciliationErrorCode = 'report_invalid' | 'payout_unknown';

export class ReconciliationError extends Error {
  constructor(
    readonly code: ReconciliationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReconciliationError';
  }
}
