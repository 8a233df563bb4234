/**
 * Shared types of the API gateway's rate limiter. Everything the limiter reaches over the
 * network (the bucket store) or reads from the host (the clock) is injected through these
 * interfaces.
 */

/** One API key's bucket as persisted in the shared store. */
export interface BucketState {
  /** Available tokens in thousandths of a token: an integer from 0 to capacity × 1000. */
  milliTokens: number;
  /** Epoch milliseconds up to which refill has been credited to `milliTokens`. */
  refilledAt: number;
}

/**
 * The store every gateway worker shares (Redis in production). Each call is a network round
 * trip; other requests run while one is in flight.
 */
export interface BucketStore {
  get(key: string): Promise<BucketState | undefined>;
  set(key: string, value: BucketState): Promise<void>;
  /**
   * Atomically writes `next` if the stored value still equals `expected` (`undefined`: the key
   * does not exist yet). Resolves true when it wrote, false when the value had changed.
   */
  compareAndSet(key: string, expected: BucketState | undefined, next: BucketState): Promise<boolean>;
}

/** Wall-clock time of the gateway host. */
export interface Clock {
  /** Epoch milliseconds. May step backwards when NTP corrects the host clock. */
  now(): number;
}

export interface RateLimitPolicy {
  /** Largest burst a key may send at once, in tokens (requests of cost 1). */
  capacity: number;
  /** Tokens credited back to a key per second. */
  refillPerSecond: number;
}

export type TakeResult =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

export type RateLimitErrorCode = 'policy_invalid' | 'cost_invalid';

export class RateLimitError extends Error {
  constructor(
    readonly code: RateLimitErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RateLimitError';
  }
}

export interface GatewayRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/charges`. */
  path: string;
  /** Header names as the client sent them (matched case-insensitively). */
  headers: Record<string, string | undefined>;
  body?: unknown;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The API behind the gateway. */
export type Handler = (request: GatewayRequest) => Promise<GatewayResponse>;
