import { describe, expect, it } from 'vitest';
import { compareWithReference, Env, explore, expectThat, FakeStore, LearnerFailure, type ExploreOptions } from '../../src/harness/index.js';
import { explorations, type ExplorationRecord } from '../../src/harness/tests.js';
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

async function increments(make: (store: FakeStore<number>) => { increment(): Promise<void> }, count = 2, options: ExploreOptions = {}) {
  await explore(options, async (env) => {
    const store = new FakeStore<number>(env, 'counter');
    const counter = env.track(make(store));
    const results = await env.outcomes(Array.from({ length: count }, (_, i) => env.run(`increment ${'ABCD'[i]}`, () => counter.increment())));
    const done = results.filter((result) => result.status === 'fulfilled').length;
    expectThat(store.peek('n') === done, `${count} concurrent increments lost one`, { expected: done, actual: store.peek('n') });
  });
}

/** The last exploration the harness recorded for the running test. */
function lastExploration(): ExplorationRecord {
  return explorations().at(-1)!;
}

/** An in-process busy flag set before the first await but cleared before the final write. */
class FlagClearedEarly {
  busy = false;
  constructor(private readonly store: FakeStore<number>) {}
  async increment(): Promise<void> {
    if (this.busy) throw Object.assign(new Error('busy'), { code: 'in_use' });
    this.busy = true;
    let value: number;
    try {
      value = (await this.store.get('n')) ?? 0;
      await this.store.get('audit');
    } finally {
      this.busy = false;
    }
    await this.store.set('n', value + 1);
  }
}

/** The same flag, held until the write has landed: correct (the second caller is refused). */
class FlagHeld {
  busy = false;
  constructor(private readonly store: FakeStore<number>) {}
  async increment(): Promise<void> {
    if (this.busy) throw Object.assign(new Error('busy'), { code: 'in_use' });
    this.busy = true;
    try {
      const value = (await this.store.get('n')) ?? 0;
      await this.store.get('audit');
      await this.store.set('n', value + 1);
    } finally {
      this.busy = false;
    }
  }
}

