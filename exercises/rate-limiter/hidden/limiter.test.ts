import { bug, compareWithReference, Env, expectRejects, expectSame, expectThat, fc, FakeClock, FakeStore, guard, outcome } from 'bugbash/harness';
import { TokenBucketLimiter } from '@impl/limiter';
import { TokenBucketLimiter as RefTokenBucketLimiter } from '@reference/limiter';
import type { BucketState, TakeResult } from '@impl/types';
import { gateWorld, LIVE_POLICY, limiterWorld, LOOKALIKE_A, LOOKALIKE_B, MERCHANT_A, MERCHANT_B, request, T0, takeMany, verdict } from './world';

// Policy and cost validation.

guard('a cost that is not a whole number of tokens within capacity is rejected as cost_invalid', async () => {
  const { limiter } = limiterWorld(new Env(), { capacity: 5, refillPerSecond: 1 });
  for (const cost of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 6]) {
    await expectRejects(() => limiter.take(MERCHANT_A, cost), 'cost_invalid', `take with a cost of ${cost} tokens was not rejected as cost_invalid`);
  }
  expectSame(await takeMany(limiter, MERCHANT_A, 2, 5), ['allowed, 0 left', 'rejected'], 'a request costing exactly the capacity was not served from a full bucket');
});

guard('a policy without a positive whole capacity and refill rate is refused', async () => {
  const env = new Env();
  const make = (capacity: number, refillPerSecond: number) => () =>
    new TokenBucketLimiter(new FakeStore<BucketState>(env, 'buckets'), new FakeClock(), { capacity, refillPerSecond });
  const results = [];
  for (const [capacity, refill] of [[0, 1], [10, 0], [10, 0.5], [-5, 1], [Number.NaN, 1]] as const) {
    const result = await outcome(make(capacity, refill));
    results.push(result.ok ? 'accepted' : result.code);
  }
  expectSame(results, ['policy_invalid', 'policy_invalid', 'policy_invalid', 'policy_invalid', 'policy_invalid'], 'a limiter was built with a capacity or refill rate that is not a positive whole number');
});

// Burst and refill.

guard('a new key can burst exactly its capacity, then is rejected', async () => {
  const { limiter } = limiterWorld(new Env(), { capacity: 4, refillPerSecond: 1 });
  const verdicts = await takeMany(limiter, MERCHANT_A, 6);
  expectSame(
    verdicts,
    ['allowed, 3 left', 'allowed, 2 left', 'allowed, 1 left', 'allowed, 0 left', 'rejected', 'rejected'],
    'a key that had never been seen did not get exactly its burst capacity',
  );
});

guard('tokens come back at the refill rate', async () => {
  const { limiter, clock } = limiterWorld(new Env(), { capacity: 5, refillPerSecond: 2 });
  await takeMany(limiter, MERCHANT_A, 5);
  clock.advance(1_000);
  const afterOneSecond = await takeMany(limiter, MERCHANT_A, 3);
  clock.advance(2_000);
  const afterTwoMore = await takeMany(limiter, MERCHANT_A, 5);
  expectSame(
    { afterOneSecond, afterTwoMore },
    {
      afterOneSecond: ['allowed, 1 left', 'allowed, 0 left', 'rejected'],
      afterTwoMore: ['allowed, 3 left', 'allowed, 2 left', 'allowed, 1 left', 'allowed, 0 left', 'rejected'],
    },
    'a drained bucket did not refill at 2 tokens per second',
  );
});

guard('rejected requests do not spend tokens', async () => {
  const { limiter, clock } = limiterWorld(new Env(), { capacity: 2, refillPerSecond: 1 });
  await takeMany(limiter, MERCHANT_A, 2);
  const hammering = await takeMany(limiter, MERCHANT_A, 5);
  clock.advance(1_000);
  const afterOneSecond = await takeMany(limiter, MERCHANT_A, 2);
  expectSame(
    { hammering, afterOneSecond },
    { hammering: ['rejected', 'rejected', 'rejected', 'rejected', 'rejected'], afterOneSecond: ['allowed, 0 left', 'rejected'] },
    'a client retrying while throttled lost the token it earned a second later',
  );
});

