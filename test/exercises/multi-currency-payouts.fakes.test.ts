import { describe, expect, it } from 'vitest';
import { Env, FakeClock } from 'bugbash/harness';
import { FakeBank, FakeFx, FakeLocks, expectedConversion } from '../../exercises/multi-currency-payouts/hidden/fakes';

const transfer = (key: string, extra: Record<string, unknown> = {}) => ({ idempotencyKey: key, accountNumber: 'NL01', amount: 10_000, currency: 'usd', ...extra });

async function failure(call: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  try {
    await call;
  } catch (error) {
    return { code: (error as { code?: string }).code, status: (error as { status?: number }).status };
  }
  throw new Error('expected the call to fail');
}

describe('multi-currency-payouts fakes: the bank', () => {
  it('pays once per key and replays the first answer', async () => {
    const bank = new FakeBank(new Env());
    const first = await bank.send(transfer('po_1'));
    expect(await bank.send(transfer('po_1'))).toEqual(first);
    expect(bank.paid()).toHaveLength(1);
    expect(bank.received).toHaveLength(2);
    expect(bank.netPaidTo('NL01')).toBe(10_000);
  });

  it('refuses a key reused with other parameters, amounts it cannot move and closed accounts', async () => {
    const bank = new FakeBank(new Env());
    await bank.send(transfer('po_1'));
    expect(await failure(bank.send(transfer('po_1', { amount: 9_999 })))).toEqual({ code: 'idempotency_error', status: 400 });
    expect(await failure(bank.send(transfer('po_2', { amount: 10.5 })))).toEqual({ code: 'amount_invalid', status: 400 });
    expect(await failure(bank.send(transfer('po_3', { amount: 0 })))).toEqual({ code: 'amount_invalid', status: 400 });
    expect(await failure(bank.send(transfer('po_4', { currency: 'chf' })))).toEqual({ code: 'currency_not_supported', status: 400 });
    bank.close('NL01');
    expect(await failure(bank.send(transfer('po_5')))).toEqual({ code: 'account_closed', status: 400 });
    expect(bank.paid()).toHaveLength(1);
  });

  it('refuses three-decimal amounts whose last digit is not 0, and pays those that end in 0', async () => {
    const bank = new FakeBank(new Env());
    expect(await failure(bank.send(transfer('po_k1', { currency: 'kwd', amount: 30_755 })))).toEqual({ code: 'amount_invalid', status: 400 });
    expect(await failure(bank.send(transfer('po_b1', { currency: 'bhd', amount: 12_263 })))).toEqual({ code: 'amount_invalid', status: 400 });
    await bank.send(transfer('po_k2', { currency: 'kwd', amount: 30_750 }));
    await bank.send(transfer('po_j1', { currency: 'jpy', amount: 14_923 }));
    expect(bank.paid().map((t) => t.key)).toEqual(['po_k2', 'po_j1']);
  });

  it('loses the reply after paying (lost-reply), or never receives the transfer (fail)', async () => {
    const bank = new FakeBank(new Env());
    bank.inject({ kind: 'lost-reply' }).inject({ kind: 'fail', key: 'po_2' });
    expect(await failure(bank.send(transfer('po_1')))).toEqual({ code: 'bank_timeout', status: undefined });
    expect(bank.paid().map((t) => t.key)).toEqual(['po_1']);
    expect(await failure(bank.send(transfer('po_2')))).toEqual({ code: 'bank_timeout', status: undefined });
    expect(bank.paid().map((t) => t.key)).toEqual(['po_1']);
    await bank.send(transfer('po_2'));
    expect(bank.paid().map((t) => t.key)).toEqual(['po_1', 'po_2']);
  });

  it('takes back a paid transfer once, and counts it out of what the account kept', async () => {
    const bank = new FakeBank(new Env());
    bank.seed({ key: 'po_old', accountNumber: 'NL01', amount: 2_500, currency: 'usd' });
    await bank.send(transfer('po_1'));
    bank.returnTransfer('po_old');
    expect(bank.netPaidTo('NL01')).toBe(10_000);
    expect(() => bank.returnTransfer('po_old')).toThrow();
    expect(() => bank.returnTransfer('po_missing')).toThrow();
  });
});

describe('multi-currency-payouts fakes: the lease service', () => {
  it('grants a free lease, refuses a held one, and frees it only for its owner', async () => {
    const clock = new FakeClock(0);
    const locks = new FakeLocks(new Env(), clock);
    expect(await locks.tryAcquire('account:a', 'w1', 1_000)).toBe(true);
    expect(await locks.tryAcquire('account:a', 'w2', 1_000)).toBe(false);
    expect(await locks.tryAcquire('account:b', 'w2', 1_000)).toBe(true);
    await locks.release('account:a', 'w2');
    expect(locks.holder('account:a')).toBe('w1');
    await locks.release('account:a', 'w1');
    expect(locks.holder('account:a')).toBeUndefined();
    expect(await locks.tryAcquire('account:a', 'w2', 1_000)).toBe(true);
    expect(locks.granted.map((g) => g.owner)).toEqual(['w1', 'w2', 'w2']);
  });

  it('lets a lease expire after its TTL, and a late release by the old owner does not free the new one', async () => {
    const clock = new FakeClock(0);
    const locks = new FakeLocks(new Env(), clock);
    await locks.tryAcquire('account:a', 'w1', 1_000);
    clock.advance(999);
    expect(await locks.tryAcquire('account:a', 'w2', 1_000)).toBe(false);
    clock.advance(1);
    expect(await locks.tryAcquire('account:a', 'w2', 1_000)).toBe(true);
    await locks.release('account:a', 'w1');
    expect(locks.holder('account:a')).toBe('w2');
    await expect(locks.tryAcquire('account:c', 'w1', 0)).rejects.toThrow();
  });
});

describe('multi-currency-payouts fakes: the FX desk and the conversion oracle', () => {
  it('quotes the rate set, with a new quote id per request, and refuses unknown pairs', async () => {
    const fx = new FakeFx(new Env()).setRate('usd', 'jpy', '149.23');
    expect(await fx.quote('usd', 'jpy')).toEqual({ id: 'quote_1', from: 'usd', to: 'jpy', rate: '149.23' });
    expect((await fx.quote('usd', 'jpy')).id).toBe('quote_2');
    await expect(fx.quote('usd', 'krw')).rejects.toThrow(/no rate/);
  });

  it('converts exactly across exponents and rounds halves up to the payable step', () => {
    expect(expectedConversion(10_000, 'usd', 'jpy', '149.23')).toBe(14_923);
    expect(expectedConversion(10_000, 'jpy', 'usd', '0.0067')).toBe(6_700);
    expect(expectedConversion(1_100, 'usd', 'eur', '0.915')).toBe(1_007);
    expect(expectedConversion(1_099, 'usd', 'eur', '0.915')).toBe(1_006);
    expect(expectedConversion(10_000, 'kwd', 'bhd', '1.22646')).toBe(12_260);
    expect(expectedConversion(10_000, 'kwd', 'bhd', '1.2265')).toBe(12_270);
    expect(expectedConversion(99_999_999, 'gbp', 'usd', '1.00000001')).toBe(100_000_000);
  });
});
