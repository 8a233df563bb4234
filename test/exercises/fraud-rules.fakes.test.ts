import { describe, expect, it } from 'vitest';
import { Env, explore } from 'bugbash/harness';
import { explorations } from '../../src/harness/tests.js';
import { exactUsdCents, FakeScorer, ScorerUnavailableError } from '../../exercises/fraud-rules/hidden/fakes.js';

describe('fraud-rules FakeScorer', () => {
  it('scores by authorization id, then by email, else 20', async () => {
    const scorer = new FakeScorer(new Env(), { auth_1: 80, 'risky@example.com': 70 });
    expect(await scorer.score({ id: 'auth_1', email: 'risky@example.com' })).toBe(80);
    expect(await scorer.score({ id: 'auth_2', email: 'risky@example.com' })).toBe(70);
    expect(await scorer.score({ id: 'auth_3', email: 'ana@example.com' })).toBe(20);
    expect(scorer.calls).toEqual(['auth_1', 'auth_2', 'auth_3']);
  });

  it('rejects every call while it is down, and answers again once it is back', async () => {
    const scorer = new FakeScorer(new Env(), { auth_1: 5 });
    scorer.down = true;
    await expect(scorer.score({ id: 'auth_1', email: 'a@example.com' })).rejects.toBeInstanceOf(ScorerUnavailableError);
    await expect(scorer.score({ id: 'auth_1', email: 'a@example.com' })).rejects.toMatchObject({ code: 'scorer_unavailable' });
    scorer.down = false;
    expect(await scorer.score({ id: 'auth_1', email: 'a@example.com' })).toBe(5);
    expect(scorer.calls).toEqual(['auth_1', 'auth_1', 'auth_1']);
  });

  it('is a step of the env: two scorings of different authorizations are independent, so one ordering is explored', async () => {
    await explore({}, async (env) => {
      // Nothing of an implementation here: an empty tracked subject keeps the explorer from assuming memory writes.
      env.track({});
      const scorer = new FakeScorer(env);
      const results = await env.outcomes([
        env.run('score A', () => scorer.score({ id: 'auth_a', email: 'a@example.com' })),
        env.run('score B', () => scorer.score({ id: 'auth_b', email: 'b@example.com' })),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    });
    expect(explorations().at(-1)).toMatchObject({ mode: 'exhaustive', orderings: 1 });
  });
});

describe('fraud-rules exactUsdCents', () => {
  it('converts with each currency exponent and rounds down once, at the end', () => {
    expect(exactUsdCents(2000, 'usd')).toBe(2000);
    expect(exactUsdCents(100_000, 'jpy')).toBe(67_000);
    expect(exactUsdCents(1_230, 'kwd')).toBe(399);
    expect(exactUsdCents(46_297, 'eur')).toBe(50_000);
    expect(exactUsdCents(775, 'eur')).toBe(837);
    expect(exactUsdCents(5_500, 'gbp')).toBe(6_985);
  });

  it('stays exact at the largest amount, where a float product would not be', () => {
    expect(exactUsdCents(99_999_990, 'kwd')).toBe(32_499_996);
    expect(exactUsdCents(99_999_999, 'gbp')).toBe(126_999_998);
    expect(exactUsdCents(99_999_999, 'jpy')).toBe(66_999_999);
  });
});
