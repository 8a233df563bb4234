/**
 * Report builders and the exact arithmetic the brief states, for the reconciliation suites.
 * Kept free of `@impl` imports so that our own unit tests
 * (test/exercises/reconciliation.fakes.test.ts) can exercise them directly.
 */

/** A report row as the processor writes it, restated so this file stands alone. */
export interface Row {
  balance_transaction: string;
  type: 'charge' | 'refund' | 'adjustment';
  source: string;
  created: string;
  currency: string;
  gross: string;
  fee: string;
  net: string;
}

export interface Report {
  id: string;
  payout: string;
  settlement_date: string;
  currency: string;
  rows: Row[];
}

/** Digits after the decimal point, per ISO 4217 as the processor uses it. */
export const EXPONENT: Record<string, number> = { usd: 2, eur: 2, gbp: 2, jpy: 0, krw: 0, kwd: 3, bhd: 3, omr: 3 };

/** `"-12.50"` in minor units, by string arithmetic in big integers (no floating point anywhere). */
export function exactMinorUnits(value: string, currency: string): number {
  const exponent = EXPONENT[currency];
  if (exponent === undefined) throw new Error(`no exponent for ${currency} in the test table`);
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.');
  if (!/^\d+$/.test(whole!) || !/^\d*$/.test(fraction) || fraction.length > exponent) throw new Error(`${value} is not an amount in ${currency}`);
  const minor = BigInt(whole!) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  return Number(negative ? -minor : minor);
}

/** Minor units back to the report's decimal notation. */
export function decimal(minor: number, currency: string): string {
  const exponent = EXPONENT[currency]!;
  const digits = Math.abs(minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(digits.length - exponent)}`;
  return `${minor < 0 ? '-' : ''}${whole}${fraction}`;
}

export interface RowSpec {
  type?: Row['type'];
  /** The charge; '' for adjustments. */
  source?: string;
  created?: string;
  currency?: string;
  gross: string;
  /** Defaults to no fee. */
  fee?: string;
  /** Defaults to gross − fee, computed exactly. */
  net?: string;
}

export const DAY = '2026-03-02';
export const NEXT_DAY = '2026-03-03';

/** A report row; `net` is gross less fee unless given, `created` noon UTC on DAY unless given. */
export function row(transaction: string, spec: RowSpec): Row {
  const currency = spec.currency ?? 'usd';
  const type = spec.type ?? 'charge';
  const fee = spec.fee ?? decimal(0, currency);
  const net = spec.net ?? decimal(exactMinorUnits(spec.gross, currency) - exactMinorUnits(fee, currency), currency);
  return {
    balance_transaction: transaction,
    type,
    source: spec.source ?? (type === 'adjustment' ? '' : 'ch_1'),
    created: spec.created ?? `${DAY}T12:00:00.000Z`,
    currency,
    gross: spec.gross,
    fee,
    net,
  };
}

/** A report of `rows` for payout `po_<date>` unless told otherwise. */
export function report(id: string, rows: Row[], options: { payout?: string; date?: string; currency?: string } = {}): Report {
  const date = options.date ?? DAY;
  return { id, payout: options.payout ?? `po_${date.replaceAll('-', '')}`, settlement_date: date, currency: options.currency ?? rows[0]?.currency ?? 'usd', rows };
}

/** The brief's payout amount: the sum of the nets of the given rows, exactly. */
export function sumOfNets(rows: Row[]): number {
  return rows.reduce((sum, r) => sum + exactMinorUnits(r.net, r.currency), 0);
}
