import { Env, compareWithReference, expectRejects, expectResolves, expectSame, expectThat, explore, fc, guard, type Side } from 'bugbash/harness';
import { CheckoutSaga as RefCheckoutSaga } from '@reference/checkout';
import { OutboxRelay as RefOutboxRelay } from '@reference/relay';
import { RemoteError as RefRemoteError } from '@reference/types';
import { DECLINED_CARD, MINUTE, SECOND, T0, anOrder, outcomeOf, pendingEvent, relays, world, type RelayClass, type SagaClass, type World } from './world';

// --- The happy path ----------------------------------------------------------------------------

guard('a checkout charges the card, reserves the stock, books the parcel and queues order.paid and order.shipped', async () => {
  const w = world(new Env());
  const result = await expectResolves(w.saga.checkout(anOrder()), 'a plain checkout with a good card and stock on the shelf failed');
  expectSame(
    { result, ...w.state(), outbox: w.outbox.statuses() },
    {
      result: { orderId: 'order-1001', status: 'completed', chargeId: 'ch_1', shipmentId: 'shp_1', trackingNumber: '1Z999AA100000001' },
      cardCharged: 4_999,
      refunded: 0,
      stock: { 'sku-mug': 8, 'sku-tee': 5 },
      shipments: 1,
      outbox: { 'order-1001:order.paid': 'pending', 'order-1001:order.shipped': 'pending' },
    },
    'a plain checkout did not end with the card charged once, the stock taken, one parcel booked and its two events queued',
  );
});

guard('the relay publishes queued events once, in order, and marks them sent', async () => {
  const w = world(new Env());
  await expectResolves(w.saga.checkout(anOrder()), 'a plain checkout failed');
  const relay = w.relay();
  const first = await relay.flush();
  const second = await relay.flush();
  expectSame(
    { first, second, published: w.bus.published.map((e) => `${e.type} ${e.orderId}`), outbox: w.outbox.statuses() },
    {
      first: 2,
      second: 0,
      published: ['order.paid order-1001', 'order.shipped order-1001'],
      outbox: { 'order-1001:order.paid': 'sent', 'order-1001:order.shipped': 'sent' },
    },
    'flushing the outbox after a checkout did not publish order.paid then order.shipped exactly once',
  );
});

guard('checkout called again for a finished order returns the same result and touches nothing', async () => {
  const w = world(new Env());
  const first = await expectResolves(w.saga.checkout(anOrder()), 'a plain checkout failed');
  w.clock.advance(MINUTE);
  const again = await expectResolves(w.saga.checkout(anOrder()), 'checkout for an already completed order failed');
  expectSame(
    { again, chargeCalls: w.payments.chargeCalls, reserveCalls: w.inventory.reserveCalls, shipments: w.shipping.shipments.length },
    { again: first, chargeCalls: 1, reserveCalls: 1, shipments: 1 },
    'calling checkout again for a completed order did more work or answered differently',
  );
});

// --- Declines and bad input ----------------------------------------------------------------------

guard('a declined card fails the order without reserving stock or shipping', async () => {
  const w = world(new Env());
  const result = await expectResolves(w.saga.checkout(anOrder({ paymentMethod: DECLINED_CARD })), 'checkout rejected instead of failing the order');
  expectSame(
    { result, ...w.state(), chargeCalls: w.payments.chargeCalls, events: w.eventsFor('order-1001') },
    {
      result: { orderId: 'order-1001', status: 'failed', failureCode: 'card_declined' },
      cardCharged: 0,
      refunded: 0,
      stock: { 'sku-mug': 10, 'sku-tee': 5 },
      shipments: 0,
      chargeCalls: 1,
      events: ['order.failed'],
    },
    'a declined card did not simply fail the order (one attempt, nothing reserved or shipped, order.failed queued)',
  );
});

guard('a decline whose answer was lost is still a decline', async () => {
  const w = world(new Env());
  w.payments.fail('createCharge', 'lost-response');
  const result = await expectResolves(w.saga.checkout(anOrder({ paymentMethod: DECLINED_CARD })), 'checkout rejected instead of failing the order');
  expectSame(
    outcomeOf(w, result),
    { result: 'failed', failureCode: 'card_declined', cardCharged: 0, refunded: 0, stock: { 'sku-mug': 10, 'sku-tee': 5 }, shipments: 0 },
    'a declined charge whose first answer was lost did not end as a declined order',
  );
});

