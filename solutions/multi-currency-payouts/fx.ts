import { currencyRules } from './currency';
import type { FxQuote } from './types';

/** A quoted rate as an exact fraction: `units / 10^scale`. */
function parseRate(rate: string): { units: bigint; scale: number } {
  const match = /^(\d+)(?:\.(\d{1,8}))?$/.exec(rate);
  if (!match) throw new Error(`FX rate ${JSON.stringify(rate)} is not a decimal number`);
  const decimals = match[2] ?? '';
  return { units: BigInt(match[1]! + decimals), scale: decimals.length };
}

/**
 * Converts `amount` minor units of `quote.from` into minor units of `quote.to`, rounded to the
 * nearest amount the bank can move in `quote.to`, halves up. Exact: amounts and rates are
 * integers here, never floating point.
 */
export function convert(amount: number, quote: FxQuote): number {
  const { units, scale } = parseRate(quote.rate);
  const from = currencyRules(quote.from);
  const to = currencyRules(quote.to);
  let numerator = BigInt(amount) * units;
  let denominator = 10n ** BigInt(scale);
  const shift = to.exponent - from.exponent;
  if (shift >= 0) numerator *= 10n ** BigInt(shift);
  else denominator *= 10n ** BigInt(-shift);

  const divisor = denominator * BigInt(to.step);
  const steps = (2n * numerator + divisor) / (2n * divisor);
  return Number(steps) * to.step;
}