describe('explore: every ordering, arrivals included', () => {
  it('finds a lost update and reports the failing ordering in plain words, with arrivals', async () => {
    const error = await increments((store) => new RacyCounter(store)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LearnerFailure);
    const details = (error as LearnerFailure).details;
    expect(details.symptom).toBe('2 concurrent increments lost one');
    expect(details.interleaving).toEqual([
      'increment A arrives',
      'increment A: counter.get("n")',
      'increment B arrives',
      'increment B: counter.get("n")',
      'increment B: counter.set("n", 1)',
      'increment B returned nothing',
      'increment A: counter.set("n", 1)',
      'increment A returned nothing',
    ]);
    expect(details.exploration).toMatch(/^exhaustive, failed on ordering \d+$/);
  });

  it('replays a reported schedule exactly', async () => {
    const error = (await increments((store) => new RacyCounter(store)).catch((e: unknown) => e)) as LearnerFailure;
    const replayed = (await increments((store) => new RacyCounter(store), 2, { replay: error.details.schedule }).catch((e: unknown) => e)) as LearnerFailure;
    expect(replayed.details.interleaving).toEqual(error.details.interleaving);
    expect(lastExploration().mode).toBe('replay');
  });

  it('proves a correct implementation over every distinct ordering and says how many there were', async () => {
    await increments((store) => new AtomicCounter(store), 2);
    expect(lastExploration()).toMatchObject({ mode: 'exhaustive', orderings: 4 });
    await increments((store) => new AtomicCounter(store), 3);
    expect(lastExploration()).toMatchObject({ mode: 'exhaustive', orderings: 108 });
  });

  it('runs orderings that differ only in independent steps once', async () => {
    // Two operations on different keys commute: one ordering covers them all.
    await explore({}, async (env) => {
      const store = new FakeStore<number>(env, 'counter');
      env.track({});
      await env.outcomes([env.run('A', () => store.set('a', 1)), env.run('B', () => store.set('b', 1))]);
    });
    expect(lastExploration()).toMatchObject({ mode: 'exhaustive', orderings: 1 });
  });

  it('falls back to seeded sampling when the orderings exceed the budget, and records it', async () => {
    await increments((store) => new AtomicCounter(store), 3, { orderings: 50, runs: 40, seed: 7 });
    expect(lastExploration()).toMatchObject({ mode: 'sampled', orderings: 50, runs: 40, seed: 7 });
  });

  it('catches a busy flag cleared before the final write: the second request arrives late', async () => {
    const error = await increments((store) => new FlagClearedEarly(store)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LearnerFailure);
    const trace = (error as LearnerFailure).details.interleaving!;
    // B arrives only after A has read, i.e. after A's first step: a late arrival.
    expect(trace.indexOf('increment B arrives')).toBeGreaterThan(trace.indexOf('increment A: counter.get("n")'));
  });

  it('passes the same flag held until after the write, in every ordering', async () => {
    await increments((store) => new FlagHeld(store));
    expect(lastExploration().mode).toBe('exhaustive');
  });

  it('misses the late arrival when starts are pinned simultaneous (why arrivals are explored by default)', async () => {
    await expect(increments((store) => new FlagClearedEarly(store), 2, { arrivals: 'now' })).resolves.toBeUndefined();
  });

  it('gives the same failure every time', async () => {
    const first = await increments((store) => new RacyCounter(store), 3).catch((e: LearnerFailure) => e.details);
    const second = await increments((store) => new RacyCounter(store), 3).catch((e: LearnerFailure) => e.details);
    expect(second).toEqual(first);
  });

  it('reports an operation that can never settle by name, without waiting for a timeout', async () => {
    const startedAt = Date.now();
    const error = await explore({}, async (env) => {
      await env.outcomes([env.run('refund A', () => new Promise<void>(() => undefined))]);
    }).catch((e: LearnerFailure) => e);
    expect((error as LearnerFailure).details.symptom).toMatch(/^timed out: refund A never settled/);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('explores timers set inside operations instead of waiting for the wall clock', async () => {
    class BackoffCounter {
      constructor(private readonly store: FakeStore<number>) {}
      async increment(): Promise<void> {
        for (;;) {
          const value = await this.store.get('n');
          if (await this.store.compareAndSet('n', value, (value ?? 0) + 1)) return;
          await new Promise((resolve) => setTimeout(resolve, 60_000));
        }
      }
    }
    const startedAt = Date.now();
    await increments((store) => new BackoffCounter(store), 2);
    expect(lastExploration().mode).toBe('exhaustive');
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('explores a write the operation does not await against its own next steps (a floating write)', async () => {
    // save() starts the write and returns at once: the read that follows may reach the store
    // first, which only an ordering that reorders two waits of one operation shows.
    class FloatingSave {
      constructor(private readonly store: FakeStore<number>) {}
      async save(value: number): Promise<void> {
        void this.store.set('n', value);
      }
      async saveThenRead(value: number): Promise<number | undefined> {
        await this.save(value);
        return this.store.get('n');
      }
    }
    class AwaitedSave extends FloatingSave {
      override async save(value: number): Promise<void> {
        await (this as unknown as { store: FakeStore<number> }).store.set('n', value);
      }
    }
    const scenario = (make: (store: FakeStore<number>) => FloatingSave) =>
      explore({}, async (env) => {
        const store = new FakeStore<number>(env, 'counter');
        const saver = env.track(make(store));
        const [read] = await env.outcomes([env.run('save then read', () => saver.saveThenRead(5))]);
        expectThat(read!.status === 'fulfilled' && read!.value === 5, 'a saved value was not there when read right after saving');
      });
    const error = await scenario((store) => new FloatingSave(store)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LearnerFailure);
    // The failing ordering: the read ran while the write was still on its way.
    expect((error as LearnerFailure).details.interleaving).toEqual(['save then read arrives', 'save then read: counter.get("n")', 'save then read returned nothing']);
    await expect(scenario((store) => new AwaitedSave(store))).resolves.toBeUndefined();
    expect(lastExploration()).toMatchObject({ mode: 'exhaustive', orderings: 1 });
  });

  it('runs a call awaited outside env.run as part of the test', async () => {
    await explore({}, async (env) => {
      const store = new FakeStore<number>(env, 'counter');
      const counter = env.track(new AtomicCounter(store));
      await counter.increment();
      await env.outcomes([env.run('A', () => counter.increment()), env.run('B', () => counter.increment())]);
      expectThat(store.peek('n') === 3, 'lost an increment');
    });
  });
});

describe('invariants: checked after every write', () => {
  class Account {
    constructor(private readonly store: FakeStore<number>) {}
    /** Debits first and credits back when the balance went negative: right at the end, wrong in between. */
    async debit(amount: number): Promise<boolean> {
      const balance = (await this.store.get('balance')) ?? 0;
      await this.store.set('balance', balance - amount);
      if (balance - amount >= 0) return true;
      await this.store.set('balance', balance);
      return false;
    }
  }

  it('fails at the step where an invariant broke, even when the end state is right', async () => {
    const env = new Env();
    const store = new FakeStore<number>(env, 'accounts', { balance: 100 });
    env.invariant('the balance never goes below zero', () => (store.peek('balance') ?? 0) >= 0);
    const account = new Account(store);
    expect(await account.debit(150)).toBe(false);
    expect(store.peek('balance')).toBe(100);
    const error = (await env.settle().catch((e: unknown) => e)) as LearnerFailure;
    expect(error).toBeInstanceOf(LearnerFailure);
    expect(error.details.symptom).toBe('the balance never goes below zero — broken right after "accounts.set("balance", -50)"');
    expect(error.details.interleaving).toEqual(['accounts.get("balance") → 100', 'accounts.set("balance", -50)']);
  });

  it('stops an explored ordering at the first broken invariant', async () => {
    const error = await explore({}, async (env) => {
      const store = new FakeStore<number>(env, 'accounts', { balance: 100 });
      env.invariant('the balance never goes below zero', () => (store.peek('balance') ?? 0) >= 0 || `balance ${store.peek('balance')}`);
      const account = env.track(new Account(store));
      await env.outcomes([env.run('debit A', () => account.debit(60)), env.run('debit B', () => account.debit(60))]);
    }).catch((e: unknown) => e);
    expect((error as LearnerFailure).details.symptom).toMatch(/^the balance never goes below zero — broken right after "debit B: accounts.set\("balance", -20\)": balance -20$/);
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
