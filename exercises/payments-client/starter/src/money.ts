/**
 * Amounts in minor units. The API takes and returns every amount as an integer in the
 * currency's smallest unit: cents for usd (1000 is $10.00), whole yen for jpy (1000 is ¥1,000),
 * thousandths for kwd (1000 is 1.000 KWD). These helpers convert between that and the decimal
 * strings people read and type, without floating-point arithmetic.
 */

import { ParameterError } from './errors';

/** Currencies whose amounts are in major units: no minor unit. */
export const ZERO_DECIMAL_CURRENCIES: readonly string[] = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
/** Currencies with three decimals; charges in them must end in 0 (a multiple of 10 thousandths). */
export const THREE_DECIMAL_CURRENCIES: readonly string[] = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

/** The largest amount the API accepts: 99,999,999 minor units. */
export const MAX_AMOUNT = 99_999_999;

/** Minimum charge amounts, in major units. Currencies not listed have a minimum of one minor unit. */
const MINIMUM_CHARGE: Readonly<Record<string, string>> = {
  usd: '0.50', eur: '0.50', cad: '0.50', aud: '0.50', chf: '0.50', sgd: '0.50',
  gbp: '0.30', jpy: '50', hkd: '4.00', mxn: '10.00', sek: '3.00', nok: '3.00',
  dkk: '2.50', pln: '2.00', aed: '2.00', ron: '2.00', czk: '15.00', huf: '175.00',
};

/** Refuses a currency that is not a lowercase three-letter ISO 4217 code. */
export function checkCurrency(currency: unknown, param = 'currency'): string {
  if (typeof currency !== 'string' || !/^[a-z]{3}$/.test(currency)) {
    throw new ParameterError(param, `${param} must be a lowercase three-letter ISO 4217 code, e.g. "usd"`);
  }
  return currency;
}

/** How many decimals the currency's major unit has: 0, 2 or 3. */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  checkCurrency(currency);
  if (ZERO_DECIMAL_CURRENCIES.includes(currency)) return 0;
  if (THREE_DECIMAL_CURRENCIES.includes(currency)) return 3;
  return 2;
}

/**
 * Converts a decimal amount typed by a person ("12.34", "1000", "-0.5") to minor units. More
 * decimals than the currency has are refused, never rounded.
 */
export function toMinorUnits(value: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) throw new ParameterError('amount', `"${value}" is not a decimal amount`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new ParameterError('amount', `${currency.toUpperCase()} has ${exponent} decimals; "${value}" has ${fraction.length}`);
  }
  const digits = `${whole}${fraction.padEnd(exponent, '0')}`;
  const amount = Number(digits);
  if (!Number.isSafeInteger(amount)) throw new ParameterError('amount', `"${value}" is too large`);
  return sign === '-' && amount !== 0 ? -amount : amount;
}

/** Formats an amount in minor units as a decimal string with the currency's decimals: "12.34", "1000", "1.500". */
export function fromMinorUnits(amount: number, currency: string): string {
  if (!Number.isSafeInteger(amount)) throw new ParameterError('amount', 'amount must be an integer number of minor units');
  const exponent = currencyExponent(currency);
  const digits = String(Math.abs(amount));
  const sign = amount < 0 ? '-' : '';
  if (exponent === 0) return `${sign}${digits}`;
  const padded = digits.padStart(exponent + 1, '0');
  return `${sign}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** An amount for people: "12.34 USD", "-1,000 JPY", "1,234,567.890 KWD". */
export function formatAmount(amount: number, currency: string): string {
  const [whole, fraction] = fromMinorUnits(amount, currency).split('.') as [string, string | undefined];
  const sign = whole.startsWith('-') ? '-' : '';
  const grouped = whole.replace('-', '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`} ${currency.toUpperCase()}`;
}

/** The smallest amount a charge in `currency` may have, in minor units. */
export function minimumChargeAmount(currency: string): number {
  const minimum = MINIMUM_CHARGE[checkCurrency(currency)];
  return minimum === undefined ? 1 : toMinorUnits(minimum, currency);
}

/**
 * Refuses an amount the API would refuse for a charge: not a positive integer, above
 * 99,999,999, below the currency's minimum, or a three-decimal amount not ending in 0.
 */
export function checkChargeAmount(amount: unknown, currency: string): number {
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) {
    throw new ParameterError('amount', 'amount must be a positive integer in the currency\'s minor units');
  }
  if (amount > MAX_AMOUNT) throw new ParameterError('amount', `amount must be at most ${MAX_AMOUNT}`);
  const minimum = minimumChargeAmount(currency);
  if (amount < minimum) {
    throw new ParameterError('amount', `amount must be at least ${formatAmount(minimum, currency)}`);
  }
  if (currencyExponent(currency) === 3 && amount % 10 !== 0) {
    throw new ParameterError('amount', `${currency.toUpperCase()} charges must be a multiple of 10 (the last decimal must be 0)`);
  }
  return amount;
}

/** Refuses a refund or capture amount that is not a positive integer of at most 99,999,999. */
export function checkPartialAmount(amount: unknown, param = 'amount'): number {
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) {
    throw new ParameterError(param, `${param} must be a positive integer of at most ${MAX_AMOUNT} minor units`);
  }
  return amount;
}
