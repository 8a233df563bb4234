import { Env, bug, expectResolves, expectSame, explore, outcome } from 'bugbash/harness';
import { MINUTE, SECOND, T0, anOrder, expectWorld, pendingEvent, relays, world } from './world';

// --- A resumed saga does not queue an event again ---------------------------------------------

bug('event-requeued-on-resume', 'resuming after a crash that followed the charge publishes order.paid once', async () => {
  const w = world(new Env());
  const order = anOrder();
  const relay = w.relay();
  w.sagas.failWrite((record) => record.completed.includes('charge'));
  await outcome(w.saga.checkout(order));
  await relay.flush();
  w.clock.advance(MINUTE);
  await expectResolves(w.saga.checkout(order), 'resuming the checkout failed');
  await relay.flush();
  expectWorld(
    w,
    w.bus.deliveries(),
    { 'order-1001:order.paid': 1, 'order-1001:order.shipped': 1 },
    'a checkout crashed after the charge and was resumed; the resumed run queued order.paid again after the relay had published it, so subscribers received it twice',
  );
});

bug('event-requeued-on-resume', 'resuming after a crash that followed the shipment publishes order.shipped once', async () => {
  const w = world(new Env());
  const order = anOrder();
  const relay = w.relay();
  w.sagas.failWrite((record) => record.completed.includes('ship'));
  await outcome(w.saga.checkout(order));
  await relay.flush();
  w.clock.advance(MINUTE);
  await expectResolves(w.saga.checkout(order), 'resuming the checkout failed');
  await relay.flush();
  expectWorld(
    w,
    w.bus.deliveries(),
    { 'order-1001:order.paid': 1, 'order-1001:order.shipped': 1 },
    'a checkout crashed after booking the shipment and was resumed; order.shipped was queued and published a second time',
  );
});

bug('event-requeued-on-resume', 'a relay flushing while a crashed checkout is resumed still publishes order.paid once', async () => {
  // Both start at once: the relay's first store call still lands before, between or after
  // every step of the resumed run.
  await explore({ arrivals: 'now' }, async (env) => {
    const w = world(env);
    const order = anOrder();
    const relay = w.relay();
    // The worker charged the card and queued order.paid, then died before recording the step;
    // the resumed run replays the charge, queues order.paid again while the relay works on it,
    // and dies at the same point.
    w.sagas.failWrite((record) => record.completed.includes('charge'));
    w.sagas.failWrite((record) => record.completed.includes('charge'));
    await env.outcomes([env.run('checkout', () => w.saga.checkout(order), { arrival: 'now' })]);
    await env.outcomes<unknown>([env.run('resumed checkout', () => w.saga.checkout(order)), env.run('relay flush', () => relay.flush())]);
    await env.outcomes([env.run('relay flush again', () => relay.flush(), { arrival: 'now' })]);
    expectSame(
      w.bus.deliveries(),
      { 'order-1001:order.paid': 1 },
      'while the relay was publishing, a resumed checkout queued order.paid again, so subscribers received it twice',
    );
  });
}, { timeout: 20_000 });

// --- Relays in separate workers never publish the same event twice -------------------------------

bug('relay-double-publish', 'two relays flushing at once publish the event exactly once', async () => {
  await explore({}, async (env) => {
    const { outbox, bus, relay } = relays(env, { 'order-1001:order.paid': pendingEvent('order-1001', 'order.paid', T0) });
    const a = relay(1);
    const b = relay(2);
    await env.outcomes([env.run('relay 1 flush', () => a.flush()), env.run('relay 2 flush', () => b.flush())]);
    expectSame(
      { deliveries: bus.deliveries(), outbox: outbox.statuses() },
      { deliveries: { 'order-1001:order.paid': 1 }, outbox: { 'order-1001:order.paid': 'sent' } },
      'two relays (in two workers) flushed the outbox at the same time and both published order.paid: subscribers received it twice',
    );
  });
}, { timeout: 20_000 });

bug('relay-double-publish', 'a stale claim left by a dead relay is taken over by one relay only', async () => {
  await explore({}, async (env) => {
    const { clock, outbox, bus, relay } = relays(env, {
      'order-8:order.shipped': pendingEvent('order-8', 'order.shipped', T0 - SECOND, { status: 'publishing', claimedBy: 'relay-dead', claimedAt: T0 }),
    });
    clock.advance(2 * MINUTE);
    const a = relay(1);
    const b = relay(2);
    await env.outcomes([env.run('relay 1 flush', () => a.flush()), env.run('relay 2 flush', () => b.flush())]);
    expectSame(
      { deliveries: bus.deliveries(), outbox: outbox.statuses() },
      { deliveries: { 'order-8:order.shipped': 1 }, outbox: { 'order-8:order.shipped': 'sent' } },
      'a relay died holding a claim; once the claim was stale, two relays both took the event over and published it twice',
    );
  });
}, { timeout: 20_000 });

bug('relay-double-publish', 'an event the bus refused once is published exactly once by relays flushing side by side', async () => {
  await explore({}, async (env) => {
    const { outbox, bus, relay } = relays(env, { 'order-7:order.paid': pendingEvent('order-7', 'order.paid', T0) });
    bus.fail('unavailable');
    const a = relay(1);
    const b = relay(2);
    // Relay 1's publish is refused while relay 2 flushes from its own (possibly stale) list.
    await env.outcomes([env.run('relay 1 flush', () => a.flush().catch(() => 0)), env.run('relay 2 flush', () => b.flush().catch(() => 0))]);
    await env.outcomes([env.run('relay 1 flush again', () => a.flush(), { arrival: 'now' })]);
    expectSame(
      { deliveries: bus.deliveries(), outbox: outbox.statuses() },
      { deliveries: { 'order-7:order.paid': 1 }, outbox: { 'order-7:order.paid': 'sent' } },
      'the bus refused an event once; relays flushing side by side then lost it or published it twice',
    );
  });
}, { timeout: 20_000 });
