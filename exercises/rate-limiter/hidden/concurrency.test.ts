import { bug, expectThat, explore } from 'bugbash/harness';
import { allowedCount, gateWorld, limiterWorld, MERCHANT_A, request, statuses } from './world';

bug('take-race', 'two simultaneous requests cannot both spend the last token', async () => {
  await explore({ seed: 4101, runs: 30 }, async (env) => {
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
  await explore({ seed: 4102, runs: 20 }, async (env) => {
    const { gate, served } = gateWorld(env, { capacity: 2, refillPerSecond: 1 });
    const results = await env.outcomes(
      [1, 2, 3, 4].map((n) => env.run(`request ${n}`, () => gate.handle(request(MERCHANT_A, 'POST', '/v1/refunds')))),
    );
    const codes = statuses(results);
    expectThat(
      served.length === 2 && codes.filter((c) => c === 429).length === 2,
      served.length > 2
        ? 'four simultaneous requests against a bucket of two tokens: more than two reached the payments API'
        : 'four simultaneous requests against a bucket of two tokens: fewer than two were served although the tokens were there',
      {
        expected: { servedByApi: 2, rejectedWith429: 2 },
        actual: { servedByApi: served.length, rejectedWith429: codes.filter((c) => c === 429).length },
        interleaving: env.trace,
      },
    );
  });
});

bug('take-race', 'concurrent search requests cannot overdraw a bucket that fits only one of them', async () => {
  await explore({ seed: 4103, runs: 25 }, async (env) => {
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
});