guard('each API key has its own bucket', async () => {
  const { limiter } = limiterWorld(new Env(), { capacity: 2, refillPerSecond: 1 });
  await takeMany(limiter, MERCHANT_A, 3);
  const other = await takeMany(limiter, MERCHANT_B, 1);
  expectSame(other, ['allowed, 1 left'], "one merchant's traffic used up another merchant's rate limit");
});

bug('refill-over-capacity', 'a key idle for a minute can burst only its capacity', async () => {
  const { limiter, clock } = limiterWorld(new Env(), { capacity: 5, refillPerSecond: 1 });
  await limiter.take(MERCHANT_A);
  clock.advance(60_000);
  const verdicts = await takeMany(limiter, MERCHANT_A, 8);
  expectSame(
    verdicts,
    ['allowed, 4 left', 'allowed, 3 left', 'allowed, 2 left', 'allowed, 1 left', 'allowed, 0 left', 'rejected', 'rejected', 'rejected'],
    'after a minute idle, a key with a burst capacity of 5 was allowed far more than 5 requests at once',
  );
});

bug('refill-over-capacity', 'an hour of idling does not let a live key exceed 100 requests in one burst', async () => {
  const env = new Env();
  const { gate, clock, served } = gateWorld(env, LIVE_POLICY);
  await gate.handle(request(MERCHANT_A));
  clock.advance(3_600_000);
  const codes: number[] = [];
  for (let i = 0; i < 150; i++) codes.push((await gate.handle(request(MERCHANT_A))).status);
  expectThat(served.length === 101, 'after an hour without traffic, a burst of 150 requests reached the payments API beyond the 100-request capacity', {
    expected: { servedByApiInBurst: 100, rejectedWith429: 50 },
    actual: { servedByApiInBurst: served.length - 1, rejectedWith429: codes.filter((c) => c === 429).length },
  });
});

type Command = { kind: 'take'; key: string; cost: number } | { kind: 'wait'; seconds: number };

bug('refill-over-capacity', 'token counts match the reference across bursts and idle periods', async () => {
  const keys = [MERCHANT_A, MERCHANT_B];
  const policy = { capacity: 4, refillPerSecond: 1 };
  await compareWithReference<{ limiter: { take(apiKey: string, cost?: number): Promise<unknown> }; clock: FakeClock }, Command>({
    symptom: 'the requests allowed (and the tokens left) differ from the reference once keys sit idle between bursts',
    commands: fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('take' as const), key: fc.constantFrom(...keys), cost: fc.integer({ min: 1, max: 3 }) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 9 }) }) },
      ),
      { minLength: 1, maxLength: 20 },
    ),
    create(side, env) {
      const clock = new FakeClock(T0);
      const store = new FakeStore<BucketState>(env, 'buckets');
      const limiter = side === 'reference' ? new RefTokenBucketLimiter(store, clock, policy) : new TokenBucketLimiter(store, clock, policy);
      return { limiter, clock };
    },
    async apply(system, command) {
      if (command.kind === 'wait') {
        system.clock.advance(command.seconds * 1_000);
        return undefined;
      }
      return verdict((await system.limiter.take(command.key, command.cost)) as never);
    },
    describe: (command) =>
      command.kind === 'wait' ? `${command.seconds} s pass` : `take(${command.key === MERCHANT_A ? 'merchant A' : 'merchant B'}, cost ${command.cost})`,
    seed: 4201,
    runs: 60,
  });
});

bug('sub-second-refill-lost', 'a token earned over 150 ms at 10 tokens per second can be spent', async () => {
  const { limiter, clock } = limiterWorld(new Env(), { capacity: 5, refillPerSecond: 10 });
  await takeMany(limiter, MERCHANT_A, 5);
  clock.advance(150);
  const first = await takeMany(limiter, MERCHANT_A, 2);
  clock.advance(50);
  const second = await takeMany(limiter, MERCHANT_A, 2);
  expectSame(
    { after150ms: first, after200ms: second },
    { after150ms: ['allowed, 0 left', 'rejected'], after200ms: ['allowed, 0 left', 'rejected'] },
    'at 10 tokens per second, a drained key that waited 150 ms (1.5 tokens) was still rejected',
  );
});

