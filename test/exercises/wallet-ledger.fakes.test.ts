import { describe, expect, it } from 'vitest';
import { Env, explore } from '../../src/harness/index.js';
import { FakeLocks, FakeRates, RATES, exactConvert, roundingBoundaries } from '../../exercises/wallet-ledger/hidden/fakes.js';

describe('wallet-ledger fakes: the lock service', () => {
  it('grants a key to one holder at a time, and to the waiters in request order', async () => {
    const env = new Env();
    const locks = new FakeLocks(env);
    const order: string[] = [];
    const holder = (name: string) =>
      env.run(name, async () => {
        const lease = await locks.acquire('account:alice');
        order.push(`${name} in`);
        await env.step('work', () => undefined, []);
        order.push(`${name} out`);
        await lease.release();
      });
    await env.outcomes([holder('a'), holder('b'), holder('c')]);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(locks.holding()).toEqual([]);
  });

  it('keys are independent', async () => {
    const env = new Env();
    const locks = new FakeLocks(env);
    const a = await locks.acquire('account:alice');
    const b = await locks.acquire('account:bob');
    expect(locks.holding()).toEqual(['account:alice', 'account:bob']);
    await a.release();
    await b.release();
    expect(locks.holding()).toEqual([]);
  });

  it('releasing a lease twice never frees a lock another holder took since', async () => {
    const env = new Env();
    const locks = new FakeLocks(env);
    const first = await locks.acquire('k');
    await first.release();
    await locks.acquire('k');
    await first.release();
    expect(locks.holding()).toEqual(['k']);
  });

  it('has no timeout: two holders waiting on each other never settle', async () => {
    await expect(
      explore({ arrivals: 'now', orderings: 50 }, async (env) => {
        const locks = new FakeLocks(env);
        const pair = (label: string, x: string, y: string) =>
          env.run(label, async () => {
            const first = await locks.acquire(x);
            const second = await locks.acquire(y);
            await second.release();
            await first.release();
          });
        await env.outcomes([pair('one', 'a', 'b'), pair('two', 'b', 'a')]);
      }),
    ).rejects.toThrow(/never settled/);
  }, 30_000);
});

describe('wallet-ledger fakes: FX rates', () => {
  it('quotes the table and refuses a pair it does not know', async () => {
    const rates = new FakeRates(new Env());
    expect(await rates.quote('usd', 'jpy')).toBe(151_370_000);
    await expect(rates.quote('usd', 'chf')).rejects.toThrow(/no rate/);
    expect(rates.quoted).toEqual(['usd>jpy']);
  });
});

describe('wallet-ledger oracle: exact conversion and rounding boundaries', () => {
  it('converts as the brief says', () => {
    expect(exactConvert(1_000, 2, 0, RATES['usd>jpy']!)).toBe(1_513);
    expect(exactConvert(10_000, 0, 2, RATES['jpy>usd']!)).toBe(6_606);
    expect(exactConvert(10_000, 2, 3, RATES['usd>kwd']!)).toBe(30_700);
    expect(exactConvert(99_999_999, 2, 0, RATES['usd>jpy']!)).toBe(151_369_998);
  });

  it('boundaries are amounts whose exact result is a whole unit, or just below one', () => {
    for (const [pair, rate] of Object.entries({ 'usd>jpy': RATES['usd>jpy']!, 'jpy>kwd': RATES['jpy>kwd']! })) {
      const [df, dt] = pair === 'usd>jpy' ? [2, 0] : [0, 3];
      const numerator = BigInt(rate) * 10n ** BigInt(dt);
      const denominator = 1_000_000n * 10n ** BigInt(df);
      const boundaries = roundingBoundaries(df, dt, rate, 99_999_999, 2, 200);
      expect(boundaries.length).toBeGreaterThan(100);
      for (const x of boundaries) {
        const remainder = (BigInt(x) * numerator) % denominator;
        const gap = (denominator - remainder) % denominator;
        expect(remainder === 0n || gap <= 2n * (numerator % denominator === 0n ? 1n : gcd(numerator, denominator))).toBe(true);
        expect(x).toBeGreaterThanOrEqual(1);
        expect(x).toBeLessThanOrEqual(99_999_999);
      }
    }
  });
});

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}
