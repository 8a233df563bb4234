import { PaymentError } from './types';

/** Minor units per major unit, as a power of ten: yen have no subunit. */
const EXPONENT: Record<string, number> = { usd: 2, eur: 2, gbp: 2, dkk: 2, sek: 2, hkd: 2, jpy: 0 };

/** Stripe's minimum charge per currency, in major units: below it the fees exceed the charge. */
const MINIMUM_CHARGE: Record<string, number> = { usd: 0.5, eur: 0.5, gbp: 0.3, dkk: 2.5, sek: 3, hkd: 4, jpy: 50 };

/** Eight digits of minor units: the most the network accepts in one movement. */
export const MAX_AMOUNT = 99_999_999;

export function minimumCharge(currency: string): number {
  // @bug minimum-in-cents
  return Math.round(MINIMUM_CHARGE[currency]! * 100);
}

/** Amounts come straight from the checkout's JSON body: never rounded, refused when not whole minor units. */
export function checkAmount(amount: number): void {
  if (!Number.isInteger(amount) || amount <= 0) {
    throw new PaymentError('amount_invalid', `Amount must be a positive integer in minor units, got ${amount}`);
  }
  if (amount > MAX_AMOUNT) throw new PaymentError('amount_too_large', `Amount must be at most ${MAX_AMOUNT}`);
}

export function checkChargeAmount(amount: number, currency: string): void {
  if (typeof currency !== 'string' || !Object.hasOwn(EXPONENT, currency)) {
    throw new PaymentError('currency_not_supported', `We do not charge in ${String(currency)}`);
  }
  checkAmount(amount);
  const minimum = minimumCharge(currency);
  if (amount < minimum) throw new PaymentError('amount_too_small', `Amount must be at least ${minimum} ${currency} minor units`);
}
