import { createHash } from 'node:crypto';
import { RateLimitError, type BucketState, type BucketStore, type Clock, type RateLimitPolicy, type TakeResult } from './types';

/**
 * Tokens are counted in thousandths. A rate in tokens per second times a span in whole
 * milliseconds is then an exact integer number of milli-tokens, so a bucket that is read
 * and rewritten millions of times a day never accumulates floating-point drift.
 */
const MILLI_TOKENS_PER_TOKEN = 1000;
const MS_PER_SECOND = 1000;
const BUCKET_KEY_PREFIX = 'ratelimit:v2:';

interface Decision {
  result: TakeResult;
  /** The bucket to persist; absent when nothing needs writing. */
  next?: BucketState;
}

/**
 * Token-bucket rate limiting per API key. A key may burst up to `capacity` requests, and is
 * credited `refillPerSecond` tokens back every second, continuously. Buckets live in the
 * shared store so every gateway worker sees the same balance.
 */
export class TokenBucketLimiter {
  private readonly capacityMilliTokens: number;

  constructor(
    private readonly store: BucketStore,
    private readonly clock: Clock,
    private readonly policy: RateLimitPolicy,
  ) {
    if (!isPositiveInteger(policy.capacity) || !isPositiveInteger(policy.refillPerSecond)) {
      throw new RateLimitError('policy_invalid', 'capacity and refillPerSecond must be positive integers');
    }
    this.capacityMilliTokens = policy.capacity * MILLI_TOKENS_PER_TOKEN;
  }

  /**
   * Takes `cost` tokens from the key's bucket when it holds that many. Otherwise the request
   * is rejected with the number of whole seconds after which the same request would fit.
   */
  async take(apiKey: string, cost = 1): Promise<TakeResult> {
    if (!isPositiveInteger(cost) || cost > this.policy.capacity) {
      // A cost above capacity could never be served: the client would retry forever.
      throw new RateLimitError('cost_invalid', `cost must be an integer from 1 to ${this.policy.capacity}`);
    }
    const key = bucketKey(apiKey);
    // @bug take-race
    const stored = await this.store.get(key);
    const { result, next } = this.decide(stored, this.clock.now(), cost);
    if (next) await this.store.set(key, next);
    return result;
  }

  private decide(stored: BucketState | undefined, now: number, cost: number): Decision {
    // A key seen for the first time starts with a full bucket.
    const bucket = stored ? this.refill(stored, now) : { milliTokens: this.capacityMilliTokens, refilledAt: now };
    const needed = cost * MILLI_TOKENS_PER_TOKEN;
    if (bucket.milliTokens >= needed) {
      const milliTokens = bucket.milliTokens - needed;
      return {
        result: { allowed: true, remaining: Math.floor(milliTokens / MILLI_TOKENS_PER_TOKEN) },
        // @bug clock-step-back-mints-tokens
        next: { milliTokens, refilledAt: now },
      };
    }
    // A rejected request leaves the bucket untouched: a throttled client that keeps retrying
    // must not push its own recovery further out.
    const waitMs = Math.ceil((needed - bucket.milliTokens) / this.policy.refillPerSecond);
    // @bug retry-after-rounded-down
    return { result: { allowed: false, retryAfterSeconds: Math.floor(waitMs / MS_PER_SECOND) } };
  }

  /** Credits the tokens earned since the bucket was last refilled. */
  private refill(bucket: BucketState, now: number): BucketState {
    // NTP corrections and failover to a host with a skewed clock can step time backwards;
    // a negative span must not drain the bucket.
    const elapsedMs = Math.max(0, now - bucket.refilledAt);
    // @bug sub-second-refill-lost
    const earned = Math.floor(elapsedMs / MS_PER_SECOND) * this.policy.refillPerSecond * MILLI_TOKENS_PER_TOKEN;
    const refilledAt = Math.max(bucket.refilledAt, now);
    // @bug refill-over-capacity
    return { milliTokens: bucket.milliTokens + earned, refilledAt };
  }
}

/**
 * The store key of an API key's bucket. Secret keys never reach the shared store in plain
 * text: the store is readable by ops tooling and copied into backups.
 */
function bucketKey(apiKey: string): string {
  const digest = createHash('sha256').update(apiKey).digest('hex');
  // @bug bucket-key-collision
  // Ten hex digits tell keys apart and keep every Redis key name short.
  return BUCKET_KEY_PREFIX + digest.slice(0, 10);
}

function isPositiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}
