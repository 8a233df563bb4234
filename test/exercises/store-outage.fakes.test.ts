import { describe, expect, it } from 'vitest';
import { Env, FakeStore } from 'bugbash/harness';
import { CardNetworkRefusal, DECLINED_CARD, FakeCardNetwork, FlakyTable, INSUFFICIENT_FUNDS_CARD, VISA } from '../../exercises/store-outage/hidden/fakes';

const auth = (key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  requestId: `${key}/1`,
  reference: 'order_1',
  amount: 4_999,
  currency: 'usd',
  card: VISA,
  ...extra,
});

async function failure(call: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  try {
    await call;
  } catch (error) {
    return { code: (error as { code?: string }).code, status: (error as { status?: number }).status };
  }
  throw new Error('expected the call to fail');
}

describe('store-outage fakes: the card network', () => {
  it('approves once per key and replays the first answer, whatever the request id', async () => {
    const network = new FakeCardNetwork(new Env());
    const first = await network.authorize(auth('pay_a'));
    const again = await network.authorize({ ...auth('pay_a'), requestId: 'pay_a/2' });
    expect(first).toEqual({ status: 'approved', chargeId: 'ch_a' });
    expect(again).toEqual(first);
    expect(network.charges()).toHaveLength(1);
    expect(network.received).toHaveLength(2);
    expect(network.sent.authorize).toBe(2);
  });

  it('refuses a key reused with other parameters (400 idempotency_error) and invalid amounts', async () => {
    const network = new FakeCardNetwork(new Env());
    await network.authorize(auth('pay_a'));
    expect(await failure(network.authorize(auth('pay_a', { amount: 5_000 })))).toEqual({ code: 'idempotency_error', status: 400 });
    expect(await failure(network.authorize(auth('pay_b', { amount: 10.5 })))).toEqual({ code: 'amount_invalid', status: 400 });
    expect(network.charges()).toHaveLength(1);
  });

  it('declines the declined test cards, and replays the decline', async () => {
    const network = new FakeCardNetwork(new Env());
    expect(await network.authorize(auth('pay_d', { card: DECLINED_CARD }))).toEqual({ status: 'declined', declineCode: 'card_declined' });
    expect(await network.authorize(auth('pay_d', { card: DECLINED_CARD }))).toEqual({ status: 'declined', declineCode: 'card_declined' });
    expect(await network.authorize(auth('pay_i', { card: INSUFFICIENT_FUNDS_CARD }))).toEqual({ status: 'declined', declineCode: 'insufficient_funds' });
    expect(network.charges()).toHaveLength(0);
    expect(await network.lookup('pay_d')).toEqual({ status: 'declined', declineCode: 'card_declined' });
  });

  it('"fail" never reaches the network; "lost-reply" carries the call out and loses the answer; both time out', async () => {
    const network = new FakeCardNetwork(new Env());
    network.inject({ operation: 'authorize', kind: 'fail' }).inject({ operation: 'authorize', kind: 'lost-reply' });
    expect(await failure(network.authorize(auth('pay_a')))).toEqual({ code: 'network_timeout', status: undefined });
    expect(await network.lookup('pay_a')).toBeUndefined();
    expect(await failure(network.authorize(auth('pay_b')))).toEqual({ code: 'network_timeout', status: undefined });
    expect(await network.lookup('pay_b')).toEqual({ status: 'approved', chargeId: 'ch_b' });
    expect(await network.authorize(auth('pay_c'))).toEqual({ status: 'approved', chargeId: 'ch_c' });
    expect(network.sent.authorize).toBe(3);
    expect(network.received.filter((call) => call.startsWith('network.authorize'))).toHaveLength(2);
  });

  it('answer faults refuse with their status and change nothing', async () => {
    let now = 1_000;
    const network = new FakeCardNetwork(new Env(), { now: () => now });
    const kinds = [['unavailable', 'service_unavailable', 503], ['server-error', 'api_error', 500], ['conflict', 'lock_timeout', 409], ['bad-request', 'invalid_request', 400]] as const;
    for (const [kind, code, status] of kinds) {
      network.inject({ operation: 'authorize', kind });
      expect(await failure(network.authorize(auth('pay_a')))).toEqual({ code, status });
      now += 10;
    }
    expect(network.charges()).toHaveLength(0);
    expect(await network.authorize(auth('pay_a'))).toEqual({ status: 'approved', chargeId: 'ch_a' });
    expect(network.receivedAt).toEqual([1_000, 1_010, 1_020, 1_030, 1_040]);
  });

  it('faults match their key and count down; heal drops the rest', async () => {
    const network = new FakeCardNetwork(new Env());
    network.inject({ operation: 'lookup', key: 'pay_x', kind: 'fail', times: 2 });
    expect(await network.lookup('pay_y')).toBeUndefined();
    expect((await failure(network.lookup('pay_x'))).code).toBe('network_timeout');
    expect((await failure(network.lookup('pay_x'))).code).toBe('network_timeout');
    expect(await network.lookup('pay_x')).toBeUndefined();
    network.inject({ operation: 'lookup', kind: 'fail', times: 5 });
    network.heal();
    expect(await network.lookup('pay_x')).toBeUndefined();
  });

  it('a refused call whose reply is lost still times out', async () => {
    const network = new FakeCardNetwork(new Env());
    network.inject({ operation: 'refund', kind: 'lost-reply' });
    expect(await failure(network.refund({ idempotencyKey: 'r', chargeId: 'ch_missing', amount: 1 }))).toEqual({ code: 'network_timeout', status: undefined });
  });

  it('refunds replay by key, refuse another amount under the same key, and never exceed the charge', async () => {
    const network = new FakeCardNetwork(new Env());
    await network.authorize(auth('pay_a'));
    const refund = await network.refund({ idempotencyKey: 'pay_a/refund/1', chargeId: 'ch_a', amount: 3_000 });
    expect(await network.refund({ idempotencyKey: 'pay_a/refund/1', chargeId: 'ch_a', amount: 3_000 })).toEqual(refund);
    expect(await failure(network.refund({ idempotencyKey: 'pay_a/refund/1', chargeId: 'ch_a', amount: 2_000 }))).toEqual({ code: 'idempotency_error', status: 400 });
    expect(await failure(network.refund({ idempotencyKey: 'pay_a/refund/2', chargeId: 'ch_a', amount: 2_000 }))).toEqual({ code: 'refund_exceeds_charge', status: 400 });
    expect(await failure(network.refund({ idempotencyKey: 'r', chargeId: 'ch_missing', amount: 1 }))).toEqual({ code: 'no_such_charge', status: 404 });
    expect(await network.refund({ idempotencyKey: 'pay_a/refund/3', chargeId: 'ch_a', amount: 1_999 })).not.toEqual(refund);
    expect(network.netChargedFor('order_1')).toBe(0);
    expect(network.chargesFor('order_1')[0]?.refunded).toBe(4_999);
  });

  it('a seeded charge is known to lookup and refundable', async () => {
    const network = new FakeCardNetwork(new Env());
    network.seed('pay_s', { reference: 'order_9', amount: 1_000, currency: 'usd', card: VISA }, { status: 'approved', chargeId: 'ch_s' }, 400);
    expect(await network.lookup('pay_s')).toEqual({ status: 'approved', chargeId: 'ch_s' });
    expect(await failure(network.refund({ idempotencyKey: 'k', chargeId: 'ch_s', amount: 601 }))).toEqual({ code: 'refund_exceeds_charge', status: 400 });
    await network.refund({ idempotencyKey: 'k', chargeId: 'ch_s', amount: 600 });
    expect(network.netChargedFor('order_9')).toBe(0);
  });

  it('refusals are CardNetworkRefusal errors', async () => {
    const network = new FakeCardNetwork(new Env());
    await expect(network.refund({ idempotencyKey: 'k', chargeId: 'ch_none', amount: 1 })).rejects.toBeInstanceOf(CardNetworkRefusal);
  });
});

