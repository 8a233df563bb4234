/**
 * The ledger's outside services as the hidden suites fake them: the shared lock service and
 * the FX desk. They import nothing from the implementation, so their own unit tests
 * (test/exercises/wallet-ledger.fakes.test.ts) can load them directly.
 */
import { markWorld, type Env } from 'bugbash/harness';

export interface FakeLease {
  release(): Promise<void>;
}

/**
 * A lock service shared by every ledger instance: each key has at most one holder, waiters
 * are granted it in request order, and there is no timeout (a lock that is never released
 * blocks its waiters forever, as the brief says). Releasing a lease twice is harmless and
 * never frees a lock another holder took since.
 */
export class FakeLocks {
  private readonly held = new Set<string>();
  private readonly waiting = new Map<string, Array<() => void>>();
  /** Every grant, in order: which key went to which operation (for assertions). */
  readonly grants: { key: string; holder: string }[] = [];

  constructor(private readonly env: Env) {
    markWorld(this);
  }

  async acquire(key: string): Promise<FakeLease> {
    const touches = [{ resource: 'locks', key, write: true }];
    await this.env.step(`locks.acquire(${JSON.stringify(key)})`, () => this.take(key), touches);
    this.grants.push({ key, holder: this.env.currentLabel() ?? '' });
    let released = false;
    return {
      release: () =>
        this.env.step(
          `locks.release(${JSON.stringify(key)})`,
          () => {
            if (released) return;
            released = true;
            this.give(key);
          },
          touches,
        ),
    };
  }

  /** Keys held right now. */
  holding(): string[] {
    return [...this.held].sort();
  }

  private take(key: string): Promise<void> | void {
    if (!this.held.has(key)) {
      this.held.add(key);
      return;
    }
    this.env.note(`waiting for ${JSON.stringify(key)}, held by another transaction`);
    return new Promise<void>((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(resolve);
      this.waiting.set(key, queue);
    });
  }

  private give(key: string): void {
    const next = this.waiting.get(key)?.shift();
    // The lock passes straight to the next waiter: it is never free in between.
    if (next) next();
    else this.held.delete(key);
  }
}

/** Rates in the ledger's format: units of `to` per unit of `from`, times 1 000 000. */
export const RATES: Record<string, number> = {
  'usd>jpy': 151_370_000,
  'jpy>usd': 6_606,
  'usd>kwd': 307_000,
  'kwd>usd': 3_257_329,
  'usd>eur': 921_500,
  'eur>usd': 1_085_187,
  'eur>jpy': 164_260_000,
  'jpy>eur': 6_087,
  'kwd>jpy': 493_000_000,
  'jpy>kwd': 2_028,
  'eur>kwd': 333_100,
  'kwd>eur': 3_002_101,
};

/** The FX desk: quotes from a fixed table; a pair it does not quote is an error, not a guess. */
export class FakeRates {
  /** Pairs quoted, in order. */
  readonly quoted: string[] = [];

  constructor(
    private readonly env: Env,
    private readonly rates: Record<string, number> = RATES,
  ) {
    markWorld(this);
  }

  quote(from: string, to: string): Promise<number> {
    const pair = `${from}>${to}`;
    return this.env.step(`rates.quote(${from} → ${to})`, () => {
      const rate = this.rates[pair];
      if (rate === undefined) throw new Error(`the FX desk quotes no rate for ${from} → ${to}`);
      this.quoted.push(pair);
      return rate;
    }, [{ resource: 'rates', key: pair, write: false }]);
  }
}

/** Exact conversion (the brief's formula, BigInt): the oracle of the FX tests. */
export function exactConvert(amount: number, fromDigits: number, toDigits: number, rate: number): number {
  return exactConverter(fromDigits, toDigits, rate)(amount);
}

/** The same oracle with the pair's constants computed once, for sweeps over many amounts. */
export function exactConverter(fromDigits: number, toDigits: number, rate: number): (amount: number) => number {
  const numerator = BigInt(rate) * 10n ** BigInt(toDigits);
  const denominator = 1_000_000n * 10n ** BigInt(fromDigits);
  return (amount) => Number((BigInt(amount) * numerator) / denominator);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function modInverse(a: bigint, m: bigint): bigint {
  // Extended Euclid; a and m are coprime.
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/**
 * Amounts in [1, max] whose exact conversion lands on a whole minor unit or just below one
 * (within `below` steps of the finest fraction): where a floating-point transcription of the
 * formula rounds the wrong way. Every such amount when there are few, else an even spread
 * including both ends.
 */
export function roundingBoundaries(fromDigits: number, toDigits: number, rate: number, max: number, below = 2, limit = 4_000): number[] {
  const n = BigInt(rate) * 10n ** BigInt(toDigits);
  const d = 1_000_000n * 10n ** BigInt(fromDigits);
  const g = gcd(n, d);
  const period = d / g;
  const inverse = period === 1n ? 0n : modInverse((n / g) % period, period);
  const found = new Set<number>();
  for (let k = 0n; k <= BigInt(below); k++) {
    // amount · n ≡ −k·g (mod d)  ⇔  amount ≡ −k · (n/g)⁻¹ (mod d/g)
    const first = period === 1n ? 1n : (((-k * inverse) % period) + period) % period || period;
    const count = (BigInt(max) - first) / period + 1n;
    if (count <= 0n) continue;
    const step = count > BigInt(limit) ? count / BigInt(limit) : 1n;
    for (let i = 0n; i < count; i += step) found.add(Number(first + i * period));
    found.add(Number(first + (count - 1n) * period));
  }
  return [...found].filter((x) => x >= 1 && x <= max).sort((a, b) => a - b);
}
