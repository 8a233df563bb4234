import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Env, FakeStore } from '../../src/harness/index.js';
import { FakeWallets, FlakyTable, SECRET, signedAt, WalletRequestError, WalletUnavailableError } from '../../exercises/webhooks/hidden/fakes.js';

describe('webhooks world: FakeWallets', () => {
  it('credits again on every call, as the real wallet service does', async () => {
    const wallets = new FakeWallets(new Env());
    await wallets.credit('cus_1', 2500, 'usd');
    await wallets.credit('cus_1', 2500, 'usd');
    expect(wallets.credits).toHaveLength(2);
    expect(wallets.balance('cus_1')).toBe(5000);
  });

  it('is down for exactly the next n calls and credits nothing meanwhile', async () => {
    const wallets = new FakeWallets(new Env()).failNext(2);
    await expect(wallets.credit('cus_1', 100, 'usd')).rejects.toBeInstanceOf(WalletUnavailableError);
    await expect(wallets.credit('cus_1', 100, 'usd')).rejects.toBeInstanceOf(WalletUnavailableError);
    await wallets.credit('cus_1', 100, 'usd');
    expect(wallets.credits).toEqual([{ customerId: 'cus_1', amount: 100, currency: 'usd' }]);
  });

  it('refuses amounts that are not whole positive minor units and malformed currencies', async () => {
    const wallets = new FakeWallets(new Env());
    for (const [amount, currency] of [[24.99, 'usd'], [0, 'usd'], [-5, 'usd'], [Number.NaN, 'usd'], [100, 'USD'], [100, 'us']] as const) {
      await expect(wallets.credit('cus_1', amount, currency)).rejects.toBeInstanceOf(WalletRequestError);
    }
    expect(wallets.credits).toEqual([]);
  });

  it('declares each credit a write of that customer only', async () => {
    const env = new Env();
    const wallets = new FakeWallets(env);
    await wallets.credit('cus_2', 100, 'eur');
    expect(env.trace).toEqual(['wallets.credit("cus_2", 100 eur)']);
  });
});

describe('webhooks world: FlakyTable', () => {
  it('fails the next n writes of any kind without changing the table, and reads keep working', async () => {
    const env = new Env();
    const table = new FakeStore<{ v: number }>(env, 'top_ups', { a: { v: 1 } });
    const flaky = new FlakyTable(env, table).failNextWrites(4);
    await expect(flaky.set('a', { v: 2 })).rejects.toThrow(/connection reset/);
    await expect(flaky.setIfAbsent('b', { v: 3 })).rejects.toThrow(/connection reset/);
    await expect(flaky.compareAndSet('a', { v: 1 }, { v: 4 })).rejects.toThrow(/connection reset/);
    await expect(flaky.delete('a')).rejects.toThrow(/connection reset/);
    expect(await flaky.get('a')).toEqual({ v: 1 });
    expect(table.snapshot()).toEqual({ a: { v: 1 } });
    await flaky.set('a', { v: 5 });
    expect(table.peek('a')).toEqual({ v: 5 });
  });
});

describe('webhooks world: signing', () => {
  it('signs `${t}.${body}` with HMAC-SHA256 per secret, in order, as Stripe does', () => {
    const body = '{"id":"evt_1"}';
    const expected = createHmac('sha256', SECRET).update(`1768478400.${body}`).digest('hex');
    expect(signedAt(body, 1768478400)).toBe(`t=1768478400,v1=${expected}`);
    expect(signedAt(body, 1, ['a', 'b']).split(',').map((part) => part.split('=')[0])).toEqual(['t', 'v1', 'v1']);
  });
});