describe('store-outage fakes: the flaky payments table', () => {
  it('fails exactly the n-th call from now, before or after it landed', async () => {
    const env = new Env();
    const table = new FlakyTable<{ n: number }>(new FakeStore(env, 'payments'));
    table.failCall(1, 'fail');
    expect(await table.setIfAbsent('a', { n: 1 })).toBe(true);
    expect((await failure(table.set('a', { n: 2 }))).code).toBe('store_unavailable');
    expect(await table.get('a')).toEqual({ n: 1 });
    table.failCall(0, 'fail-after-write');
    expect((await failure(table.compareAndSet('a', { n: 1 }, { n: 3 }))).code).toBe('store_unavailable');
    expect(table.store.peek('a')).toEqual({ n: 3 });
    expect(table.calls.map((c) => c.operation)).toEqual(['setIfAbsent', 'set', 'get', 'compareAndSet']);
  });

  it('an outage fails every call from the n-th on, until heal', async () => {
    const table = new FlakyTable<{ n: number }>(new FakeStore(new Env(), 'payments', { a: { n: 1 } }));
    table.failCall(1, 'fail', true);
    expect(await table.get('a')).toEqual({ n: 1 });
    expect((await failure(table.get('a'))).code).toBe('store_unavailable');
    expect((await failure(table.set('a', { n: 2 }))).code).toBe('store_unavailable');
    table.heal();
    expect(await table.get('a')).toEqual({ n: 1 });
  });
});
