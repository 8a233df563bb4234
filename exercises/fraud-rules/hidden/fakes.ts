/**
 * The scoring service of the fraud-rules world, and the exact conversion the brief states.
 * Kept free of `@impl` imports so that our own unit tests
 * (test/exercises/fraud-rules.fakes.test.ts) can exercise them directly.
 */
import { markWorld, type Env } from 'bugbash/harness';

/** The shape of an authorization as the scorer reads it, restated so this file stands alone. */
export interface ScoredAuthorization {
  id: string;
  email: string;
}

export class ScorerUnavailableError extends Error {
  readonly code = 'scorer_unavailable';
  constructor(id: string) {
    super(`risk scorer: no answer for ${id} (503)`);
    this.name = 'ScorerUnavailableError';
  }
}

/**
 * The machine-learning scoring service. Each call is a step of the env that reads only the
 * authorization it scores. A score is set per authorization id, else per email, else 20; while
 * `down` is true every call rejects with ScorerUnavailableError.
 */
export class FakeScorer {
  down = false;
  readonly calls: string[] = [];

  constructor(
    private readonly env: Env,
    private readonly scores: Record<string, number> = {},
  ) {
    markWorld(this);
  }

  score(authorization: ScoredAuthorization): Promise<number> {
    const down = this.down;
    return this.env.step(
      down ? `scorer.score(${authorization.id}) failed: 503` : `scorer.score(${authorization.id})`,
      () => {
        this.calls.push(authorization.id);
        if (down) throw new ScorerUnavailableError(authorization.id);
        return this.scores[authorization.id] ?? this.scores[authorization.email] ?? 20;
      },
      [{ resource: 'scorer', key: authorization.id, write: false }],
    );
  }
}

/** Exponents and treasury rates of the brief (US dollars per major unit, in millionths). */
export const RATES: Record<string, { exponent: number; usdMicros: number }> = {
  usd: { exponent: 2, usdMicros: 1_000_000 },
  eur: { exponent: 2, usdMicros: 1_080_000 },
  gbp: { exponent: 2, usdMicros: 1_270_000 },
  jpy: { exponent: 0, usdMicros: 6_700 },
  kwd: { exponent: 3, usdMicros: 3_250_000 },
};

/** The brief's conversion, exact in big integers: amount × rate, in US cents, rounded down. */
export function exactUsdCents(amount: number, currency: string): number {
  const { exponent, usdMicros } = RATES[currency]!;
  const numerator = BigInt(amount) * BigInt(usdMicros) * 100n;
  const denominator = 10n ** BigInt(exponent) * 1_000_000n;
  return Number(numerator / denominator);
}
