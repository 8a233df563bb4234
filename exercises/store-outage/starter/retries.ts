/**
 * Retries of card network calls, the way Stripe's clients retry: calls that got no answer,
 * a 409 or a 5xx are sent again, with the same idempotency key, after an exponential backoff.
 */

/** Retries after the first attempt: three attempts in all. */
export const MAX_RETRIES = 2;
const INITIAL_DELAY_MS = 500;
const MAX_DELAY_MS = 5_000;

/** No answer arrived (a timeout, a connection reset): the request may or may not have been carried out. */
export function isNoAnswer(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'network_timeout';
}

function isRetryable(error: unknown): boolean {
  if (isNoAnswer(error)) return true;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && (status === 409 || status >= 500);
}

/** Delay before retry `n` (1-based): 500 ms, 1 s, 2 s, … at most 5 s. */
export function backoff(retry: number): number {
  return Math.min(INITIAL_DELAY_MS * 2 ** (retry - 1), MAX_DELAY_MS);
}

/**
 * Calls `send` until it answers, a non-retryable error comes back, or the retries are used
 * up; then the last error is thrown. `send` gets the attempt number (1, 2, 3).
 */
export async function withRetries<T>(send: (attempt: number) => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(attempt);
    } catch (error) {
      // @bug retry-budget-off-by-one
      if (!isRetryable(error) || attempt >= MAX_RETRIES) throw error;
      await sleep(backoff(attempt));
    }
  }
}
