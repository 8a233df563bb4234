import { describe, expect, it } from 'vitest';
import { Env, explore } from 'bugbash/harness';
import { explorations } from '../../src/harness/tests.js';
import { exactShare, FakeGateway, TickingClock } from '../../exercises/subscription-billing/hidden/fakes';

const request = (key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  customer: 'cus_a',
  amount: 3000,
  currency: 'usd',
  invoice: 'in_1',
  ...extra,
});

async function failure(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the call to fail');
}

describe('subscription-billing FakeGateway', () => {
  it('charges once per key and replays the first answer to every later request with it', async () => {
    const gateway = new FakeGateway(new Env());
    const first = await gateway.charge(request('in_1-attempt-1'));
    const again = await gateway.charge(request('in_1-attempt-1'));
    expect(first).toEqual({ status: 'succeeded', charge: 'ch_1' });
    expect(again).toEqual(first);
    expect(gateway.charges).toHaveLength(1);
    expect(gateway.received).toHaveLength(2);
    expect(gateway.chargesOf('in_1')).toHaveLength(1);
  });

  it('replays a saved decline under its key; a new key is a new charge', async () => {
    const gateway = new FakeGateway(new Env()).decline('cus_a', 'insufficient_funds');
    expect(await gateway.charge(request('k1'))).toEqual({ status: 'failed', decline_code: 'insufficient_funds' });
    expect(await gateway.charge(request('k1'))).toEqual({ status: 'failed', decline_code: 'insufficient_funds' });
    expect(await gateway.charge(request('k2'))).toEqual({ status: 'succeeded', charge: 'ch_1' });
    expect(gateway.declined).toEqual([{ customer: 'cus_a', key: 'k1', code: 'insufficient_funds' }]);
  });

  it('declines only the customer it was told to, as many times as told', async () => {
    const gateway = new FakeGateway(new Env()).decline('cus_b', 'card_declined', 2);
    expect((await gateway.charge(request('a1'))).status).toBe('succeeded');
    expect((await gateway.charge(request('b1', { customer: 'cus_b' }))).status).toBe('failed');
    expect((await gateway.charge(request('b2', { customer: 'cus_b' }))).status).toBe('failed');
    expect((await gateway.charge(request('b3', { customer: 'cus_b' }))).status).toBe('succeeded');
  });

  it('refuses a key reused with other parameters, and amounts that are not positive integers', async () => {
    const gateway = new FakeGateway(new Env());
    await gateway.charge(request('k1'));
    expect(await failure(gateway.charge(request('k1', { amount: 3001 })))).toBe('idempotency_error');
    expect(await failure(gateway.charge(request('k2', { amount: 0 })))).toBe('invalid_request');
    expect(await failure(gateway.charge(request('k3', { amount: 10.5 })))).toBe('invalid_request');
    expect(gateway.charges).toHaveLength(1);
  });

  it('a lost request charges nothing; a lost reply charges, and the retry with the same key gets that charge', async () => {
    const gateway = new FakeGateway(new Env()).inject({ kind: 'fail' });
    expect(await failure(gateway.charge(request('k1')))).toBe('gateway_timeout');
    expect(gateway.charges).toHaveLength(0);
    gateway.inject({ kind: 'lost-reply' });
    expect(await failure(gateway.charge(request('k1')))).toBe('gateway_timeout');
    expect(gateway.charges).toHaveLength(1);
    expect(await gateway.charge(request('k1'))).toEqual({ status: 'succeeded', charge: 'ch_1' });
    expect(gateway.charges).toHaveLength(1);
  });

  it('is a step of the env: charges of two customers are independent, so one ordering is explored', async () => {
    await explore({}, async (env) => {
      env.track({});
      const gateway = new FakeGateway(env);
      await env.outcomes([
        env.run('charge a', () => gateway.charge(request('ka'))),
        env.run('charge b', () => gateway.charge(request('kb', { customer: 'cus_b', invoice: 'in_2' }))),
      ]);
      expect(gateway.charges).toHaveLength(2);
    });
    expect(explorations().at(-1)).toMatchObject({ mode: 'exhaustive', orderings: 1 });
  });
});

describe('subscription-billing TickingClock and exactShare', () => {
  it('moves on by its step every time it is read', () => {
    const clock = new TickingClock(1000, 250);
    expect([clock.now(), clock.now(), clock.now()]).toEqual([1000, 1250, 1500]);
  });

  it('rounds the share to the nearest minor unit, halves up, exactly at the largest amounts', () => {
    expect(exactShare(1001, 15, 30)).toBe(501);
    expect(exactShare(999, 15, 30)).toBe(500);
    expect(exactShare(999, 16, 31)).toBe(516);
    expect(exactShare(1001, 16, 31)).toBe(517);
    expect(exactShare(3000, 20, 30)).toBe(2000);
    expect(exactShare(99_999_999, 29, 31)).toBe(93_548_386);
    expect(exactShare(1, 1, 2)).toBe(1);
    expect(exactShare(1, 1, 3)).toBe(0);
  });
});
