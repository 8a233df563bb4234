import { describeValue, type Env } from './env.js';
import { markWorld } from './memory.js';
import type { Touch } from './schedule.js';

/** One planned fault of a store call (see FakeStore.inject). */
export interface StoreFault {
  /** Which call fails or lands late. */
  operation: 'get' | 'set' | 'delete' | 'setIfAbsent' | 'compareAndSet';
  /** Only calls on this key (default: any key). */
  key?: string;
  /**
   * `fail`: the call rejects with a connection error and changes nothing.
   * `fail-after-write`: the write lands, then the caller gets the error (was it written?).
   */
  kind: 'fail' | 'fail-after-write';
  /** How many matching calls it hits. Default 1. */
  times?: number;
}

export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(store: string, operation: string, key: string) {
    super(`${store}.${operation}(${JSON.stringify(key)}): connection reset`);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * An async key-value store, like a database table reached over the network. Every call is a
 * step of the env (so the explorer decides when it lands) that declares the key it reads or
 * writes, and values are copied in and out, as a real store would: mutating an object you
 * read does not change what is stored.
 */
/** How a store's rows read in traces: by default the whole row as JSON, cut at 72 characters. */
export interface FakeStoreOptions<V> {
  /** Only these fields of a row, in this order (e.g. ["status", "amount_received"]). */
  fields?: readonly (keyof V & string)[];
  /** Or any description of a row: a string is shown as it is, anything else as JSON. */
  describe?: (row: V) => unknown;
}

export class FakeStore<V> {
  private readonly rows = new Map<string, V>();
  private readonly faults: (StoreFault & { left: number })[] = [];

  constructor(
    private readonly env: Env,
    readonly name: string,
    initial: Record<string, V> = {},
    private readonly options: FakeStoreOptions<V> = {},
  ) {
    markWorld(this);
    for (const [key, value] of Object.entries(initial)) this.rows.set(key, structuredClone(value));
  }

  private describeRow(row: V): string {
    if (row === undefined || row === null) return describeValue(row);
    const { describe, fields } = this.options;
    if (describe) {
      const described = describe(row);
      return typeof described === 'string' ? described : describeValue(described);
    }
    if (fields && typeof row === 'object') return describeValue(Object.fromEntries(fields.map((field) => [field, row[field]])));
    return describeValue(row);
  }

  /** Plans faults: the next matching calls fail (or land and then fail), as a flaky network would. */
  inject(fault: StoreFault): this {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
    return this;
  }

  get(key: string): Promise<V | undefined> {
    return this.call('get', key, `${this.name}.get(${JSON.stringify(key)})`, false, () => copy(this.rows.get(key)));
  }

  set(key: string, value: V): Promise<void> {
    const stored = structuredClone(value);
    return this.call('set', key, `${this.name}.set(${JSON.stringify(key)}, ${this.describeRow(value)})`, true, () => {
      this.rows.set(key, stored);
    });
  }

  delete(key: string): Promise<void> {
    return this.call('delete', key, `${this.name}.delete(${JSON.stringify(key)})`, true, () => {
      this.rows.delete(key);
    });
  }

  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean> {
    const stored = structuredClone(value);
    return this.call('setIfAbsent', key, `${this.name}.setIfAbsent(${JSON.stringify(key)}, ${this.describeRow(value)})`, true, () => {
      if (this.rows.has(key)) return false;
      this.rows.set(key, stored);
      return true;
    });
  }

  /**
   * Atomically replaces the value when it still equals `expected`; true on success. Equality
   * is structural, as a database compares columns: key order does not matter, and a missing
   * field equals one that is undefined.
   */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean> {
    const stored = structuredClone(next);
    const wanted = canonical(expected);
    return this.call('compareAndSet', key, `${this.name}.compareAndSet(${JSON.stringify(key)}, ${this.describeRow(next)})`, true, () => {
      if (canonical(this.rows.get(key)) !== wanted) return false;
      this.rows.set(key, stored);
      return true;
    });
  }

  /** Everything stored, read synchronously by the test (not a step). */
  snapshot(): Record<string, V> {
    return Object.fromEntries([...this.rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, structuredClone(v)]));
  }

  /** Reads one row synchronously, for assertions and invariants. */
  peek(key: string): V | undefined {
    return copy(this.rows.get(key));
  }

  /** Every stored value, synchronously (for invariants over the whole table). */
  values(): V[] {
    return [...this.rows.values()].map((value) => structuredClone(value));
  }

  private call<T>(operation: StoreFault['operation'], key: string, description: string, write: boolean, effect: () => T): Promise<T> {
    const touches: Touch[] = [{ resource: this.name, key, write }];
    const fault = this.faults.find((f) => f.left > 0 && f.operation === operation && (f.key === undefined || f.key === key));
    if (!fault) return this.env.step(description, effect, touches);
    fault.left -= 1;
    if (fault.kind === 'fail') {
      return this.env.step(`${description} failed: connection reset`, () => {
        throw new StoreUnavailableError(this.name, operation, key);
      }, [{ resource: this.name, key, write: false }]);
    }
    return this.env.step(`${description} landed, then the connection reset`, () => {
      effect();
      throw new StoreUnavailableError(this.name, operation, key);
    }, touches);
  }
}

/** Sorted keys, undefined fields dropped: two rows that a database would call equal. */
function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'undefined';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) out[key] = sortKeys(field);
    }
    return out;
  }
  return value;
}

function copy<V>(value: V | undefined): V | undefined {
  return value === undefined ? undefined : structuredClone(value);
}

/** A clock the test moves by hand. Times are epoch milliseconds. */
export class FakeClock {
  constructor(private current = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    markWorld(this);
  }

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
