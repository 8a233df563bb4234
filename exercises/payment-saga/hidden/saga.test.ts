import { Env, bug, compareWithReference, errorCode, expectRejects, expectResolves, fc, outcome, type Side } from 'bugbash/harness';
import { CheckoutSaga as RefCheckoutSaga } from '@reference/checkout';
import { OutboxRelay as RefOutboxRelay } from '@reference/relay';
import { RemoteError as RefRemoteError } from '@reference/types';
import { MINUTE, UNDELIVERABLE, anOrder, expectWorld, outcomeOf, world, type Fault, type RelayClass, type SagaClass, type World } from './world';

const PAID_AND_SHIPPED = { cardCharged: 4_999, refunded: 0, stock: { 'sku-mug': 8, 'sku-tee': 5 }, shipments: 1 };

// --- The idempotency key must survive retries -----------------------------------------------

bug('charge-key-per-attempt', 'a checkout retried after an unconfirmed charge does not charge the card again', async () => {
  const w = world(new Env());
  const order = anOrder();
  // The charge goes through but its answer is lost, and the status check times out too.
  w.payments.fail('createCharge', 'lost-response');
  w.payments.fail('findCharge', 'timeout');
  await outcome(w.saga.checkout(order));
  w.clock.advance(5 * MINUTE);
  await outcome(w.saga.checkout(order));
  expectWorld(
    w,
    { cardCharges: w.payments.charges.filter((c) => c.status === 'succeeded').map((c) => c.amount) },
    { cardCharges: [4_999] },
    'the first charge went through but its answer was lost; calling checkout again charged the card a second time',
  );
});

bug('charge-key-per-attempt', 'resuming a checkout that crashed after charging replays the charge instead of making a new one', async () => {
  const w = world(new Env());
  const order = anOrder();
  // The worker charges the card, then dies before recording it.
  w.sagas.failWrite((record) => record.completed.includes('charge'));
  await outcome(w.saga.checkout(order));
  w.clock.advance(2 * MINUTE);
  const result = await expectResolves(w.saga.checkout(order), 'resuming the checkout failed');
  expectWorld(
    w,
    { result: result.status, cardCharges: w.payments.charges.map((c) => c.amount) },
    { result: 'completed', cardCharges: [4_999] },
    'a checkout that crashed right after charging was resumed, and the resumed run charged the customer again',
  );
});

// --- An unanswered charge is not a declined charge --------------------------------------------

async function checkoutThroughTimeouts(w: World) {
  const result = await expectResolves(w.saga.checkout(anOrder()), 'checkout rejected instead of answering');
  return outcomeOf(w, result);
}

bug('timeout-treated-as-decline', 'a charge whose answer was lost is found and the order goes on', async () => {
  const w = world(new Env());
  // First attempt charged the card but the answer never came back; the next two never arrived.
  w.payments.fail('createCharge', 'lost-response', 'timeout', 'timeout');
  expectWorld(
    w,
    await checkoutThroughTimeouts(w),
    { result: 'completed', ...PAID_AND_SHIPPED },
    'the card network timed out, but the charge had gone through: checkout failed the order and the customer paid for nothing (no parcel, no refund)',
  );
});

bug('timeout-treated-as-decline', 'a charge that went through on a later, unanswered attempt is found too', async () => {
  const w = world(new Env());
  w.payments.fail('createCharge', 'timeout', 'lost-response', 'timeout');
  expectWorld(
    w,
    await checkoutThroughTimeouts(w),
    { result: 'completed', ...PAID_AND_SHIPPED },
    'the second charge attempt went through but its answer was lost: checkout failed the order after the last timeout and the customer paid for nothing',
  );
});

bug('timeout-treated-as-decline', 'when neither the charge nor the status check gets an answer, the order is left open and finished later', async () => {
  const w = world(new Env());
  const order = anOrder();
  w.payments.fail('createCharge', 'lost-response', 'timeout', 'timeout');
  w.payments.fail('findCharge', 'timeout', 'timeout', 'timeout');
  await expectRejects(
    w.saga.checkout(order),
    'payment_pending',
    'the charge got no answer and neither did the status check, yet checkout decided the order instead of leaving it open with payment_pending',
  );
  w.clock.advance(5 * MINUTE);
  w.payments.recover();
  const result = await expectResolves(w.saga.checkout(order), 'calling checkout again once the processor answered rejected');
  expectWorld(
    w,
    { result: result.status, refunded: w.payments.refunded(), shipments: w.shipping.shipments.length },
    { result: 'completed', refunded: 0, shipments: 1 },
    'whether the card had been charged was unknown, and checkout failed the order anyway: the charge had gone through, so the customer paid for nothing',
  );
});

