import { bug, expectThat, explore } from 'bugbash/harness';
import { allowedCount, bucketsStayWithinCapacity, gateWorld, limiterWorld, MERCHANT_A, request, statuses } from './world';

bug('take-race', 'two simultaneous requests cannot both spend the last token', async () => {
  await explore({}, async (env) => {
    const { limiter } = limiterWorld(env, { capacity: 1, refillPerSecond: 1 });
    const results = await env.outcomes([
      env.run('request 1', () => limiter.take(MERCHANT_A)),
      env.run('request 2', () => limiter.take(MERCHANT_A)),
    ]);
    expectThat(
      allowedCount(results) === 1,
      'two requests that arrived together were both allowed from a bucket holding one token: concurrent requests overspend the limit',
      { expected: { allowed: 1 }, actual: { allowed: allowedCount(results) }, interleaving: env.trace },
    );
  });
});

bug('take-race', 'a burst of concurrent requests through the gate never gets more than the bucket holds', async () => {
  await explore({}, async (env) => {
    const { gate, served } = gateWorld(env, { capacity: 2, refillPerSecond: 1 });
    const results = await env.outcomes(
      [1, 2, 3].map((n) => env.run(`request ${n}`, () => gate.handle(request(MERCHANT_A, 'POST', '/v1/refunds')))),
    );
    const codes = statuses(results);
    expectThat(
      served.length === 2 && codes.filter((c) => c === 429).length === 1,
      served.length > 2
        ? 'three concurrent requests against a bucket of two tokens: more than two reached the payments API'
        : 'three concurrent requests against a bucket of two tokens: fewer than two were served although the tokens were there',
      {
        expected: { servedByApi: 2, rejectedWith429: 1 },
        actual: { servedByApi: served.length, rejectedWith429: codes.filter((c) => c === 429).length },
        interleaving: env.trace,
      },
    );
  });
}, { timeout: 60_000 });

bug('take-race', 'concurrent search requests cannot overdraw a bucket that fits only one of them', async () => {
  await explore({}, async (env) => {
    const { limiter } = limiterWorld(env, { capacity: 8, refillPerSecond: 1 });
    const results = await env.outcomes([
      env.run('search 1 (cost 5)', () => limiter.take(MERCHANT_A, 5)),
      env.run('search 2 (cost 5)', () => limiter.take(MERCHANT_A, 5)),
    ]);
    expectThat(
      allowedCount(results) === 1,
      'two concurrent requests costing 5 tokens each were both allowed from a bucket of 8 tokens',
      { expected: { allowed: 1 }, actual: { allowed: allowedCount(results) }, interleaving: env.trace },
    );
  });
}, { timeout: 60_000 });

bug('take-race', 'a request racing another client\'s burst of four: never more allowed than the tokens, however often it loses the race', async () => {
  // The burst writes four times while the single request retries: it can lose its swap four
  // times in a row, more than any small retry bound allows for.
  await explore({}, async (env) => {
    const policy = { capacity: 4, refillPerSecond: 1 };
    const { limiter, store } = limiterWorld(env, policy);
    bucketsStayWithinCapacity(env, store, policy);
    const burst = env.run('burst of 4 (one after another)', async () => {
      const verdicts = [];
      for (let i = 0; i < 4; i++) verdicts.push(await limiter.take(MERCHANT_A));
      return verdicts;
    });
    const single = env.run('single request', () => limiter.take(MERCHANT_A));
    const [burstResult, singleResult] = await env.outcomes<unknown>([burst, single]);
    const taken = [
      ...(burstResult!.status === 'fulfilled' ? (burstResult!.value as { allowed: boolean }[]) : []),
      ...(singleResult!.status === 'fulfilled' ? [singleResult!.value as { allowed: boolean }] : []),
    ];
    const allowed = taken.filter((result) => result.allowed).length;
    expectThat(
      allowed === 4 && store.values()[0]?.milliTokens === 0,
      allowed > 4
        ? 'a request racing a burst of four against a bucket of four tokens: five were allowed'
        : 'a request racing a burst of four against a bucket of four tokens: the tokens allowed and the tokens spent do not match',
      { expected: { allowed: 4, milliTokensLeft: 0 }, actual: { allowed, milliTokensLeft: store.values()[0]?.milliTokens } },
    );
  });
}, { timeout: 60_000 });
