import { Env, bug, compareWithReference, expectRejects, expectSame, expectThat, explore, fc, guard, outcome, type Outcome } from 'bugbash/harness';
import { WebhookDispatcher } from '@impl/dispatcher';
import type { WebhookEvent } from '@impl/types';
import { SECRET, compact, endpointFor, pretty, receiverWorld, signed, topUpEvent, type Side } from './world';

/** Many orderings or command sequences: more time before "never finished" on a busy machine. */
const SLOW = { timeout: 8_000 };

function describeOutcome(result: Outcome<{ status: string }>) {
  return result.ok ? result.value.status : { error: result.code };
}

function statusesOf(results: PromiseSettledResult<{ status: string }>[]) {
  return results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'failed')).sort();
}

// --- reserialised-body --------------------------------------------------------------------

bug('reserialised-body', 'a pretty-printed body, as Stripe sends it, verifies against its signature', async () => {
  const world = receiverWorld(new Env());
  const event = topUpEvent('succeeded');
  const result = await outcome(world.deliver(event, { body: pretty(event) }));
  expectSame(
    { result: describeOutcome(result), credits: world.credits },
    { result: 'processed', credits: [{ customerId: 'cus_wallet42', amount: 2500, currency: 'usd' }] },
    'a correctly signed webhook with a pretty-printed JSON body (the way Stripe sends them) was refused with a signature error, so the top-up was never credited',
  );
});

bug('reserialised-body', 'an event sent by our own dispatcher is accepted by our own receiver', async () => {
  const env = new Env();
  const world = receiverWorld(env);
  const dispatcher = new WebhookDispatcher(endpointFor(world.receiver), {
    endpointUrl: 'https://wallet.example/webhooks/stripe',
    secrets: [SECRET],
    clock: world.clock,
    sleep: async () => undefined,
    random: () => 0.5,
  });
  const result = await outcome(dispatcher.deliver(topUpEvent('succeeded')));
  expectSame(
    { delivery: result.ok ? result.value : { error: result.code }, credits: world.credits.length },
    { delivery: { delivered: true, attempts: 1, status: 200 }, credits: 1 },
    'a top-up event signed and sent by our own dispatcher was refused by our own receiver with a signature error, so the wallet was never credited',
  );
});

bug('reserialised-body', 'a signed body verifies whatever its formatting: indentation, key order, escapes, number spelling', async () => {
  const world = receiverWorld(new Env());
  const bodies: Array<[string, (event: WebhookEvent) => string]> = [
    ['compact', (event) => compact(event)],
    ['indented with 4 spaces', (event) => JSON.stringify(event, null, 4)],
    ['indented with tabs, CRLF line ends', (event) => JSON.stringify(event, null, '\t').replace(/\n/g, '\r\n')],
    ['keys in another order', (event) => JSON.stringify({ data: event.data, type: event.type, created: event.created, object: event.object, id: event.id })],
    ['a trailing newline', (event) => `${pretty(event)}\n`],
    ['unicode written as \\u escapes', (event) => compact(event).replace('"usd"', '"\\u0075sd"')],
    ['amounts spelled 2500.0', (event) => compact(event).replace('"amount":2500', '"amount":2500.0')],
  ];
  const refused: string[] = [];
  for (const [index, [format, render]] of bodies.entries()) {
    const event = topUpEvent('succeeded', { intent: `pi_3Q7fmt${index}`, customer: `cus_fmt${index}` });
    const result = await outcome(world.deliver(event, { body: render(event) }));
    if (!result.ok || result.value.status !== 'processed') refused.push(`${format}: ${JSON.stringify(describeOutcome(result))}`);
  }
  expectSame(
    refused,
    [],
    'correctly signed webhooks were refused because of how their JSON was laid out; the signature covers the body exactly as received, whatever its formatting',
  );
});

// --- duplicate-delivery-race --------------------------------------------------------------

