import { describe, expect, it } from 'vitest';
import { compareWithReference, Env, explore, expectThat, FakeStore, LearnerFailure } from '../../src/harness/index.js';
import { fc } from '../../src/harness/index.js';

/** A counter with the classic read-then-write across an await. */
class RacyCounter {
  constructor(private readonly store: FakeStore<number>) {}
  async increment(): Promise<void> {
    const value = (await this.store.get('n')) ?? 0;
    await this.store.set('n', value + 1);
  }
}

class AtomicCounter {
  constructor(private readonly store: FakeStore<number>) {}
  async increment(): Promise<void> {
    for (;;) {
      const value = await this.store.get('n');
      if (await this.store.compareAndSet('n', value, (value ?? 0) + 1)) return;
    }
  }
}

async function twoIncrements(make: (store: FakeStore<number>) => { increment(): Promise<void> }) {
  await explore({ seed: 5, runs: 50 }, async (env) => {
    const store = new FakeStore<number>(env, 'counter');
    const counter = make(store);
    await env.outcomes([env.run('increment A', () => counter.increment()), env.run('increment B', () => counter.increment())]);
    expectThat(store.peek('n') === 2, 'two concurrent increments lost one', { expected: 2, actual: store.peek('n') });
  });
}

describe('explore: deterministic interleavings', () => {
  it('finds a lost update and reports the minimal interleaving in plain words', async () => {
    const error = await twoIncrements((store) => new RacyCounter(store)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LearnerFailure);
    const details = (error as LearnerFailure).details;
    expect(details.symptom).toBe('two concurrent increments lost one');
    expect(details.seed).toBe(5);
    expect(details.interleaving!.slice(0, 2)).toEqual(expect.arrayContaining([expect.stringMatching(/^increment [AB]: counter\.get\("n"\)/)]));
    expect(details.interleaving!.filter((line) => line.includes('counter.get')).length).toBe(2);
  });

  it('passes a correct implementation on every interleaving', async () => {
    await expect(twoIncrements((store) => new AtomicCounter(store))).resolves.toBeUndefined();
  });

  it('gives the same failure for the same seed', async () => {
    const first = await twoIncrements((store) => new RacyCounter(store)).catch((e: LearnerFailure) => e.details);
    const second = await twoIncrements((store) => new RacyCounter(store)).catch((e: LearnerFailure) => e.details);
    expect(second).toEqual(first);
  });

  it('reports an operation that can never settle by name, without waiting for a timeout', async () => {
    const startedAt = Date.now();
    const error = await explore({ seed: 1, runs: 5 }, async (env) => {
      await env.outcomes([env.run('refund A', () => new Promise<void>(() => undefined))]);
    }).catch((e: LearnerFailure) => e);
    expect((error as LearnerFailure).details.symptom).toMatch(/^timed out: refund A never settled/);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });
});

describe('compareWithReference', () => {
  const create = (kind: 'reference' | 'yours', env: Env) => {
    const store = new FakeStore<number>(env, 'counter');
    return { store, counter: kind === 'reference' ? new AtomicCounter(store) : { increment: async () => store.set('n', ((await store.get('n')) ?? 0) + (((await store.get('n')) ?? 0) >= 3 ? 2 : 1)) } };
  };

  it('reports the shortest sequence after which the states diverge', async () => {
    const error = await compareWithReference({
      symptom: 'the counter diverged from the reference',
      commands: fc.array(fc.constant('increment'), { maxLength: 8 }),
      create,
      apply: (system) => system.counter.increment(),
      state: (system) => system.store.snapshot(),
      describe: () => 'increment()',
      seed: 2,
      runs: 50,
    }).catch((e: LearnerFailure) => e);
    expect((error as LearnerFailure).details.steps).toEqual(['increment()', 'increment()', 'increment()', 'increment()']);
    expect((error as LearnerFailure).details.expected).toEqual({ result: { returned: undefined }, state: { n: 4 } });
  });
});