bug('timeout-treated-as-decline', 'an unanswered charge followed by 503s is found, not failed', async () => {
  const w = world(new Env());
  // The first attempt charged the card but its answer was lost; the processor then answered 503 twice.
  w.payments.fail('createCharge', 'lost-response', 'unavailable', 'unavailable');
  expectWorld(
    w,
    await checkoutThroughTimeouts(w),
    { result: 'completed', ...PAID_AND_SHIPPED },
    'the first charge attempt went through but its answer was lost, and the retries got 503s: checkout failed the order and the customer paid for nothing',
  );
});

bug('timeout-treated-as-decline', 'when the status check after a later unanswered attempt times out, checkout stops and answers payment_pending', async () => {
  const w = world(new Env());
  const order = anOrder();
  // Attempt 1 never reached the processor (the check says so); attempt 2 charged the card, but
  // its answer was lost and the check that followed timed out.
  w.payments.fail('createCharge', 'timeout', 'lost-response');
  w.payments.fail('findCharge', 'answers', 'timeout', 'timeout', 'timeout');
  const first = await outcome(w.saga.checkout(order));
  const attempts = w.payments.chargeCalls;
  const sagaStatus = w.sagas.peek(order.id)?.status;
  w.payments.recover();
  w.clock.advance(5 * MINUTE);
  const result = await expectResolves(w.saga.checkout(order), 'calling checkout again once the processor answered rejected');
  expectWorld(
    w,
    {
      firstCall: first.ok ? first.value.status : errorCode(first.error),
      chargeAttemptsInFirstCall: attempts,
      sagaAfterFirstCall: sagaStatus,
      secondCall: result.status,
    },
    { firstCall: 'payment_pending', chargeAttemptsInFirstCall: 2, sagaAfterFirstCall: 'running', secondCall: 'completed' },
    'a charge attempt got no answer and the status check about it timed out too: checkout should have stopped with payment_pending (no new attempt before knowing what happened) and settled the order on the next call',
  );
});

// --- Two retries after the first attempt --------------------------------------------------------

bug('retry-budget-off-by-one', 'stock reservation rides out two 503s in a row', async () => {
  const w = world(new Env());
  w.inventory.fail('reserve', 'unavailable', 'unavailable');
  const result = await expectResolves(w.saga.checkout(anOrder()), 'checkout rejected instead of answering');
  expectWorld(
    w,
    outcomeOf(w, result),
    { result: 'completed', ...PAID_AND_SHIPPED },
    'the inventory service answered 503 twice and then recovered, but checkout gave up after one retry and failed the order (two retries are allowed)',
  );
});

bug('retry-budget-off-by-one', 'charging rides out two 503s in a row', async () => {
  const w = world(new Env());
  w.payments.fail('createCharge', 'unavailable', 'unavailable');
  const result = await expectResolves(w.saga.checkout(anOrder()), 'checkout rejected instead of answering');
  expectWorld(
    w,
    outcomeOf(w, result),
    { result: 'completed', ...PAID_AND_SHIPPED },
    'the processor answered 503 twice and then recovered, but checkout gave up after one retry and failed the order (two retries are allowed)',
  );
});

bug('retry-budget-off-by-one', 'three 503s in a row fail the order after exactly three attempts, backing off 500 ms then 1,000 ms', async () => {
  const w = world(new Env());
  w.payments.fail('createCharge', 'unavailable', 'unavailable', 'unavailable');
  const result = await expectResolves(w.saga.checkout(anOrder()), 'checkout rejected instead of answering');
  expectWorld(
    w,
    { result: result.status, failureCode: result.failureCode, chargeAttempts: w.payments.chargeCalls, backoffMs: w.sleeps },
    { result: 'failed', failureCode: 'service_unavailable', chargeAttempts: 3, backoffMs: [500, 1_000] },
    'the processor answered 503 three times: checkout should have tried exactly three times (two retries, after 500 ms and 1,000 ms) and then failed the order',
  );
});