bug('duplicate-delivery-race', 'two deliveries of one event to two endpoint instances credit the wallet once', async () => {
  await explore({}, async (env) => {
    const world = receiverWorld(env);
    const event = topUpEvent('succeeded');
    const results = await env.outcomes([
      env.run('delivery (instance 1)', () => world.deliver(event, { on: 1 })),
      env.run('redelivery (instance 2)', () => world.deliver(event, { on: 2 })),
    ]);
    expectSame(
      { credits: world.credits.length, statuses: statusesOf(results), recorded: world.processedEvents.peek(event.id)?.status },
      { credits: 1, statuses: ['duplicate', 'processed'], recorded: 'processed' },
      'the same event delivered twice (Stripe delivers at least once; the load balancer sent the copies to two instances of the endpoint) was not applied exactly once',
    );
  });
}, SLOW);

bug('duplicate-delivery-race', 'a redelivery reaching the same instance at any moment of the first delivery is a duplicate', async () => {
  await explore({}, async (env) => {
    const world = receiverWorld(env);
    const event = topUpEvent('succeeded');
    const results = await env.outcomes([
      env.run('delivery', () => world.deliver(event)),
      env.run('redelivery', () => world.deliver(event)),
    ]);
    expectSame(
      { credits: world.credits.length, statuses: statusesOf(results) },
      { credits: 1, statuses: ['duplicate', 'processed'] },
      'a redelivery of an event arrived while (or just after) the first delivery was being processed, and the wallet was not credited exactly once',
    );
  });
}, SLOW);

bug('duplicate-delivery-race', 'three overlapping deliveries over two instances apply the event exactly once', async () => {
  // All three start at once (arrivals after a start are explored by the tests above). The
  // reference's orderings all fit the budget; a fix with more store calls per delivery may
  // be sampled instead.
  await explore({ arrivals: 'now', orderings: 200, runs: 40 }, async (env) => {
    const world = receiverWorld(env);
    const event = topUpEvent('succeeded', { amount: 10_000 });
    const results = await env.outcomes([
      env.run('delivery 1 (instance 1)', () => world.deliver(event, { on: 1 })),
      env.run('delivery 2 (instance 2)', () => world.deliver(event, { on: 2 })),
      env.run('delivery 3 (instance 1)', () => world.deliver(event, { on: 1 })),
    ]);
    const credited = world.credits.reduce((sum, credit) => sum + credit.amount, 0);
    expectSame(
      { credited, statuses: statusesOf(results), recorded: world.processedEvents.peek(event.id)?.status },
      { credited: 10_000, statuses: ['duplicate', 'duplicate', 'processed'], recorded: 'processed' },
      'three overlapping deliveries of one $100.00 top-up did not credit the wallet exactly $100.00 once',
    );
  });
}, { timeout: 15_000 });

bug('duplicate-delivery-race', 'after a failed delivery, two retries arriving together never credit twice', async () => {
  // Both retries start at once; a fix with more store calls per retry may be sampled.
  await explore({ arrivals: 'now', orderings: 200, runs: 40 }, async (env) => {
    const world = receiverWorld(env, { creditFailures: 1 });
    const event = topUpEvent('succeeded');
    await outcome(world.deliver(event));
    const results = await env.outcomes([
      env.run('retry (instance 1)', () => world.deliver(event, { on: 1 })),
      env.run('retry (instance 2)', () => world.deliver(event, { on: 2 })),
    ]);
    const processed = statusesOf(results).filter((status) => status === 'processed').length;
    // The invariant (no succeeded top-up credited twice) is checked at every write; a retry
    // that is not applied here is failed-event-stays-claimed's business.
    expectThat(processed <= 1 && world.credits.length <= 1, 'after the wallet service failed once, two retries of the event arriving together were both applied', {
      expected: 'at most one of them applied',
      actual: { statuses: statusesOf(results), credits: world.credits.length },
    });
  });
}, { timeout: 15_000 });

// --- failed-event-stays-claimed -----------------------------------------------------------

