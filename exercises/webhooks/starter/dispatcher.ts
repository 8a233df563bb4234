import { signatureHeader } from './signature';
import type { Clock, DeliveryResult, HttpClient, Sleep, WebhookEvent } from './types';

/** Backoff as in Stripe's SDKs: 0.5 s doubling per retry, capped at 5 s, then jittered. */
const INITIAL_RETRY_DELAY_SECONDS = 0.5;
const MAX_RETRY_DELAY_SECONDS = 5;
export const DEFAULT_MAX_RETRIES = 2;

export interface DispatcherOptions {
  endpointUrl: string;
  /** Every active signing secret of the endpoint: two while one is being rolled. */
  secrets: string[];
  clock: Clock;
  sleep: Sleep;
  /** Jitter source, uniform in [0, 1). */
  random: () => number;
  /** Retries after the first attempt. */
  maxRetries?: number;
}

/**
 * Sends events to one merchant endpoint. A delivery that still fails after its retries is
 * returned as undelivered (not thrown): the redelivery job picks it up again later.
 */
export class WebhookDispatcher {
  private readonly maxRetries: number;

  constructor(
    private readonly http: HttpClient,
    private readonly options: DispatcherOptions,
  ) {
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  }

  async deliver(event: WebhookEvent): Promise<DeliveryResult> {
    // Serialised once, so that every attempt sends (and signs) byte-identical bytes.
    const body = JSON.stringify(event, null, 2);
    for (let attempt = 1; ; attempt += 1) {
      let status: number | null = null;
      try {
        status = await this.post(body);
      } catch {
        // status stays null: http.post rejects when nothing came back.
        // @bug network-errors-retried-forever
        await this.options.sleep(this.backoffMs(attempt));
        continue;
      }
      if (status !== null && status >= 200 && status < 300) return { delivered: true, attempts: attempt, status };
      if (!isRetryable(status) || attempt > this.maxRetries) return { delivered: false, attempts: attempt, status };
      await this.options.sleep(this.backoffMs(attempt));
    }
  }

  private async post(body: string): Promise<number> {
    // Signed per attempt: receivers refuse timestamps older than their tolerance.
    const timestamp = Math.floor(this.options.clock.now() / 1000);
    const response = await this.http.post(this.options.endpointUrl, body, {
      'Content-Type': 'application/json',
      'Stripe-Signature': signatureHeader(body, this.options.secrets, timestamp),
    });
    return response.status;
  }

  /** Delay before retry number `retry` (1 for the first retry). */
  private backoffMs(retry: number): number {
    // @bug backoff-jitter-after-cap
    const base = INITIAL_RETRY_DELAY_SECONDS * 2 ** (retry - 1);
    const jittered = Math.min(base * 0.5 * (1 + this.options.random()), MAX_RETRY_DELAY_SECONDS);
    return Math.max(INITIAL_RETRY_DELAY_SECONDS, jittered) * 1000;
  }
}

/**
 * Worth another attempt: no response, 409 (busy, try later) and server errors. Any other
 * 4xx is the endpoint's final answer and would only come back again.
 */
function isRetryable(status: number | null): boolean {
  return status === null || status === 409 || status >= 500;
}
