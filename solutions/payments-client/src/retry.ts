/**
 * When a failed request is sent again, and after how long. The rules are those of Stripe's
 * own clients: requests that got no response, a 409, a 429 or a 5xx are retried with an
 * exponential backoff and jitter; every other answer is final.
 */

import { headerValue } from './http';

/** Retries after the first attempt, unless the client or the request says otherwise. */
export const DEFAULT_MAX_NETWORK_RETRIES = 2;
/** The most retries a client may be configured with. */
export const MAX_NETWORK_RETRIES_LIMIT = 10;
export const INITIAL_RETRY_DELAY_MS = 500;
export const MAX_RETRY_DELAY_MS = 5_000;
/** A `Retry-After` longer than this (in seconds) is not honoured. */
export const MAX_RETRY_AFTER_SECONDS = 60;

/** What came back from one attempt: a status and headers, or `null` when no response arrived. */
export type AttemptResult = { status: number; headers: Record<string, string> } | null;

/**
 * Whether the attempt that produced `result` is followed by another one, `retries` being the
 * number of retries already made.
 */
export function shouldRetry(result: AttemptResult, retries: number, maxRetries: number): boolean {
  if (retries >= maxRetries) return false;
  if (result === null) return true;
  const advice = headerValue(result.headers, 'stripe-should-retry');
  if (advice === 'true') return true;
  if (advice === 'false') return false;
  return result.status === 409 || result.status === 429 || result.status >= 500;
}

/**
 * The `Retry-After` header as whole seconds, when it is one the client honours: a non-negative
 * integer of at most `MAX_RETRY_AFTER_SECONDS`. An HTTP date, a fraction or a longer wait gives
 * `null`.
 */
export function parseRetryAfter(headers: Record<string, string>): number | null {
  const value = headerValue(headers, 'retry-after')?.trim();
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const seconds = Number(value);
  return seconds <= MAX_RETRY_AFTER_SECONDS ? seconds : null;
}

/**
 * Milliseconds to wait before retry `retry` (1 for the first retry): 500 ms doubled on every
 * retry up to 5 s, scaled by a jitter of 50–100 % drawn from `random`, never less than 500 ms,
 * and never less than the response's `Retry-After`.
 */
export function retryDelay(retry: number, headers: Record<string, string>, random: () => number): number {
  let delay = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** (retry - 1), MAX_RETRY_DELAY_MS);
  delay *= 0.5 * (1 + random());
  delay = Math.max(INITIAL_RETRY_DELAY_MS, delay);
  const retryAfter = parseRetryAfter(headers);
  if (retryAfter !== null) delay = Math.max(delay, retryAfter * 1000);
  return delay;
}
