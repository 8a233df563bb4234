/**
 * The limiter's arithmetic against exact integer formulas over whole grids of inputs, so a
 * float transcription that is right on most inputs and wrong on a few is still caught.
 */
import { bug, Env, expectSame } from 'bugbash/harness';
import { limiterWorld, MERCHANT_A, T0 } from './world';

/** Refill rates that make milli-token arithmetic inexact in floating point (3, 7) and round ones. */
const RATES = [1, 3, 7, 10, 100];

bug('sub-second-refill-lost', 'every millisecond of idle time is credited exactly, in whole milli-tokens', async () => {
  const mismatches: string[] = [];
  for (const refillPerSecond of RATES) {
    // Large enough that the balance never reaches capacity here: only the refill is judged.
    const capacity = 2_000;
    const { limiter, clock, store } = limiterWorld(new Env(), { capacity, refillPerSecond });
    await limiter.take(MERCHANT_A, capacity);
    // The exact balance: every millisecond earns `refillPerSecond` milli-tokens.
    let exact = 0;
    let at = T0;
    for (let i = 0; i < 300 && mismatches.length < 3; i++) {
      const step = (i % 37) + 1;
      at += step;
      clock.set(at);
      exact = Math.min(capacity * 1000, exact + step * refillPerSecond);
      if (exact < 1000) continue;
      const result = await limiter.take(MERCHANT_A);
      exact -= 1000;
      const stored = store.values()[0]?.milliTokens;
      if (!result.allowed || stored !== exact) {
        mismatches.push(`at ${refillPerSecond} tokens/s, ${at - T0} ms after draining: ${result.allowed ? `stored ${stored} milli-tokens after the take` : 'rejected'}, exactly ${exact} left`);
        exact = stored ?? exact;
      }
    }
  }
  expectSame(mismatches, [], 'refill was not credited exactly: the bucket gains or loses fractions of a token as requests come in');
});

bug('retry-after-rounded-down', 'Retry-After is the exact wait for the missing tokens, rounded up to whole seconds, for every deficit', async () => {
  const mismatches: string[] = [];
  for (const refillPerSecond of [1, 3, 7, 40]) {
    const capacity = 12;
    for (let cost = 1; cost <= capacity && mismatches.length < 3; cost++) {
      // Drain, then wait whole seconds for `have` milli-tokens; ask for `cost` tokens.
      for (const waitedMs of [0, 1_000, 2_000, 5_000]) {
        const { limiter, clock } = limiterWorld(new Env(), { capacity, refillPerSecond });
        await limiter.take(MERCHANT_A, capacity);
        clock.advance(waitedMs);
        const have = Math.min(capacity * 1000, waitedMs * refillPerSecond);
        const result = await limiter.take(MERCHANT_A, cost);
        if (have >= cost * 1000) continue;
        const exact = Math.ceil(Math.ceil((cost * 1000 - have) / refillPerSecond) / 1000);
        const said = result.allowed ? 'allowed' : result.retryAfterSeconds;
        if (said !== exact) mismatches.push(`cost ${cost} at ${refillPerSecond} tokens/s, ${have} milli-tokens left: Retry-After ${said}, exactly ${exact}`);
      }
    }
  }
  expectSame(mismatches, [], 'a throttled request was told the wrong Retry-After: not the time until its tokens are back, rounded up to whole seconds');
});
