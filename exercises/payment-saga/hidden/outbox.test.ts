import { Env, FakeClock, bug, expectResolves, expectSame, explore, outcome } from 'bugbash/harness';
import { OutboxRelay } from '@impl/relay';
import { RemoteError } from '@impl/types';
import { FakeBus, FakeOutbox, MINUTE, anOrder, expectWorld, pendingEvent, world } from './world';

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

bug('event-requeued-on-resume', 'a relay flushing while a crashed checkout is resumed still publishes each event once', async () => {
  await explore({ seed: 909, runs: 60 }, async (env) => {
    const w = world(env);
    const order = anOrder();
    const relay = w.relay();
    w.sagas.failWrite((record) => record.completed.includes('charge'));
    await env.outcomes([env.run('checkout', () => w.saga.checkout(order))]);
    await env.outcomes<unknown>([env.run('resumed checkout', () => w.saga.checkout(order)), env.run('relay flush', () => relay.flush())]);
    await env.outcomes([env.run('relay flush again', () => relay.flush())]);
    expectSame(
      w.bus.deliveries(),
      { 'order-1001:order.paid': 1, 'order-1001:order.shipped': 1 },
      'while the relay was publishing, a resumed checkout queued order.paid again, so subscribers received it twice',
    );
  });
}, { timeout: 5_000 });

// --- Two relays never publish the same event ----------------------------------------------------

bug('relay-double-publish', 'two relays flushing at once publish the event exactly once', async () => {
  await explore({ seed: 707, runs: 100 }, async (env) => {
    const clock = new FakeClock();
    const outbox = new FakeOutbox(env, { 'order-1001:order.paid': pendingEvent('order-1001', 'order.paid', clock.now()) });
    const bus = new FakeBus(env, RemoteError);
    const a = new OutboxRelay(outbox, bus, clock, 'relay-a');
    const b = new OutboxRelay(outbox, bus, clock, 'relay-b');
    await env.outcomes([env.run('relay A flush', () => a.flush()), env.run('relay B flush', () => b.flush())]);
    expectSame(
      { deliveries: bus.deliveries(), outbox: outbox.statuses() },
      { deliveries: { 'order-1001:order.paid': 1 }, outbox: { 'order-1001:order.paid': 'sent' } },
      'two relays flushed the outbox at the same time and both published order.paid: subscribers received it twice',
    );
  });
}, { timeout: 5_000 });

bug('relay-double-publish', 'two busy relays over several orders publish every event exactly once', async () => {
  await explore({ seed: 708, runs: 60 }, async (env) => {
    const clock = new FakeClock();
    const t = clock.now();
    const outbox = new FakeOutbox(env, {
      'order-1:order.paid': pendingEvent('order-1', 'order.paid', t),
      'order-1:order.shipped': pendingEvent('order-1', 'order.shipped', t + 1),
      'order-2:order.failed': pendingEvent('order-2', 'order.failed', t + 2),
    });
    const bus = new FakeBus(env, RemoteError);
    const a = new OutboxRelay(outbox, bus, clock, 'relay-a');
    const b = new OutboxRelay(outbox, bus, clock, 'relay-b');
    await env.outcomes([
      env.run('relay A', async () => (await a.flush()) + (await a.flush())),
      env.run('relay B', () => b.flush()),
    ]);
    expectSame(
      { deliveries: bus.deliveries(), outbox: outbox.statuses() },
      {
        deliveries: { 'order-1:order.paid': 1, 'order-1:order.shipped': 1, 'order-2:order.failed': 1 },
        outbox: { 'order-1:order.paid': 'sent', 'order-1:order.shipped': 'sent', 'order-2:order.failed': 'sent' },
      },
      'two relays running side by side published some events more than once: subscribers received duplicates',
    );
  });
}, { timeout: 5_000 });