bug('retry-budget-off-by-one', 'every call has its own two retries: two 503s on the reservation and two on the shipment', async () => {
  const w = world(new Env());
  w.inventory.fail('reserve', 'unavailable', 'unavailable');
  w.shipping.fail('unavailable', 'unavailable');
  const result = await expectResolves(w.saga.checkout(anOrder()), 'checkout rejected instead of answering');
  expectWorld(
    w,
    outcomeOf(w, result),
    { result: 'completed', ...PAID_AND_SHIPPED },
    'the inventory service and then the carrier each answered 503 twice before recovering, but checkout failed the order (each call may be retried twice)',
  );
});

bug('retry-budget-off-by-one', 'an undo call rides out two 503s in a row', async () => {
  const w = world(new Env());
  w.inventory.fail('release', 'unavailable', 'unavailable');
  const result = await outcome(w.saga.checkout(anOrder({ shippingAddress: `3 ${UNDELIVERABLE} Way` })));
  expectWorld(
    w,
    { result: result.ok ? result.value.status : errorCode(result.error), stock: w.inventory.available() },
    { result: 'failed', stock: { 'sku-mug': 10, 'sku-tee': 5 } },
    'releasing the stock of a failed order got 503 twice and then worked, but checkout gave up on the undo (it may be retried twice)',
  );
});

// --- Every finished step is undone, the charge included ---------------------------------------

bug('compensation-skips-charge', 'a shipment the carrier rejects refunds the charge and releases the stock', async () => {
  const w = world(new Env());
  const result = await expectResolves(
    w.saga.checkout(anOrder({ shippingAddress: `1 ${UNDELIVERABLE} Road` })),
    'checkout rejected instead of failing the order',
  );
  expectWorld(
    w,
    outcomeOf(w, result),
    { result: 'failed', failureCode: 'address_invalid', cardCharged: 4_999, refunded: 4_999, stock: { 'sku-mug': 10, 'sku-tee': 5 }, shipments: 0 },
    'the carrier rejected the address and the order failed, but the customer was never refunded',
  );
});

bug('compensation-skips-charge', 'an order that cannot be reserved refunds the charge', async () => {
  const w = world(new Env());
  const result = await expectResolves(
    w.saga.checkout(anOrder({ items: [{ sku: 'sku-tee', quantity: 6 }] })),
    'checkout rejected instead of failing the order',
  );
  expectWorld(
    w,
    outcomeOf(w, result),
    { result: 'failed', failureCode: 'insufficient_stock', cardCharged: 4_999, refunded: 4_999, stock: { 'sku-mug': 10, 'sku-tee': 5 }, shipments: 0 },
    'the stock could not be reserved and the order failed, but the customer was never refunded',
  );
});

bug('compensation-skips-charge', 'undo runs in reverse order: the stock is released, then the charge refunded', async () => {
  const w = world(new Env());
  await outcome(w.saga.checkout(anOrder({ shippingAddress: `5 ${UNDELIVERABLE} Close` })));
  const undoCalls = w.env.trace.filter((line) => /inventory\.release|payments\.createRefund/.test(line)).map((line) => (line.includes('release') ? 'release stock' : 'refund charge'));
  expectWorld(
    w,
    { undoCalls, refunded: w.payments.refunded() },
    { undoCalls: ['release stock', 'refund charge'], refunded: 4_999 },
    'a failed order was not undone in reverse order (stock released first, then the charge refunded in full, once each)',
  );
});

// --- A compensation that stops half-way is finished by the next call -------------------------

async function failHalfwayThroughUndo() {
  const w = world(new Env());
  const order = anOrder({ shippingAddress: `9 ${UNDELIVERABLE} Lane` });
  // The carrier rejects the address; the inventory service is down while the saga unwinds.
  w.inventory.fail('release', 'unavailable', 'unavailable', 'unavailable');
  await outcome(w.saga.checkout(order));
  w.clock.advance(10 * 60_000);
  const result = await expectResolves(w.saga.checkout(order), 'calling checkout again (inventory back up) rejected');
  return { w, order, result };
}