guard('invalid orders are rejected before anything is charged', async () => {
  const w = world(new Env());
  const cases: [string, Parameters<typeof anOrder>[0], string][] = [
    ['a fractional amount', { amount: 49.99 }, 'amount_invalid'],
    ['a zero amount', { amount: 0 }, 'amount_invalid'],
    ['a negative amount', { amount: -500 }, 'amount_invalid'],
    ['a NaN amount', { amount: Number.NaN }, 'amount_invalid'],
    ['an amount over 99,999,999', { amount: 100_000_000 }, 'amount_too_large'],
    ['an uppercase currency', { currency: 'USD' }, 'currency_invalid'],
    ['no items', { items: [] }, 'items_invalid'],
    ['a fractional quantity', { items: [{ sku: 'sku-mug', quantity: 1.5 }] }, 'items_invalid'],
  ];
  for (const [what, overrides, code] of cases) {
    await expectRejects(w.saga.checkout(anOrder({ id: `order-${code}`, ...overrides })), code, `an order with ${what} was not rejected with ${code}`);
  }
  expectSame(
    { chargeCalls: w.payments.chargeCalls, ...w.state() },
    { chargeCalls: 0, cardCharged: 0, refunded: 0, stock: { 'sku-mug': 10, 'sku-tee': 5 }, shipments: 0 },
    'an invalid order reached the card processor or the warehouse',
  );
});

guard('an order of exactly 99,999,999 minor units is accepted', async () => {
  const w = world(new Env());
  const result = await expectResolves(w.saga.checkout(anOrder({ amount: 99_999_999 })), 'an order at the maximum amount was refused');
  expectThat(result.status === 'completed', 'an order of exactly 99,999,999 cents did not complete', { expected: 'completed', actual: result });
});

// --- Retries stay within bounds --------------------------------------------------------------------

guard('a 409 or a 500 from the processor is tried again; a 429 is its final answer', async () => {
  for (const [fault, retried] of [['conflict', true], ['server-error', true], ['rate-limited', false]] as const) {
    const w = world(new Env());
    w.payments.fail('createCharge', fault);
    const result = await expectResolves(w.saga.checkout(anOrder()), `checkout rejected after a ${fault} answer instead of settling the order`);
    expectSame(
      { status: result.status, failureCode: result.failureCode ?? null, attempts: w.payments.chargeCalls, cardCharged: w.state().cardCharged },
      retried ? { status: 'completed', failureCode: null, attempts: 2, cardCharged: 4_999 } : { status: 'failed', failureCode: 'rate_limit', attempts: 1, cardCharged: 0 },
      retried ? `a charge answered ${fault === 'conflict' ? '409' : '500'} once was not tried again until it went through` : 'a charge answered 429 was retried, or did not fail the order with rate_limit',
    );
  }
});

guard('a processor that keeps answering 503 fails the order after a bounded number of backed-off attempts', async () => {
  const w = world(new Env());
  w.payments.fail('createCharge', 'unavailable', 'unavailable', 'unavailable', 'unavailable', 'unavailable');
  const result = await expectResolves(w.saga.checkout(anOrder()), 'checkout rejected instead of failing the order');
  expectSame(
    outcomeOf(w, result),
    { result: 'failed', failureCode: 'service_unavailable', cardCharged: 0, refunded: 0, stock: { 'sku-mug': 10, 'sku-tee': 5 }, shipments: 0 },
    'a card processor that was down did not end in a failed order with nothing charged',
  );
  expectThat(w.payments.chargeCalls <= 3, 'checkout kept hammering a card processor that was down: more than two retries', {
    expected: 'at most 3 attempts',
    actual: { attempts: w.payments.chargeCalls },
  });
  expectThat(w.sleeps.every((ms) => ms >= 500 && ms <= 5 * SECOND), 'retries did not back off between 0.5 s and 5 s', {
    expected: 'each delay between 500 and 5000 ms',
    actual: w.sleeps,
  });
});

// --- The relay on its own ---------------------------------------------------------------------------

guard('an event the bus refused is published by the next flush', async () => {
  const { outbox, bus, relay: relayIn } = relays(new Env(), { 'order-7:order.paid': pendingEvent('order-7', 'order.paid', T0) });
  const relay = relayIn(1);
  bus.fail('unavailable');
  await relay.flush().catch(() => 0);
  const afterOutage = { delivered: bus.deliveries(), status: outbox.statuses(), attempts: outbox.snapshot()['order-7:order.paid']?.attempts };
  await relay.flush();
  expectSame(
    { afterOutage, afterRecovery: { delivered: bus.deliveries(), status: outbox.statuses() } },
    {
      afterOutage: { delivered: {}, status: { 'order-7:order.paid': 'pending' }, attempts: 1 },
      afterRecovery: { delivered: { 'order-7:order.paid': 1 }, status: { 'order-7:order.paid': 'sent' } },
    },
    'an event the bus refused once was lost or published more than once',
  );
});

