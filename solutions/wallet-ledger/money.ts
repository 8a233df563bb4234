import { LedgerError } from './types';

/** Currencies whose amounts are whole major units: ¥500 is 500. */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
/** Currencies counted in thousandths; card networks only accept amounts ending in 0. */
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

export const MAX_AMOUNT = 99_999_999;
const BPS = 10_000;
/** Rates arrive as integers scaled by a million, so conversions never touch floating point. */
const RATE_SCALE = 1_000_000n;

/** Decimal places of the currency's minor unit: 0, 2 or 3. */
export function minorUnitDigits(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/** Rejects anything but a whole, positive, in-range amount for the currency. Never rounds. */
export function validateAmount(amount: number, currency: string): void {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new LedgerError('amount_invalid', `amount must be a positive integer of minor units, got ${String(amount)}`);
  }
  if (amount > MAX_AMOUNT) {
    throw new LedgerError('amount_too_large', `amount must be at most ${MAX_AMOUNT} minor units`);
  }
  if (minorUnitDigits(currency) === 3 && amount % 10 !== 0) {
    throw new LedgerError('amount_invalid', `${currency} amounts must end in 0`);
  }
}

/** The transfer fee: `feeBps` basis points of the amount, rounded half up to a whole minor unit. */
export function transferFee(amount: number, feeBps: number): number {
  return Math.floor((amount * feeBps + BPS / 2) / BPS);
}

/** Splits a fee between the platform and the partner, by the partner's share in basis points. */
export function splitFee(fee: number, partnerShareBps: number): { platform: number; partner: number } {
  const partner = Math.floor((fee * partnerShareBps) / BPS);
  const platform = fee - partner;
  return { platform, partner };
}

/** `amount` of `from` in `to`, at `rate` (see FxRates). */
export function convert(amount: number, from: string, to: string, rate: number): number {
  if (from === to) return amount;
  const scale = (currency: string) => 10n ** BigInt(minorUnitDigits(currency));
  const converted = (BigInt(amount) * BigInt(rate) * scale(to)) / (RATE_SCALE * scale(from));
  return Number(converted);
}