bug('failed-event-stays-claimed', 'a delivery that failed because the wallet was down is applied when retried', async () => {
  const world = receiverWorld(new Env(), { creditFailures: 1 });
  const event = topUpEvent('succeeded');
  const first = await outcome(world.deliver(event));
  expectThat(!first.ok, 'a delivery whose wallet credit failed was acknowledged; it must fail so the sender retries', {
    expected: 'an error (answered 500)',
    actual: first.ok ? first.value : undefined,
  });
  const retry = await outcome(world.deliver(event));
  expectSame(
    { retry: describeOutcome(retry), credits: world.credits.length, processed: world.processedEvents.peek(event.id)?.status },
    { retry: 'processed', credits: 1, processed: 'processed' },
    'the wallet service was down for the first delivery, and the sender\'s retry of that event was not applied: the customer paid but was never credited',
  );
  world.assertInvariants();
});

bug('failed-event-stays-claimed', 'a delivery that failed on a database error is applied when retried', async () => {
  const world = receiverWorld(new Env(), { topUpWriteFailures: 1 });
  const event = topUpEvent('canceled');
  const first = await outcome(world.deliver(event));
  expectThat(!first.ok, 'a delivery whose top-up write failed was acknowledged; it must fail so the sender retries', {
    expected: 'an error (answered 500)',
    actual: first.ok ? first.value : undefined,
  });
  const retry = await outcome(world.deliver(event));
  expectSame(
    { retry: describeOutcome(retry), topUp: world.topUpTable.peek('pi_3Q7topup')?.status ?? 'missing' },
    { retry: 'processed', topUp: 'canceled' },
    'a cancellation whose first delivery hit a database error was never applied, not even when the sender retried it',
  );
  world.assertInvariants();
});

bug('failed-event-stays-claimed', 'a succeeded top-up whose database write failed is credited once when retried on another instance', async () => {
  const world = receiverWorld(new Env(), { topUpWriteFailures: 1 });
  const event = topUpEvent('succeeded');
  const first = await outcome(world.deliver(event, { on: 1 }));
  const retry = await outcome(world.deliver(event, { on: 2 }));
  const again = await outcome(world.deliver(event, { on: 1 }));
  expectSame(
    { first: first.ok ? first.value.status : 'failed', retry: describeOutcome(retry), again: describeOutcome(again), credits: world.credits.length, topUp: world.topUpTable.peek('pi_3Q7topup')?.status ?? 'missing' },
    { first: 'failed', retry: 'processed', again: 'duplicate', credits: 1, topUp: 'succeeded' },
    'a payment_intent.succeeded whose first delivery hit a database error was not credited exactly once by the sender\'s retries',
  );
  world.assertInvariants();
});

bug('failed-event-stays-claimed', 'an event that failed twice is applied on the third delivery', async () => {
  const world = receiverWorld(new Env(), { creditFailures: 2 });
  const event = topUpEvent('succeeded');
  const results = [];
  for (let attempt = 0; attempt < 4; attempt++) results.push(describeOutcome(await outcome(world.deliver(event))));
  expectSame(
    { results: results.map((r) => (typeof r === 'string' ? r : 'failed')), credits: world.credits.length },
    { results: ['failed', 'failed', 'processed', 'duplicate'], credits: 1 },
    'the wallet service failed for the first two deliveries of a top-up, and the later retries did not apply it exactly once',
  );
  world.assertInvariants();
});

// --- stale-event-overwrites ---------------------------------------------------------------

bug('stale-event-overwrites', 'a late payment_intent.processing does not roll a succeeded top-up back', async () => {
  const world = receiverWorld(new Env());
  for (const kind of ['created', 'succeeded', 'processing'] as const) await world.deliver(topUpEvent(kind));
  const row = world.topUpTable.peek('pi_3Q7topup');
  expectSame(
    { status: row?.status, amountReceived: row?.amountReceived, lastEventId: row?.lastEventId },
    { status: 'succeeded', amountReceived: 2500, lastEventId: 'evt_3Q7topup_succeeded' },
    'payment_intent.processing arrived after payment_intent.succeeded (delivery is unordered) and rolled the succeeded top-up back to processing',
  );
});

bug('stale-event-overwrites', 'payment_intent.created arriving after succeeded leaves the top-up succeeded', async () => {
  const world = receiverWorld(new Env(), { invariants: false });
  await world.deliver(topUpEvent('succeeded'));
  const late = await outcome(world.deliver(topUpEvent('created')));
  const row = world.topUpTable.peek('pi_3Q7topup');
  expectSame(
    { result: describeOutcome(late), status: row?.status, amountReceived: row?.amountReceived, credits: world.credits.length },
    { result: 'stale', status: 'succeeded', amountReceived: 2500, credits: 1 },
    'payment_intent.created was delivered after payment_intent.succeeded and reset the paid top-up to requires_payment_method',
  );
});