bug('sub-second-refill-lost', 'steady traffic just under the limit is not throttled', async () => {
  // One request every 900 ms against 1 token per second: always under the limit.
  const run = async (make: (store: FakeStore<BucketState>, clock: FakeClock) => { take(apiKey: string): Promise<{ allowed: boolean }> }) => {
    const clock = new FakeClock(T0);
    const limiter = make(new FakeStore<BucketState>(new Env(), 'buckets'), clock);
    let allowed = 0;
    for (let i = 0; i < 100; i++) {
      clock.set(T0 + i * 900);
      if ((await limiter.take(MERCHANT_A)).allowed) allowed += 1;
    }
    return allowed;
  };
  const policy = { capacity: 10, refillPerSecond: 1 };
  const expected = await run((store, clock) => new RefTokenBucketLimiter(store, clock, policy));
  const actual = await run((store, clock) => new TokenBucketLimiter(store, clock, policy));
  const symptom =
    actual < expected
      ? 'a client sending one request every 900 ms against a limit of 1 per second was throttled far below the limit'
      : 'a client sending one request every 900 ms against a limit of 1 per second got more requests through than the limit allows';
  expectThat(actual === expected, symptom, {
    expected: { allowedOutOf100: expected },
    actual: { allowedOutOf100: actual },
  });
});

// Clocks that step backwards.

guard('a clock stepping backwards neither throws nor drains the bucket', async () => {
  const { limiter, clock } = limiterWorld(new Env(), { capacity: 3, refillPerSecond: 1 });
  const before = await takeMany(limiter, MERCHANT_A, 1);
  clock.advance(-10_000);
  const during = await takeMany(limiter, MERCHANT_A, 3);
  expectSame(
    { before, during },
    { before: ['allowed, 2 left'], during: ['allowed, 1 left', 'allowed, 0 left', 'rejected'] },
    'after the host clock was stepped back 10 seconds, the bucket did not hold the tokens it had before',
  );
});

bug('clock-step-back-mints-tokens', 'a clock stepped back and then corrected does not refill the bucket', async () => {
  const { limiter, clock } = limiterWorld(new Env(), { capacity: 10, refillPerSecond: 1 });
  await takeMany(limiter, MERCHANT_A, 9);
  // NTP steps the host clock back 30 s; one request lands while it is behind.
  clock.set(T0 - 30_000);
  const whileBehind = await takeMany(limiter, MERCHANT_A, 1);
  // The clock is corrected: only 1 ms has really passed since the bucket was drained.
  clock.set(T0 + 1);
  const afterCorrection = await takeMany(limiter, MERCHANT_A, 3);
  expectSame(
    { whileBehind, afterCorrection },
    { whileBehind: ['allowed, 0 left'], afterCorrection: ['rejected', 'rejected', 'rejected'] },
    'a drained key got a fresh burst of tokens when the host clock was stepped back 30 s and then corrected, although no time had passed',
  );
});

bug('clock-step-back-mints-tokens', 'two gateway hosts whose clocks disagree by 2 s do not mint tokens', async () => {
  const env = new Env();
  const { gate, clock, served } = gateWorld(env, { capacity: 5, refillPerSecond: 1 });
  // Requests every 500 ms for 20 s, alternating between a host with the right time and one 2 s behind.
  for (let i = 0; i < 40; i++) {
    clock.set(T0 + i * 500 - (i % 2 === 1 ? 2_000 : 0));
    await gate.handle(request(MERCHANT_A));
  }
  // Over 19.5 s a key may spend its burst of 5 plus 19.5 tokens of refill.
  expectThat(served.length <= 24, 'with two gateway hosts 2 s apart, a key got far more requests through than its rate allows', {
    expected: { servedByApi: 'at most 24' },
    actual: { servedByApi: served.length },
  });
});

// Retry-After.

bug('retry-after-rounded-down', 'a live key over its limit is told to retry after 1 s, not 0', async () => {
  const { limiter } = limiterWorld(new Env(), LIVE_POLICY);
  for (let i = 0; i < 100; i++) await limiter.take(MERCHANT_A);
  const rejected = await limiter.take(MERCHANT_A);
  expectSame(
    rejected,
    { allowed: false, retryAfterSeconds: 1 },
    rejected.allowed || rejected.retryAfterSeconds !== 0
      ? 'a throttled live key was not told to retry after 1 s, although its next token is 10 ms away'
      : 'a throttled request was told it could retry after 0 seconds: clients retry at once and get throttled again',
  );
});

