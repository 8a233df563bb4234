import { ReconciliationError } from './types';

/** Zero-decimal currencies: amounts are whole units. */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

// @bug currency-exponent
export function exponentOf(currency: string): number {
  // @bug currency-exponent
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

/** An optional minus, up to 9 whole digits, optionally a point and decimals. */
const AMOUNT = /^(-?)(\d{1,9})(?:\.(\d+))?$/;

/** A report amount (`"-12.50"`, `"1500"`, `"1.250"`) in integer minor units of `currency`. */
export function toMinorUnits(value: string, currency: string): number {
  const exponent = exponentOf(currency);
  const match = AMOUNT.exec(value);
  if (!match || (match[3] ?? '').length > exponent) {
    throw new ReconciliationError('report_invalid', `${JSON.stringify(value)} is not an amount in ${currency}`);
  }
  const [, sign, whole, fraction = ''] = match;
  // @bug amount-float-parse
  const digits = Math.floor(Math.abs(Number(value)) * 10 ** exponent);
  return sign === '-' ? -digits : digits;
}