bug('failed-before-compensated', 'an undo interrupted by an outage is finished when checkout is called again', async () => {
  const { w, result } = await failHalfwayThroughUndo();
  expectWorld(
    w,
    { result: result.status, stock: w.inventory.available(), reservationsHolding: w.inventory.held() },
    { result: 'failed', stock: { 'sku-mug': 10, 'sku-tee': 5 }, reservationsHolding: 0 },
    'the inventory service was down while a failed order was being unwound; calling checkout again reported the order failed but never released its stock',
  );
});

bug('failed-before-compensated', 'order.failed is written once the interrupted undo has been finished', async () => {
  const { w, order } = await failHalfwayThroughUndo();
  expectWorld(
    w,
    w.eventsFor(order.id),
    ['order.failed', 'order.paid'],
    'a failed order whose undo was interrupted and resumed never got its order.failed event, so nothing downstream learned it failed',
  );
});

bug('failed-before-compensated', 'when queueing order.failed fails once, the retried call queues it and it reaches the bus exactly once', async () => {
  const w = world(new Env());
  const relay = w.relay();
  const outcomes: Record<string, unknown> = {};
  // Two orders whose address is rejected; the outbox connection drops while order.failed is
  // written: once before the row lands, once after it landed.
  for (const [id, kind] of [['order-a', 'fail'], ['order-b', 'fail-after-write']] as const) {
    const order = anOrder({ id, shippingAddress: `7 ${UNDELIVERABLE} Row` });
    w.outbox.failWrite(`${id}:order.failed`, kind);
    await outcome(w.saga.checkout(order));
    w.clock.advance(MINUTE);
    const retried = await outcome(w.saga.checkout(order));
    outcomes[id] = retried.ok ? retried.value.status : errorCode(retried.error);
  }
  await relay.flush();
  const delivered = w.bus.deliveries();
  expectWorld(
    w,
    { retried: outcomes, 'order-a:order.failed': delivered['order-a:order.failed'] ?? 0, 'order-b:order.failed': delivered['order-b:order.failed'] ?? 0 },
    { retried: { 'order-a': 'failed', 'order-b': 'failed' }, 'order-a:order.failed': 1, 'order-b:order.failed': 1 },
    'the outbox connection dropped while order.failed was being queued and the worker called checkout again: order.failed never reached the bus (or reached it twice)',
  );
});

// --- Model-based: short outages are ridden out -------------------------------------------------

type Outages = { createCharge: Fault[]; reserve: Fault[]; createShipment: Fault[] };
interface System {
  w: World;
  orders: number;
}

bug('retry-budget-off-by-one', 'checkouts through short outages match the reference', async () => {
  const transient = fc.array(fc.constantFrom<Fault>('unavailable', 'timeout'), { maxLength: 2 });
  await compareWithReference<System, { amount: number; outages: Outages }>({
    symptom: 'checkouts through short outages (at most two failed calls in a row) ended differently from the reference',
    commands: fc.array(
      fc.record({
        amount: fc.integer({ min: 50, max: 50_000 }),
        outages: fc.record({ createCharge: transient, reserve: transient, createShipment: transient }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    create(side: Side, env: Env) {
      const impl =
        side === 'reference'
          ? { Saga: RefCheckoutSaga as unknown as SagaClass, Relay: RefOutboxRelay as unknown as RelayClass, RemoteError: RefRemoteError }
          : undefined;
      return { w: world(env, { impl, stock: { 'sku-mug': 1_000, 'sku-tee': 1_000 } }), orders: 0 };
    },
    async apply(system, { amount, outages }) {
      system.orders += 1;
      system.w.payments.fail('createCharge', ...outages.createCharge);
      system.w.inventory.fail('reserve', ...outages.reserve);
      system.w.shipping.fail(...outages.createShipment);
      const result = await system.w.saga.checkout(anOrder({ id: `order-${system.orders}`, amount }));
      return result.failureCode ? { status: result.status, failureCode: result.failureCode } : { status: result.status };
    },
    state: (system) => system.w.state(),
    describe: ({ amount, outages }) => {
      const failing = Object.entries(outages)
        .filter(([, faults]) => faults.length > 0)
        .map(([call, faults]) => `${call} fails first with ${faults.join(', ')}`);
      return `checkout(${amount} usd)${failing.length ? ` while ${failing.join('; ')}` : ''}`;
    },
    seed: 4_242,
    runs: 40,
  });
}, { timeout: 20_000 });