bug('stale-event-overwrites', 'a late payment_intent.payment_failed does not reopen a canceled top-up', async () => {
  const world = receiverWorld(new Env(), { invariants: false });
  const intent = 'pi_3Q8retry';
  await world.deliver(topUpEvent('created', { intent, amount: 7000 }));
  await world.deliver(topUpEvent('canceled', { intent, amount: 7000, at: 5 }));
  const late = await outcome(world.deliver(topUpEvent('payment_failed', { intent, amount: 7000 })));
  const row = world.topUpTable.peek(intent);
  expectSame(
    { result: describeOutcome(late), status: row?.status, lastEventId: row?.lastEventId },
    { result: 'stale', status: 'canceled', lastEventId: 'evt_3Q8retry_canceled' },
    'a payment_intent.payment_failed created before the cancellation arrived after it and reopened the canceled top-up',
  );
});

bug('stale-event-overwrites', 'after a failed payment attempt, its late events do not overwrite the retried payment', async () => {
  const world = receiverWorld(new Env(), { invariants: false });
  const intent = 'pi_3Q9second';
  const events = {
    created: topUpEvent('created', { intent, amount: 4200 }),
    firstTry: topUpEvent('processing', { intent, amount: 4200, at: 1, id: 'evt_3Q9second_processing_1' }),
    failed: topUpEvent('payment_failed', { intent, amount: 4200, at: 2 }),
    secondTry: topUpEvent('processing', { intent, amount: 4200, at: 4, id: 'evt_3Q9second_processing_2' }),
  };
  const answers: Record<string, unknown> = {};
  for (const name of ['created', 'secondTry', 'failed', 'firstTry'] as const) answers[name] = describeOutcome(await outcome(world.deliver(events[name])));
  const row = world.topUpTable.peek(intent);
  expectSame(
    { answers, status: row?.status, lastEventId: row?.lastEventId },
    { answers: { created: 'processed', secondTry: 'processed', failed: 'stale', firstTry: 'stale' }, status: 'processing', lastEventId: 'evt_3Q9second_processing_2' },
    'the customer\'s second payment attempt was processing when the first attempt\'s late payment_failed and processing events arrived, and they overwrote the top-up',
  );
});

bug('stale-event-overwrites', 'a stale event delivered again is answered duplicate and still changes nothing', async () => {
  const world = receiverWorld(new Env(), { invariants: false });
  await world.deliver(topUpEvent('succeeded'));
  const late = topUpEvent('processing');
  const first = describeOutcome(await outcome(world.deliver(late)));
  const again = describeOutcome(await outcome(world.deliver(late, { on: 2 })));
  const row = world.topUpTable.peek('pi_3Q7topup');
  expectSame(
    { answers: [first, again], status: row?.status, lastEventId: row?.lastEventId, credits: world.credits.length },
    { answers: ['stale', 'duplicate'], status: 'succeeded', lastEventId: 'evt_3Q7topup_succeeded', credits: 1 },
    'a late payment_intent.processing, delivered twice after payment_intent.succeeded, was not answered stale and then duplicate with the succeeded top-up left as it was',
  );
});

bug('stale-event-overwrites', 'events in the same second apply in delivery order, an older one does not', async () => {
  const world = receiverWorld(new Env());
  // Card payments often go processing → succeeded within one second: equal `created` is not stale.
  const statuses: string[] = [];
  for (const event of [topUpEvent('processing', { at: 1 }), topUpEvent('succeeded', { at: 1 }), topUpEvent('created')]) {
    statuses.push(describeOutcome(await outcome(world.deliver(event))) as string);
  }
  const row = world.topUpTable.peek('pi_3Q7topup');
  expectSame(
    { statuses, status: row?.status, credits: world.credits.length },
    { statuses: ['processed', 'processed', 'stale'], status: 'succeeded', credits: 1 },
    'processing and succeeded in the same second, then a late payment_intent.created: the top-up did not end succeeded and credited once (an equal created time is applied, an older one is stale)',
  );
  world.assertInvariants();
});

