import { describe, expect, it } from 'vitest';
import { Env } from 'bugbash/harness';
import {
  DECLINED_CARD,
  FakeBus,
  FakeInventory,
  FakeOutbox,
  FakePayments,
  FakeShipping,
  FlakySagaStore,
  StoreConnectionError,
  UNDELIVERABLE,
} from '../../exercises/payment-saga/hidden/fakes';

class Remote extends Error {
  constructor(
    readonly code: string,
    readonly status?: number,
    readonly shouldRetry?: boolean,
    message?: string,
  ) {
    super(message ?? code);
  }
}

const request = { amount: 4_999, currency: 'usd', paymentMethod: 'pm_card_visa', orderId: 'order-1' };

async function failure(call: Promise<unknown>): Promise<{ code?: string; status?: number }> {
  try {
    await call;
  } catch (error) {
    return { code: (error as Remote).code, status: (error as Remote).status };
  }
  throw new Error('expected the call to fail');
}

describe('payment-saga fakes: the card processor', () => {
  it('replays a repeated key instead of charging again', async () => {
    const payments = new FakePayments(new Env(), Remote);
    const first = await payments.createCharge(request, 'k');
    const again = await payments.createCharge(request, 'k');
    expect(again).toEqual(first);
    expect(payments.charges).toHaveLength(1);
    expect(payments.chargeCalls).toBe(2);
  });

  it('refuses a repeated key with other parameters (400 idempotency_error)', async () => {
    const payments = new FakePayments(new Env(), Remote);
    await payments.createCharge(request, 'k');
    expect(await failure(payments.createCharge({ ...request, amount: 5_000 }, 'k'))).toEqual({ code: 'idempotency_error', status: 400 });
  });

  it('a lost response charged the card; a timeout did not; the key finds only what was charged', async () => {
    const payments = new FakePayments(new Env(), Remote);
    payments.fail('createCharge', 'lost-response', 'timeout');
    expect(await failure(payments.createCharge(request, 'a'))).toEqual({ code: 'network_timeout', status: undefined });
    expect(await failure(payments.createCharge({ ...request, orderId: 'order-2' }, 'b'))).toEqual({ code: 'network_timeout', status: undefined });
    expect((await payments.findCharge('a'))?.status).toBe('succeeded');
    expect(await payments.findCharge('b')).toBeUndefined();
    expect(payments.charged()).toBe(4_999);
  });

  it('scripted faults strike calls in order; "answers" lets one through', async () => {
    const payments = new FakePayments(new Env(), Remote);
    payments.fail('findCharge', 'answers', 'timeout');
    expect(await payments.findCharge('x')).toBeUndefined();
    expect(await failure(payments.findCharge('x'))).toEqual({ code: 'network_timeout', status: undefined });
    expect(await payments.findCharge('x')).toBeUndefined();
  });

  it('a declined card is a 402 and moves no money, also on replay', async () => {
    const payments = new FakePayments(new Env(), Remote);
    expect(await failure(payments.createCharge({ ...request, paymentMethod: DECLINED_CARD }, 'd'))).toEqual({ code: 'card_declined', status: 402 });
    expect(await failure(payments.createCharge({ ...request, paymentMethod: DECLINED_CARD }, 'd'))).toEqual({ code: 'card_declined', status: 402 });
    expect(payments.charged()).toBe(0);
  });

  it('refunds replay by key and never exceed the charge', async () => {
    const payments = new FakePayments(new Env(), Remote);
    const charge = await payments.createCharge(request, 'k');
    const refund = await payments.createRefund(charge.id, 4_999, 'r');
    expect(await payments.createRefund(charge.id, 4_999, 'r')).toEqual(refund);
    expect(await failure(payments.createRefund(charge.id, 4_999, 'r2'))).toEqual({ code: 'charge_already_refunded', status: 400 });
    expect(await failure(payments.createRefund('ch_missing', 1, 'r3'))).toEqual({ code: 'resource_missing', status: 404 });
    expect(payments.refunded()).toBe(4_999);
  });

  it('refuses a refund larger than the charge', async () => {
    const payments = new FakePayments(new Env(), Remote);
    const charge = await payments.createCharge(request, 'k');
    expect(await failure(payments.createRefund(charge.id, 5_000, 'r'))).toEqual({ code: 'amount_too_large', status: 400 });
  });
});

