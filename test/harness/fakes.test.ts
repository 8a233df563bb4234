import { describe, expect, it } from 'vitest';
import { Env, explore, FakeClock, FakeStore, StoreUnavailableError } from '../../src/harness/index.js';
import { moduleStatePlugin } from '../../src/grading/module-state.js';

interface Row {
  id: string;
  balance: number;
  note?: string;
}

describe('FakeStore', () => {
  it('compare-and-set matches a row built with its fields in another order', async () => {
    const store = new FakeStore<Row>(new Env(), 'cards', { c1: { id: 'c1', balance: 100 } });
    expect(await store.compareAndSet('c1', { balance: 100, id: 'c1' }, { id: 'c1', balance: 40 })).toBe(true);
    expect(store.peek('c1')).toEqual({ id: 'c1', balance: 40 });
  });

  it('compare-and-set treats a field set to undefined like a missing one, as a database would', async () => {
    const store = new FakeStore<Row>(new Env(), 'cards', { c1: { id: 'c1', balance: 100 } });
    expect(await store.compareAndSet('c1', { id: 'c1', balance: 100, note: undefined }, { id: 'c1', balance: 90 })).toBe(true);
  });

  it('compare-and-set refuses a stale expected row and changes nothing', async () => {
    const store = new FakeStore<Row>(new Env(), 'cards', { c1: { id: 'c1', balance: 100 } });
    expect(await store.compareAndSet('c1', { id: 'c1', balance: 99 }, { id: 'c1', balance: 0 })).toBe(false);
    expect(store.peek('c1')).toEqual({ id: 'c1', balance: 100 });
  });

  it('compare-and-set against undefined inserts only when the key is absent', async () => {
    const store = new FakeStore<Row>(new Env(), 'cards');
    expect(await store.compareAndSet('c1', undefined, { id: 'c1', balance: 1 })).toBe(true);
    expect(await store.compareAndSet('c1', undefined, { id: 'c1', balance: 2 })).toBe(false);
    expect(store.peek('c1')?.balance).toBe(1);
  });

  it('copies values in and out: mutating what was read or written does not change the store', async () => {
    const store = new FakeStore<Row>(new Env(), 'cards');
    const row = { id: 'c1', balance: 5 };
    await store.set('c1', row);
    row.balance = 6;
    const read = (await store.get('c1'))!;
    read.balance = 7;
    expect(store.peek('c1')?.balance).toBe(5);
  });

  it('describes rows in traces by the fields the world names, or by its own description', async () => {
    const env = new Env();
    const long = { id: 'c1', balance: 40, note: 'a note long enough that the whole row would be cut in a trace line' };
    await new FakeStore<Row>(env, 'cards', {}, { fields: ['balance'] }).set('c1', long);
    await new FakeStore<Row>(env, 'ledger', {}, { describe: (row) => `${row.id} holds ${row.balance}` }).compareAndSet('c1', undefined, long);
    await new FakeStore<Row>(env, 'plain').set('c1', long);
    expect(env.trace).toEqual([
      'cards.set("c1", {"balance":40})',
      'ledger.compareAndSet("c1", c1 holds 40) → true',
      `plain.set("c1", ${JSON.stringify(long).slice(0, 69)}...)`,
    ]);
  });

  it('setIfAbsent inserts once', async () => {
    const store = new FakeStore<number>(new Env(), 'keys');
    expect(await store.setIfAbsent('k', 1)).toBe(true);
    expect(await store.setIfAbsent('k', 2)).toBe(false);
    expect(store.peek('k')).toBe(1);
  });

  it('an injected failure rejects the call once and writes nothing', async () => {
    const store = new FakeStore<number>(new Env(), 'keys').inject({ operation: 'set', key: 'k', kind: 'fail' });
    await expect(store.set('k', 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.peek('k')).toBeUndefined();
    await store.set('k', 2);
    expect(store.peek('k')).toBe(2);
  });

  it('a write that lands and then fails is traced and checked against the invariants', async () => {
    const env = new Env();
    const store = new FakeStore<number>(env, 'balances', { a: 10 }).inject({ operation: 'set', kind: 'fail-after-write' });
    env.invariant('a balance is never negative', () => (store.peek('a') ?? 0) >= 0);
    await expect(store.set('a', -5)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(env.trace).toEqual(['balances.set("a", -5) landed, then the connection reset → StoreUnavailableError store_unavailable']);
    expect(env.violation?.symptom).toMatch(/^a balance is never negative — broken right after "balances\.set\("a", -5\) landed/);
  });

  it('an injected fail-after-write lands the write, then tells the caller it failed', async () => {
    const store = new FakeStore<number>(new Env(), 'keys').inject({ operation: 'set', kind: 'fail-after-write' });
    await expect(store.set('k', 1)).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(store.peek('k')).toBe(1);
  });

  it('declares what each call touches, so reads of one key and writes of another commute', async () => {
    await explore({}, async (env) => {
      const store = new FakeStore<number>(env, 'keys', { a: 1, b: 1 });
      env.track({});
      await env.outcomes([env.run('read a', () => store.get('a')), env.run('write b', () => store.set('b', 2)), env.run('read a again', () => store.get('a'))]);
    });
    const { explorations } = await import('../../src/harness/tests.js');
    expect(explorations().at(-1)).toMatchObject({ mode: 'exhaustive', orderings: 1 });
  });
});

describe('FakeClock', () => {
  it('moves only when the test moves it', () => {
    const clock = new FakeClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(500);
    expect(clock.now()).toBe(1_500);
    clock.set(10);
    expect(clock.now()).toBe(10);
  });
});

describe('module state seen by the explorer', () => {
  it('an unchanged module has an unchanged fingerprint, and a changed binding changes it', () => {
    const registry = ((globalThis as Record<symbol, unknown>)[Symbol.for('bugbash.moduleState')] ??= []) as unknown[];
    const inFlight = new Set<string>();
    const entry = { id: 'processor.ts', opaque: false, read: () => [255, inFlight] };
    registry.push(entry);
    try {
      const env = new Env();
      env.track({ field: 1 });
      const before = env.memory.fingerprint();
      expect(env.memory.fingerprint()).toBe(before);
      inFlight.add('key-1');
      expect(env.memory.fingerprint()).not.toBe(before);
    } finally {
      registry.splice(registry.indexOf(entry), 1);
    }
  });

  const transform = async (code: string, id: string) => {
    const plugin = moduleStatePlugin('/impl');
    const hook = plugin.transform as (code: string, id: string) => Promise<{ code: string } | null>;
    return (await hook.call({}, code, id))?.code;
  };

  it('lists every top-level binding of an implementation module, destructured ones included', async () => {
    const code = await transform('const inFlight = new Map();\nlet { a, b: [c] } = x;\nexport class Processor {}\nfunction helper() {}\n', '/impl/processor.ts');
    expect(code).toContain('read: () => [inFlight, a, c, Processor]');
    expect(code).toContain('opaque: false');
    expect(code!.split('\n').slice(0, 4).join('\n')).toBe('const inFlight = new Map();\nlet { a, b: [c] } = x;\nexport class Processor {}\nfunction helper() {}');
  });

  it('marks a module with #private fields as opaque (its state cannot be compared)', async () => {
    expect(await transform('export class P { #busy = false; run() { return this.#busy; } }', '/impl/p.ts')).toContain('opaque: true');
  });

  it('leaves modules outside the implementation alone', async () => {
    expect(await transform('const x = 1;', '/elsewhere/world.ts')).toBeUndefined();
  });
});