bug('stale-event-overwrites', 'any delivery order of top-up events ends in the reference\'s state', async () => {
  const catalogue: WebhookEvent[] = [
    topUpEvent('created'),
    topUpEvent('processing'),
    topUpEvent('succeeded'),
    topUpEvent('created', { intent: 'pi_3Q8retry', amount: 7000 }),
    topUpEvent('payment_failed', { intent: 'pi_3Q8retry', amount: 7000 }),
    topUpEvent('canceled', { intent: 'pi_3Q8retry', amount: 7000, at: 5 }),
  ];
  await compareWithReference<ReturnType<typeof receiverWorld>, number>({
    symptom: 'after top-up events were delivered out of order, the top-ups, the answers or the wallet credits differ from the reference',
    commands: fc.array(fc.integer({ min: 0, max: catalogue.length - 1 }), { minLength: 2, maxLength: 6 }),
    create: (side: Side, env) => receiverWorld(env, { side, invariants: false }),
    apply: async (world, index) => (await world.deliver(catalogue[index])).status,
    state: (world) => world.state(),
    describe: (index) => `deliver ${catalogue[index].type} ${catalogue[index].id} (created ${catalogue[index].created})`,
    seed: 7,
    runs: 40,
  });
}, SLOW);

// --- credit-uses-requested-amount --------------------------------------------------------

bug('credit-uses-requested-amount', 'a top-up is credited with amount_received in its own currency', async () => {
  const world = receiverWorld(new Env());
  await world.deliver(topUpEvent('succeeded', { amount: 5000, amountReceived: 4999, currency: 'eur', customer: 'cus_partial7' }));
  expectSame(world.credits, [{ customerId: 'cus_partial7', amount: 4999, currency: 'eur' }], 'a succeeded top-up was not credited with its amount_received, in its currency, to the customer in metadata.customer_id');
});

bug('credit-uses-requested-amount', 'partly and over-captured top-ups credit what was received, not what was asked for', async () => {
  const cases = [
    { what: 'captured 3000 of 5000', amount: 5000, amountReceived: 3000 },
    { what: 'captured 5500 on 5000 (over-capture)', amount: 5000, amountReceived: 5500 },
    { what: 'captured in full', amount: 5000, amountReceived: 5000 },
  ];
  const seen: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const [index, { what, amount, amountReceived }] of cases.entries()) {
    const world = receiverWorld(new Env());
    const intent = `pi_3Q7capture${index}`;
    await world.deliver(topUpEvent('processing', { intent, amount }));
    await world.deliver(topUpEvent('succeeded', { intent, amount, amountReceived }));
    seen[what] = { credited: world.credits.map((credit) => credit.amount), row: world.topUpTable.peek(intent)?.amountReceived };
    expected[what] = { credited: [amountReceived], row: amountReceived };
  }
  expectSame(seen, expected, 'a succeeded top-up credited the wallet with the amount the payment intent asked for instead of amount_received, the money that actually arrived');
});

// --- guards -------------------------------------------------------------------------------

guard('events delivered in order end in a succeeded, credited top-up', async () => {
  const world = receiverWorld(new Env());
  const statuses: string[] = [];
  for (const kind of ['created', 'processing', 'succeeded'] as const) statuses.push((await world.deliver(topUpEvent(kind))).status);
  expectSame(
    { statuses, status: world.topUpTable.peek('pi_3Q7topup')?.status, credits: world.credits },
    { statuses: ['processed', 'processed', 'processed'], status: 'succeeded', credits: [{ customerId: 'cus_wallet42', amount: 2500, currency: 'usd' }] },
    'created, processing and succeeded delivered in order did not leave one succeeded top-up credited once',
  );
});