describe('payment-saga fakes: inventory, carrier, bus', () => {
  it('holds stock once per key, refuses what is not on the shelf, releases once', async () => {
    const inventory = new FakeInventory(new Env(), Remote, { mug: 3 });
    const held = await inventory.reserve('o1', [{ sku: 'mug', quantity: 2 }], 'k');
    expect(await inventory.reserve('o1', [{ sku: 'mug', quantity: 2 }], 'k')).toEqual(held);
    expect(inventory.available()).toEqual({ mug: 1 });
    expect(await failure(inventory.reserve('o2', [{ sku: 'mug', quantity: 2 }], 'k2'))).toEqual({ code: 'insufficient_stock', status: 422 });
    await inventory.release(held.id, 'rel');
    await inventory.release(held.id, 'rel-again');
    expect(inventory.available()).toEqual({ mug: 3 });
    expect(inventory.held()).toBe(0);
    expect(await failure(inventory.release('res_missing', 'x'))).toEqual({ code: 'reservation_not_found', status: 404 });
  });

  it('a 503 on release changes nothing', async () => {
    const inventory = new FakeInventory(new Env(), Remote, { mug: 3 });
    const held = await inventory.reserve('o1', [{ sku: 'mug', quantity: 1 }], 'k');
    inventory.fail('release', 'unavailable');
    expect(await failure(inventory.release(held.id, 'rel'))).toEqual({ code: 'service_unavailable', status: 503 });
    expect(inventory.held()).toBe(1);
  });

  it('the carrier rejects an undeliverable address and replays a booking by key', async () => {
    const shipping = new FakeShipping(new Env(), Remote);
    expect(await failure(shipping.createShipment('o1', `1 ${UNDELIVERABLE} Rd`, [], 'k1'))).toEqual({ code: 'address_invalid', status: 400 });
    const booked = await shipping.createShipment('o2', '1 Main St', [], 'k2');
    expect(await shipping.createShipment('o2', '1 Main St', [], 'k2')).toEqual(booked);
    expect(shipping.shipments).toHaveLength(1);
  });

  it('the bus delivers whatever it is given, twice if asked twice, and nothing when it refuses', async () => {
    const bus = new FakeBus(new Env(), Remote);
    const event = { id: 'o1:order.paid', type: 'order.paid' as const, orderId: 'o1', payload: {}, occurredAt: 0 };
    bus.fail('unavailable');
    expect(await failure(bus.publish(event))).toEqual({ code: 'service_unavailable', status: 503 });
    await bus.publish(event);
    await bus.publish(event);
    expect(bus.deliveries()).toEqual({ 'o1:order.paid': 2 });
  });
});

describe('payment-saga fakes: the tables', () => {
  const row = (id: string, createdAt: number, status: 'pending' | 'publishing' | 'sent' = 'pending') => ({
    id,
    type: 'order.paid' as const,
    orderId: id,
    payload: {},
    createdAt,
    status,
    attempts: 0,
  });

  it('unsent lists the rows not sent, oldest first', async () => {
    const outbox = new FakeOutbox(new Env(), { b: row('b', 2), a: row('a', 3), c: row('c', 1, 'sent'), d: row('d', 2, 'publishing') });
    expect((await outbox.unsent()).map((event) => event.id)).toEqual(['b', 'd', 'a']);
  });

  it('a planned write failure drops the first write of that row only, whichever operation makes it', async () => {
    const outbox = new FakeOutbox(new Env());
    outbox.failWrite('a');
    await expect(outbox.setIfAbsent('a', row('a', 1))).rejects.toBeInstanceOf(StoreConnectionError);
    expect(outbox.peek('a')).toBeUndefined();
    expect(await outbox.setIfAbsent('a', row('a', 1))).toBe(true);
    outbox.failWrite('b', 'fail-after-write');
    await expect(outbox.compareAndSet('b', undefined, row('b', 1))).rejects.toBeInstanceOf(StoreConnectionError);
    expect(outbox.peek('b')?.status).toBe('pending');
    await outbox.set('b', row('b', 1, 'sent'));
    expect(outbox.statuses()).toEqual({ a: 'pending', b: 'sent' });
  });

  it('the saga table drops the first write whose record matches', async () => {
    const sagas = new FlakySagaStore(new Env());
    sagas.failWrite((record) => record.completed.includes('charge'));
    const record = { orderId: 'o1', status: 'running' as const, completed: [], updatedAt: 0 };
    await sagas.set('o1', record);
    await expect(sagas.set('o1', { ...record, completed: ['charge'] })).rejects.toBeInstanceOf(StoreConnectionError);
    expect(sagas.peek('o1')?.completed).toEqual([]);
    await sagas.set('o1', { ...record, completed: ['charge'] });
    expect(sagas.peek('o1')?.completed).toEqual(['charge']);
  });
});