guard('a claim left by a crashed relay is taken over once it is stale, and not before', async () => {
  const { clock, outbox, bus, relay: relayIn } = relays(new Env(), {
    'order-8:order.shipped': pendingEvent('order-8', 'order.shipped', T0 - SECOND, { status: 'publishing', claimedBy: 'relay-dead', claimedAt: T0 }),
  });
  const relay = relayIn(1);
  clock.advance(10 * SECOND);
  await relay.flush();
  const whileFresh = bus.deliveries();
  clock.advance(MINUTE);
  await relay.flush();
  expectSame(
    { whileFresh, afterTimeout: bus.deliveries(), status: outbox.statuses() },
    { whileFresh: {}, afterTimeout: { 'order-8:order.shipped': 1 }, status: { 'order-8:order.shipped': 'sent' } },
    'an event claimed by a relay that died was published while the claim was fresh, or never taken over once it went stale',
  );
});

guard('a claim exactly 60 s old is stale and taken over; one a millisecond younger is left alone', async () => {
  const { outbox, bus, relay: relayIn } = relays(new Env(), {
    'order-8:order.shipped': pendingEvent('order-8', 'order.shipped', T0 - MINUTE, { status: 'publishing', claimedBy: 'relay-dead', claimedAt: T0 - MINUTE }),
    'order-9:order.shipped': pendingEvent('order-9', 'order.shipped', T0 - MINUTE, { status: 'publishing', claimedBy: 'relay-busy', claimedAt: T0 - MINUTE + 1 }),
  });
  await relayIn(1).flush();
  expectSame(
    { delivered: bus.deliveries(), status: outbox.statuses() },
    { delivered: { 'order-8:order.shipped': 1 }, status: { 'order-8:order.shipped': 'sent', 'order-9:order.shipped': 'publishing' } },
    'a claim of exactly CLAIM_TIMEOUT_MS (60 s) was not taken over, or a claim 1 ms younger was',
  );
});

guard('a relay flushing while a checkout queues its event publishes it once, and in the end it is sent', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const relay = w.relay();
    // A declined card: the checkout queues a single event, order.failed, while the relay flushes.
    await env.outcomes<unknown>([
      env.run('checkout', () => w.saga.checkout(anOrder({ paymentMethod: DECLINED_CARD }))),
      env.run('relay flush', () => relay.flush()),
    ]);
    await env.outcomes([env.run('relay flush again', () => relay.flush(), { arrival: 'now' })]);
    expectSame(
      { deliveries: w.bus.deliveries(), outbox: w.outbox.statuses() },
      { deliveries: { 'order-1001:order.failed': 1 }, outbox: { 'order-1001:order.failed': 'sent' } },
      'a relay flushed while a checkout was queueing its event: the event was lost, published twice or not marked sent',
    );
  });
}, { timeout: 20_000 });

// --- Model-based: plain checkouts, declines, bad input, repeats and flushes ---------------------------

type Command =
  | { kind: 'checkout'; order: number; amount: number; currency: string; declined: boolean; quantity: number }
  | { kind: 'flush' };

guard('plain checkouts, declines, invalid orders, repeats and flushes behave like the reference', async () => {
  const amount = fc.oneof(fc.integer({ min: 50, max: 200_000 }), fc.constantFrom(0, -100, 19.99, 100_000_000));
  await compareWithReference<{ w: World }, Command>({
    symptom: 'checkouts without outages ended differently from the reference',
    commands: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.record({ kind: fc.constant('checkout' as const), order: fc.integer({ min: 1, max: 3 }), amount, currency: fc.constantFrom('usd', 'eur', 'USD'), declined: fc.boolean(), quantity: fc.integer({ min: 1, max: 3 }) }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
      ),
      { minLength: 1, maxLength: 6 },
    ),
    create(side: Side, env: Env) {
      const impl =
        side === 'reference'
          ? { Saga: RefCheckoutSaga as unknown as SagaClass, Relay: RefOutboxRelay as unknown as RelayClass, RemoteError: RefRemoteError }
          : undefined;
      return { w: world(env, { impl, stock: { 'sku-mug': 1_000, 'sku-tee': 1_000 } }) };
    },
    async apply({ w }, command) {
      if (command.kind === 'flush') return w.relay().flush();
      const { order, amount: total, currency, declined, quantity } = command;
      return w.saga.checkout(
        anOrder({
          id: `order-${order}`,
          amount: total,
          currency,
          paymentMethod: declined ? DECLINED_CARD : 'pm_card_visa',
          items: [{ sku: 'sku-mug', quantity }],
        }),
      );
    },
    state: ({ w }) => ({ ...w.state(), delivered: w.bus.deliveries() }),
    describe: (command) =>
      command.kind === 'flush'
        ? 'relay.flush()'
        : `checkout(order-${command.order}: ${command.amount} ${command.currency}, ${command.quantity} mug(s)${command.declined ? ', declined card' : ''})`,
    seed: 1_717,
    runs: 40,
  });
}, { timeout: 20_000 });
