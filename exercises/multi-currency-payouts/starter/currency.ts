import { PayoutError } from './types';

interface CurrencyRules {
  /** ISO 4217 exponent: minor units per major unit, as a power of ten. */
  exponent: number;
  /** Every amount the bank moves is a multiple of this many minor units. */
  step: number;
  /** The smallest transfer the bank accepts, in minor units. */
  minimum: number;
}

const CURRENCIES: Record<string, CurrencyRules> = {
  usd: { exponent: 2, step: 1, minimum: 100 },
  eur: { exponent: 2, step: 1, minimum: 100 },
  gbp: { exponent: 2, step: 1, minimum: 100 },
  jpy: { exponent: 0, step: 1, minimum: 100 },
  krw: { exponent: 0, step: 1, minimum: 1_000 },
  // @bug three-decimal-step
  kwd: { exponent: 3, step: 1, minimum: 1_000 },
  bhd: { exponent: 3, step: 1, minimum: 1_000 },
};

export function currencyRules(currency: string): CurrencyRules {
  if (!Object.hasOwn(CURRENCIES, currency)) {
    throw new PayoutError('currency_not_supported', `We do not pay out in ${currency}`);
  }
  return CURRENCIES[currency]!;
}

/** The largest amount the bank can move that is not more than `amount`. */
export function payableAmount(amount: number, currency: string): number {
  const { step } = currencyRules(currency);
  return amount - (amount % step);
}
