import { Env, bug, compareWithReference, expectRejects, expectSame, expectThat, explore, fc, guard, outcome, type Outcome } from 'bugbash/harness';
import { WebhookDispatcher } from '@impl/dispatcher';
import type { WebhookEvent } from '@impl/types';
import { SECRET, compact, endpointFor, receiverWorld, signed, topUpEvent, type Side } from './world';

/** Many interleavings or command sequences: more time before "never finished" on a busy machine. */
const SLOW = { timeout: 5_000 };

function describeOutcome(result: Outcome<{ status: string }>) {
  return result.ok ? result.value.status : { error: result.code };
}

// --- reserialised-body --------------------------------------------------------------------

bug('reserialised-body', 'a pretty-printed body, as Stripe sends it, verifies against its signature', async () => {
  const world = receiverWorld(new Env());
  const event = topUpEvent('succeeded');
  const body = JSON.stringify(event, null, 2);
  const result = await outcome(world.receiver.handle(body, signed(body)));
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

// --- duplicate-delivery-race --------------------------------------------------------------

bug('duplicate-delivery-race', 'two simultaneous deliveries of one event credit the wallet once', async () => {
  await explore({ seed: 11, runs: 30 }, async (env) => {
    const world = receiverWorld(env);
    const event = topUpEvent('succeeded');
    const results = await env.outcomes([
      env.run('delivery', () => world.deliver(event)),
      env.run('redelivery', () => world.deliver(event)),
    ]);
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'failed')).sort();
    expectSame(
      { credits: world.credits.length, statuses },
      { credits: 1, statuses: ['duplicate', 'processed'] },
      'the same event delivered twice at the same moment (Stripe delivers at least once) credited the wallet twice',
    );
  });
}, SLOW);

bug('duplicate-delivery-race', 'three overlapping redeliveries apply the event exactly once', async () => {
  await explore({ seed: 23, runs: 25 }, async (env) => {
    const world = receiverWorld(env);
    const event = topUpEvent('succeeded', { amount: 10_000 });
    await env.outcomes([
      env.run('delivery 1', () => world.deliver(event)),
      env.run('delivery 2', () => world.deliver(event)),
      env.run('delivery 3', () => world.deliver(event)),
    ]);
    const credited = world.credits.reduce((sum, credit) => sum + credit.amount, 0);
    expectThat(credited === 10_000, 'overlapping redeliveries of one $100.00 top-up credited the wallet more than $100.00', {
      expected: { credited: 10_000 },
      actual: { credited, credits: world.credits.length },
    });
    expectSame(world.processedEvents.peek(event.id)?.status, 'processed', 'after overlapping redeliveries the event is not recorded as processed');
  });
}, SLOW);

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
  const world = receiverWorld(new Env());
  await world.deliver(topUpEvent('succeeded'));
  const late = await outcome(world.deliver(topUpEvent('created')));
  const row = world.topUpTable.peek('pi_3Q7topup');
  expectSame(
    { result: describeOutcome(late), status: row?.status, amountReceived: row?.amountReceived, credits: world.credits.length },
    { result: 'stale', status: 'succeeded', amountReceived: 2500, credits: 1 },
    'payment_intent.created was delivered after payment_intent.succeeded and reset the paid top-up to requires_payment_method',
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
    symptom: 'after top-up events were delivered out of order, the top-ups or wallet credits differ from the reference',
    commands: fc.array(fc.integer({ min: 0, max: catalogue.length - 1 }), { minLength: 2, maxLength: 6 }),
    create: (side: Side, env) => receiverWorld(env, { side }),
    apply: async (world, index) => (await world.deliver(catalogue[index])).status,
    state: (world) => world.state(),
    describe: (index) => `deliver ${catalogue[index].type} ${catalogue[index].id} (created ${catalogue[index].created})`,
    seed: 7,
    runs: 40,
  });
}, SLOW);

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
  const first = await world.deliver(event);
  const second = await world.deliver(event);
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
