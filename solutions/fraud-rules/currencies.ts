import { RadarError } from './types';

interface Currency {
  /** Digits after the decimal point: an amount counts 1/10^exponent of the major unit. */
  exponent: number;
  /** Treasury's daily reference rate: US dollars per major unit, in millionths. */
  usdMicros: number;
}

const CURRENCIES = new Map<string, Currency>([
  ['usd', { exponent: 2, usdMicros: 1_000_000 }],
  ['eur', { exponent: 2, usdMicros: 1_080_000 }],
  ['gbp', { exponent: 2, usdMicros: 1_270_000 }],
  ['jpy', { exponent: 0, usdMicros: 6_700 }],
  ['kwd', { exponent: 3, usdMicros: 3_250_000 }],
]);

/** Eight digits of minor units: the largest amount the card networks carry. */
const MAX_AMOUNT = 99_999_999;

/** Refuses what no network would have authorized, so that nothing malformed is counted. */
export function assertAmount(amount: unknown, currency: string): void {
  const info = CURRENCIES.get(currency);
  if (!info) throw new RadarError('currency_not_supported', `Currency "${currency}" is not supported.`);
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0 || amount > MAX_AMOUNT) {
    throw new RadarError('amount_invalid', 'amount must be a positive integer number of minor units, at most 99,999,999.');
  }
  // Three-decimal currencies are charged in tens of their minor unit.
  if (info.exponent === 3 && amount % 10 !== 0) {
    throw new RadarError('amount_invalid', `${currency} amounts must end in 0.`);
  }
}

/** The amount in US cents, rounded down: what amount rules compare with. */
export function toUsdCents(amount: number, currency: string): number {
  const info = CURRENCIES.get(currency)!;
  return Math.floor((amount * info.usdMicros) / (10 ** info.exponent * 10_000));
}
