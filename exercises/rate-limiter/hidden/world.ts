/**
 * The world the hidden suites build around the limiter: a shared bucket store and a clock the
 * test moves by hand, the gate in front of a fake payments API, and helpers that turn results
 * into the plain data a learner reads in a failure.
 */
import { FakeClock, FakeStore, type Env } from 'bugbash/harness';
import { RateLimitGate } from '@impl/gateway';
import { TokenBucketLimiter } from '@impl/limiter';
import type { BucketState, BucketStore, GatewayRequest, GatewayResponse, RateLimitPolicy, TakeResult } from '@impl/types';

/** 2026-01-15 12:00:00 UTC, on a whole second. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

/** The production policy: 100 requests per second per live key, bursts of 100. */
export const LIVE_POLICY: RateLimitPolicy = { capacity: 100, refillPerSecond: 100 };
export const TEST_MODE_POLICY: RateLimitPolicy = { capacity: 25, refillPerSecond: 25 };

export const MERCHANT_A = 'ak_live_4fJ9cQm2LxT7wZbR1nVd8sKp';
export const MERCHANT_B = 'ak_live_9aZk3TqW6yHe2RmP5uLc7xNb';
export const MERCHANT_A_TEST = 'ak_test_4fJ9cQm2LxT7wZbR1nVd8sKp';

/** Two different API keys whose SHA-256 digests start with the same 10 hex digits (c9e9248b3b). */
export const LOOKALIKE_A = 'ak_live_3uH3zh3uZwcY3YoNpvioCoYi';
export const LOOKALIKE_B = 'ak_live_UhSoBrtrDfRIWS8K9H6z0HkJ';

export interface LimiterWorld {
  store: FakeStore<BucketState>;
  clock: FakeClock;
  limiter: TokenBucketLimiter;
}

export function limiterWorld(env: Env, policy: RateLimitPolicy, store: BucketStore = new FakeStore<BucketState>(env, 'buckets')): LimiterWorld {
  const clock = new FakeClock(T0);
  const limiter = env.track(new TokenBucketLimiter(store, clock, policy));
  return { store: store as FakeStore<BucketState>, clock, limiter };
}

/**
 * What the brief promises about every stored bucket, at every moment: a whole number of
 * milli-tokens from 0 to capacity × 1000.
 */
export function bucketsStayWithinCapacity(env: Env, store: FakeStore<BucketState>, policy: RateLimitPolicy): void {
  env.invariant(`a bucket always holds a whole number of milli-tokens from 0 to ${policy.capacity * 1000}`, () => {
    const bad = store.values().find((bucket) => !Number.isInteger(bucket.milliTokens) || bucket.milliTokens < 0 || bucket.milliTokens > policy.capacity * 1000);
    return bad === undefined || `a bucket holds ${bad.milliTokens} milli-tokens`;
  });
}

export interface GateWorld extends LimiterWorld {
  gate: RateLimitGate;
  /** The limiter the gate uses for test-mode keys (ak_test_…). */
  testLimiter: TokenBucketLimiter;
  /** Requests that reached the payments API behind the gate, in order. */
  served: string[];
  /** Errors the gate reported while letting requests through. */
  limiterErrors: unknown[];
}

/** A gate whose live keys get `policy`; test-mode keys get 25 per second, sharing the same store. */
export function gateWorld(env: Env, policy: RateLimitPolicy, store?: BucketStore): GateWorld {
  const world = limiterWorld(env, policy, store);
  const testLimiter = env.track(new TokenBucketLimiter(world.store, world.clock, TEST_MODE_POLICY));
  const served: string[] = [];
  const limiterErrors: unknown[] = [];
  let calls = 0;
  // Each call to the API is its own request: calls commute (only how many were served matters).
  const api = (request: GatewayRequest): Promise<GatewayResponse> => {
    const call = ++calls;
    return env.step(
      `payments API serves ${request.method} ${request.path}`,
      () => {
        served.push(`${request.method} ${request.path}`);
        return { status: 200, headers: { 'Request-Id': `req_${call}` }, body: { object: 'list', data: [] } };
      },
      [{ resource: 'payments-api', key: `req_${call}`, write: true }],
    );
  };
  const gate = env.track(new RateLimitGate({ live: world.limiter, test: testLimiter }, api, { onLimiterError: (error) => limiterErrors.push(error) }));
  return { ...world, testLimiter, served, limiterErrors, gate };
}

export function request(apiKey: string | undefined, method = 'POST', path = '/v1/payment_intents'): GatewayRequest {
  return { method, path, headers: apiKey === undefined ? {} : { Authorization: `Bearer ${apiKey}` } };
}

/** A result as a learner reads it: the remaining tokens when allowed, "rejected" otherwise. */
export function verdict(result: TakeResult): string {
  return result.allowed ? `allowed, ${result.remaining} left` : 'rejected';
}

/** Calls take `count` times at the current instant and lists the verdicts. */
export async function takeMany(limiter: TokenBucketLimiter, apiKey: string, count: number, cost = 1): Promise<string[]> {
  const verdicts: string[] = [];
  for (let i = 0; i < count; i++) verdicts.push(verdict(await limiter.take(apiKey, cost)));
  return verdicts;
}

export function allowedCount(results: PromiseSettledResult<TakeResult>[]): number {
  return results.filter((r) => r.status === 'fulfilled' && r.value.allowed).length;
}

/** How each settled gate call ended, as a status code or the error it threw. */
export function statuses(results: PromiseSettledResult<GatewayResponse>[]): (number | string)[] {
  return results.map((r) => (r.status === 'fulfilled' ? r.value.status : `threw ${String((r.reason as { code?: unknown })?.code ?? r.reason)}`));
}