guard('succeeded arriving before created still records and credits the top-up', async () => {
  const world = receiverWorld(new Env());
  const result = await world.deliver(topUpEvent('succeeded'));
  expectSame(
    { result: result.status, status: world.topUpTable.peek('pi_3Q7topup')?.status, credits: world.credits.length },
    { result: 'processed', status: 'succeeded', credits: 1 },
    'payment_intent.succeeded arriving before payment_intent.created was not applied',
  );
});

guard('a redelivered event is acknowledged as a duplicate and not credited again', async () => {
  const world = receiverWorld(new Env());
  const event = topUpEvent('succeeded');
  const first = await world.deliver(event, { on: 1 });
  const second = await world.deliver(event, { on: 2 });
  expectSame(
    { statuses: [first.status, second.status], credits: world.credits.length },
    { statuses: ['processed', 'duplicate'], credits: 1 },
    'a redelivery of an already processed event credited the wallet again',
  );
});

guard('events of unhandled types are acknowledged and change nothing', async () => {
  const world = receiverWorld(new Env());
  const event = { ...topUpEvent('succeeded'), id: 'evt_charge_refunded', type: 'charge.refunded' };
  const result = await world.deliver(event);
  expectSame(
    { result, state: world.state(), processed: world.processedEvents.snapshot() },
    { result: { eventId: 'evt_charge_refunded', status: 'ignored' }, state: { top_ups: {}, wallet_credits: [] }, processed: {} },
    'an event type the wallet does not handle was not simply acknowledged',
  );
});

guard('a forged or malformed request is refused and changes nothing', async () => {
  const world = receiverWorld(new Env());
  const event = topUpEvent('succeeded');
  const forged = compact(event);
  await expectRejects(
    world.receiver.handle(forged, signed(forged, undefined, ['whsec_attacker'])),
    'signature_mismatch',
    'a top-up event signed with a secret we do not hold was accepted',
  );
  await expectRejects(world.receiver.handle('{"id": "evt_', signed('{"id": "evt_')), 'payload_invalid', 'a body that is not JSON was not refused as payload_invalid');
  const fractional = compact(topUpEvent('succeeded', { amountReceived: 24.99 }));
  await expectRejects(world.receiver.handle(fractional, signed(fractional)), 'payload_invalid', 'a top-up with a fractional amount_received was accepted');
  expectSame(world.state(), { top_ups: {}, wallet_credits: [] }, 'a refused request still changed top-ups or credited a wallet');
});

guard('a signed body that is not a complete event, or a top-up without what it must carry, is payload_invalid and changes nothing', async () => {
  const world = receiverWorld(new Env());
  const event = topUpEvent('succeeded');
  const intent = event.data.object as unknown as Record<string, unknown>;
  const without = (object: Record<string, unknown>, field: string) => Object.fromEntries(Object.entries(object).filter(([key]) => key !== field));
  const cases: [string, unknown][] = [
    ['the JSON value null', null],
    ['a JSON array', [event]],
    ['an event without an id', without(event as unknown as Record<string, unknown>, 'id')],
    ['an event without a type', without(event as unknown as Record<string, unknown>, 'type')],
    ['an event without created', without(event as unknown as Record<string, unknown>, 'created')],
    ['an event whose created is not whole seconds', { ...event, created: event.created + 0.5 }],
    ['an event without data', without(event as unknown as Record<string, unknown>, 'data')],
    ['an event whose data.object is null', { ...event, data: { object: null } }],
    ['a top-up whose amount is not an integer', { ...event, data: { object: { ...intent, amount: 2500.5 } } }],
    ['a top-up with a negative amount_received', { ...event, data: { object: { ...intent, amount_received: -1 } } }],
    ['a top-up without a currency', { ...event, data: { object: without(intent, 'currency') } }],
    ['a top-up without an id', { ...event, data: { object: without(intent, 'id') } }],
    ['a top-up without metadata.customer_id', { ...event, data: { object: { ...intent, metadata: {} } } }],
  ];
  for (const [what, body] of cases) {
    const raw = compact(body);
    await expectRejects(() => world.receiver.handle(raw, signed(raw)), 'payload_invalid', `${what}, correctly signed, was not refused as payload_invalid`);
  }
  expectSame(world.state(), { top_ups: {}, wallet_credits: [] }, 'a refused request still changed top-ups or credited a wallet');
});
