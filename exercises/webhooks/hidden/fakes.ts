/**
 * The webhooks world's own fakes: the wallet service, a table whose writes can fail, and the
 * signing helpers a sender uses. Nothing here imports the implementation, so the fakes have
 * unit tests of their own (test/exercises/webhooks.fakes.test.ts).
 */
import { createHmac } from 'node:crypto';
import { FakeStore, markWorld, type Env } from 'bugbash/harness';

export const SECRET = 'whsec_7Qe2current';
export const OLD_SECRET = 'whsec_1Zp9previous';

export function hmac(timestamp: number, body: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** `t=…,v1=…` signed by each secret in order, as a sender builds it. */
export function signedAt(body: string, timestamp: number, secrets: readonly string[] = [SECRET]): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmac(timestamp, body, secret)}`)].join(',');
}

export interface Credit {
  customerId: string;
  amount: number;
  currency: string;
}

/** What the wallet service answers a credit it refuses (a 400 from a real service). */
export class WalletRequestError extends Error {
  readonly code = 'wallet_request_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'WalletRequestError';
  }
}

export class WalletUnavailableError extends Error {
  readonly code = 'wallet_unavailable';
  constructor() {
    super('wallet service unavailable (503)');
    this.name = 'WalletUnavailableError';
  }
}

/**
 * The wallet service: not idempotent, every accepted call credits again. Like the real one
 * it refuses amounts that are not whole positive minor units and malformed currency codes,
 * and it can be made to be down for the next n calls.
 */
export class FakeWallets {
  readonly credits: Credit[] = [];
  private failures = 0;

  constructor(private readonly env: Env) {
    markWorld(this);
  }

  /** The next `calls` credits fail with a 503 and credit nothing. */
  failNext(calls: number): this {
    this.failures += calls;
    return this;
  }

  credit(customerId: string, amount: number, currency: string): Promise<void> {
    const touches = [{ resource: 'wallets', key: customerId, write: true }];
    return this.env.step(`wallets.credit(${JSON.stringify(customerId)}, ${amount} ${currency})`, () => {
      if (this.failures > 0) {
        this.failures -= 1;
        throw new WalletUnavailableError();
      }
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new WalletRequestError(`amount must be a positive whole number of minor units, got ${amount}`);
      if (typeof customerId !== 'string' || customerId === '') throw new WalletRequestError('customer id missing');
      if (!/^[a-z]{3}$/.test(currency)) throw new WalletRequestError(`currency must be a lowercase ISO 4217 code, got ${JSON.stringify(currency)}`);
      this.credits.push({ customerId, amount, currency });
    }, touches);
  }

  /** Minor units credited to one customer in one currency. */
  balance(customerId: string, currency = 'usd'): number {
    return this.credits.filter((c) => c.customerId === customerId && c.currency === currency).reduce((sum, c) => sum + c.amount, 0);
  }
}

/**
 * A table whose next n writes (set, setIfAbsent, compareAndSet or delete, whichever comes)
 * fail with a connection reset and change nothing, as when the database connection drops.
 * Reads always work.
 */
export class FlakyTable<V> {
  private failures = 0;

  constructor(
    private readonly env: Env,
    readonly table: FakeStore<V>,
  ) {
    markWorld(this);
  }

  failNextWrites(writes: number): this {
    this.failures += writes;
    return this;
  }

  get(key: string): Promise<V | undefined> {
    return this.table.get(key);
  }

  set(key: string, value: V): Promise<void> {
    return this.write('set', key, () => this.table.set(key, value));
  }

  delete(key: string): Promise<void> {
    return this.write('delete', key, () => this.table.delete(key));
  }

  setIfAbsent(key: string, value: V): Promise<boolean> {
    return this.write('setIfAbsent', key, () => this.table.setIfAbsent(key, value));
  }

  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean> {
    return this.write('compareAndSet', key, () => this.table.compareAndSet(key, expected, next));
  }

  private async write<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    if (this.failures === 0) return call();
    this.failures -= 1;
    return this.env.step(`${this.table.name}.${operation}(${JSON.stringify(key)}) failed: connection reset`, () => {
      throw Object.assign(new Error(`${this.table.name}: database connection reset`), { code: 'ECONNRESET' });
    }, [{ resource: this.table.name, key, write: false }]);
  }
}
