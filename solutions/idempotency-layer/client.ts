import { createHash } from 'node:crypto';
import type { ApiRequest, Purchase } from './types';

/** Currencies without a minor unit: amounts are in major units (1000 JPY is 1000). */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

/** Currencies with three decimals: amounts are in thousandths. */
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/**
 * A basket total in the currency's smallest unit, which is what the API charges in. The
 * basket adds prices as floats, so round to the nearest unit rather than truncate.
 */
export function toMinorUnits(total: number, currency: string): number {
  const exponent = ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2;
  return Math.round(total * 10 ** exponent);
}

/**
 * The Idempotency-Key the storefront sends when it charges for a purchase.
 *
 * Every automatic retry of one payment (after a timeout, a 409 or a 5xx) must carry the same
 * key with the same parameters, or the API cannot tell it from a new payment. So the key is
 * derived from the purchase, never generated per request. The amount and currency are part of
 * it: if the basket changes before the customer pays, that is a different charge, and
 * reusing the old key for it would be refused as a parameter mismatch.
 */
export function idempotencyKeyFor(purchase: Purchase): string {
  const parts = [
    purchase.accountId,
    purchase.orderId,
    String(toMinorUnits(purchase.total, purchase.currency)),
    purchase.currency,
    `attempt-${purchase.attempt}`,
  ];
  return `pay_${createHash('sha256').update(parts.join('\n')).digest('hex')}`;
}

/** The charge request for a purchase, ready for the API client to send (and resend). */
export function chargeRequestFor(purchase: Purchase): ApiRequest {
  return {
    accountId: purchase.accountId,
    endpoint: 'POST /v1/charges',
    idempotencyKey: idempotencyKeyFor(purchase),
    params: {
      amount: toMinorUnits(purchase.total, purchase.currency),
      currency: purchase.currency,
      customer: purchase.customerId,
      metadata: { order_id: purchase.orderId },
    },
  };
}
