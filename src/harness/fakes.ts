import { describeValue, type Env } from './env.js';

/**
 * An async key-value store, like a database table reached over the network. Every call is a
 * step of the env (so the scheduler decides when it lands) and values are copied in and out,
 * as a real store would: mutating an object you read does not change what is stored.
 */
export class FakeStore<V> {
  private readonly rows = new Map<string, V>();

  constructor(
    private readonly env: Env,
    readonly name: string,
    initial: Record<string, V> = {},
  ) {
    for (const [key, value] of Object.entries(initial)) this.rows.set(key, structuredClone(value));
  }

  get(key: string): Promise<V | undefined> {
    return this.env.step(`${this.name}.get(${JSON.stringify(key)})`, () => copy(this.rows.get(key)));
  }

  set(key: string, value: V): Promise<void> {
    const stored = structuredClone(value);
    return this.env.step(`${this.name}.set(${JSON.stringify(key)}, ${describeValue(value)})`, () => {
      this.rows.set(key, stored);
    });
  }

  delete(key: string): Promise<void> {
    return this.env.step(`${this.name}.delete(${JSON.stringify(key)})`, () => {
      this.rows.delete(key);
    });
  }

  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean> {
    const stored = structuredClone(value);
    return this.env.step(`${this.name}.setIfAbsent(${JSON.stringify(key)}, ${describeValue(value)})`, () => {
      if (this.rows.has(key)) return false;
      this.rows.set(key, stored);
      return true;
    });
  }

  /** Atomically replaces the value when it still equals `expected` (deep equality); true on success. */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean> {
    const stored = structuredClone(next);
    return this.env.step(`${this.name}.compareAndSet(${JSON.stringify(key)}, ${describeValue(next)})`, () => {
      if (JSON.stringify(this.rows.get(key)) !== JSON.stringify(expected)) return false;
      this.rows.set(key, stored);
      return true;
    });
  }

  /** Everything stored, read synchronously by the test (not a step). */
  snapshot(): Record<string, V> {
    return Object.fromEntries([...this.rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, structuredClone(v)]));
  }

  /** Reads one row synchronously, for assertions. */
  peek(key: string): V | undefined {
    return copy(this.rows.get(key));
  }
}

function copy<V>(value: V | undefined): V | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

/** A clock the test moves by hand. Times are epoch milliseconds. */
export class FakeClock {
  constructor(private current = Date.UTC(2026, 0, 15, 12, 0, 0)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}