bug('retry-after-rounded-down', 'the 429 response carries a Retry-After long enough for the request to fit', async () => {
  const cases: { policy: { capacity: number; refillPerSecond: number }; path: string; retryAfter: string }[] = [
    // 1 token at 1 per second: exactly 1 s.
    { policy: { capacity: 1, refillPerSecond: 1 }, path: '/v1/refunds', retryAfter: '1' },
    // 5 tokens (a search) at 2 per second: 2.5 s, so 3.
    { policy: { capacity: 6, refillPerSecond: 2 }, path: '/v1/charges/search', retryAfter: '3' },
    // 1 token at 4 per second: 250 ms, so 1.
    { policy: { capacity: 4, refillPerSecond: 4 }, path: '/v1/refunds', retryAfter: '1' },
  ];
  const actual: string[] = [];
  for (const { policy, path } of cases) {
    const env = new Env();
    const { gate, limiter } = gateWorld(env, policy);
    await limiter.take(MERCHANT_A, policy.capacity);
    const response = await gate.handle(request(MERCHANT_A, 'GET', path));
    actual.push(`${response.status} Retry-After: ${response.headers['Retry-After']}`);
  }
  expectSame(
    actual,
    cases.map((c) => `429 Retry-After: ${c.retryAfter}`),
    'a 429 response told the client to retry before enough tokens would be back, so its retry was throttled again',
  );
});

type Take = { cost: number };

bug('retry-after-rounded-down', 'rejections at one instant say the same as the reference', async () => {
  const policy = { capacity: 6, refillPerSecond: 4 };
  await compareWithReference<{ take(apiKey: string, cost?: number): Promise<TakeResult> }, Take>({
    symptom: 'the Retry-After of a throttled request differs from the time its tokens need to come back',
    commands: fc.array(fc.record({ cost: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 8 }),
    create(side, env) {
      const clock = new FakeClock(T0);
      const store = new FakeStore<BucketState>(env, 'buckets');
      return side === 'reference' ? new RefTokenBucketLimiter(store, clock, policy) : new TokenBucketLimiter(store, clock, policy);
    },
    apply: (limiter, { cost }) => limiter.take(MERCHANT_A, cost),
    describe: ({ cost }) => `take(merchant A, cost ${cost})`,
    seed: 4301,
    runs: 60,
  });
});

// One bucket per API key.

guard('the shared store never holds an API key in plain text', async () => {
  const { limiter, store } = limiterWorld(new Env(), { capacity: 3, refillPerSecond: 1 });
  for (const key of [MERCHANT_A, MERCHANT_B, LOOKALIKE_A]) await takeMany(limiter, key, 2);
  const dump = JSON.stringify(store.snapshot());
  const leaked = [MERCHANT_A, MERCHANT_B, LOOKALIKE_A].filter((key) => dump.includes(key));
  expectThat(leaked.length === 0, 'secret API keys were written to the shared rate-limit store in plain text', {
    expected: { keysInStore: [] },
    actual: { keysInStore: leaked },
  });
});

bug('bucket-key-collision', 'two unrelated API keys never share a bucket', async () => {
  const { limiter } = limiterWorld(new Env(), { capacity: 3, refillPerSecond: 1 });
  await takeMany(limiter, LOOKALIKE_A, 4);
  const other = await takeMany(limiter, LOOKALIKE_B, 1);
  expectSame(other, ['allowed, 2 left'], `one API key's traffic used up an unrelated key's rate limit (${LOOKALIKE_A} and ${LOOKALIKE_B} share a bucket)`);
});

bug('bucket-key-collision', "a throttled merchant does not get another merchant's requests rejected", async () => {
  const env = new Env();
  const { gate } = gateWorld(env, { capacity: 2, refillPerSecond: 1 });
  const first = [];
  for (let i = 0; i < 3; i++) first.push((await gate.handle(request(LOOKALIKE_B))).status);
  const second = await gate.handle(request(LOOKALIKE_A));
  expectSame(
    { merchantB: first, merchantA: { status: second.status, rateLimitRemaining: second.headers['RateLimit-Remaining'] ?? '(no header)' } },
    { merchantB: [200, 200, 429], merchantA: { status: 200, rateLimitRemaining: '1' } },
    "merchant A's first request of the day was throttled because merchant B had used up its own limit",
  );
});
