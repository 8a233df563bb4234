/**
 * The world around a CheckoutSaga in the hidden suites: the fake services of ./fakes, the
 * implementation built over them, and the rules that must hold at every moment.
 *
 * Relays run one per worker process (see the brief): a world builds each relay from its own
 * module instance when asked, so an in-process lock does not serialise them.
 */
import { FakeClock, fail, show, type Env } from 'bugbash/harness';
import { CheckoutSaga } from '@impl/checkout';
import { OutboxRelay } from '@impl/relay';
import { OutboxRelay as OutboxRelayInstance2 } from '@impl/relay?instance=2';
import { OutboxRelay as OutboxRelayInstance3 } from '@impl/relay?instance=3';
import { RemoteError } from '@impl/types';
import type { CheckoutDeps, CheckoutResult, Order, OutboxEvent } from '@impl/types';
import { FakeBus, FakeInventory, FakeOutbox, FakePayments, FakeShipping, FlakySagaStore, type RemoteErrorClass } from './fakes';

export {
  DECLINED_CARD,
  FakeBus,
  FakeOutbox,
  MINUTE,
  SECOND,
  UNDELIVERABLE,
  type Fault,
} from './fakes';

export interface Saga {
  checkout(order: Order): Promise<CheckoutResult>;
}
export interface Relay {
  flush(): Promise<number>;
}
export type SagaClass = new (deps: CheckoutDeps) => Saga;
export type RelayClass = new (outbox: FakeOutbox, bus: FakeBus, clock: FakeClock, relayId: string) => Relay;

/** When every world's clock starts. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

/** The learner's relay, one module instance per worker process. */
const RELAY_PROCESSES = [OutboxRelay, OutboxRelayInstance2, OutboxRelayInstance3] as unknown as RelayClass[];

/**
 * What must hold at every moment of the outbox and the bus: no event is published twice, and
 * a row marked sent is never put back (which would publish it again).
 */
export function outboxRules(env: Env, outbox: FakeOutbox, bus: FakeBus): void {
  env.invariant('every event reaches the bus at most once', () => {
    const twice = Object.entries(bus.deliveries()).filter(([, n]) => n > 1);
    return twice.length === 0 || `published more than once: ${twice.map(([id, n]) => `${id} ×${n}`).join(', ')}`;
  });
  const sent = new Set<string>();
  env.invariant('an outbox row marked sent stays sent', () => {
    const rows = outbox.snapshot();
    const reopened = [...sent].filter((id) => rows[id]?.status !== 'sent');
    for (const [id, row] of Object.entries(rows)) if (row.status === 'sent') sent.add(id);
    return reopened.length === 0 || `${reopened.join(', ')} went back to ${reopened.map((id) => rows[id]?.status ?? 'missing').join(', ')}`;
  });
}

/**
 * Relays alone over an outbox: `relay(n)` is relay n, in worker process n (its own module
 * instance), tracked by the explorer.
 */
export function relays(env: Env, initial: Record<string, OutboxEvent> = {}, clock = new FakeClock(T0)) {
  const outbox = new FakeOutbox(env, initial);
  const bus = new FakeBus(env, RemoteError as unknown as RemoteErrorClass);
  outboxRules(env, outbox, bus);
  return {
    clock,
    outbox,
    bus,
    relay: (n: 1 | 2 | 3, relayId = `relay-${n}`) => env.track(new RELAY_PROCESSES[n - 1]!(outbox, bus, clock, relayId)),
  };
}

export interface WorldOptions {
  /** Units on the shelf by sku. Default: 10 mugs, 5 tees. */
  stock?: Record<string, number>;
  /** Which implementation to build: the learner's by default. */
  impl?: { Saga: SagaClass; Relay: RelayClass; RemoteError: RemoteErrorClass };
}

export const STOCK = { 'sku-mug': 10, 'sku-tee': 5 };

export function world(env: Env, options: WorldOptions = {}) {
  const impl = options.impl ?? {
    Saga: CheckoutSaga as unknown as SagaClass,
    Relay: OutboxRelay as unknown as RelayClass,
    RemoteError: RemoteError as unknown as RemoteErrorClass,
  };
  const clock = new FakeClock();
  const sleeps: number[] = [];
  const payments = new FakePayments(env, impl.RemoteError);
  const inventory = new FakeInventory(env, impl.RemoteError, options.stock ?? STOCK);
  const shipping = new FakeShipping(env, impl.RemoteError);
  const bus = new FakeBus(env, impl.RemoteError);
  const sagas = new FlakySagaStore(env);
  const outbox = new FakeOutbox(env);
  // Moving the clock is seen by every operation that reads it: the step touches everything.
  const sleep = (ms: number) =>
    env.step(`sleep ${ms} ms`, () => {
      sleeps.push(ms);
      clock.advance(ms);
    });
  const deps = { payments, inventory, shipping, sagas, outbox, clock, sleep } as unknown as CheckoutDeps;
  const saga = env.track(new impl.Saga(deps));
  outboxRules(env, outbox, bus);
  const relayClasses = options.impl ? [impl.Relay, impl.Relay, impl.Relay] : RELAY_PROCESSES;
  return {
    env,
    clock,
    sleeps,
    payments,
    inventory,
    shipping,
    bus,
    sagas,
    outbox,
    saga,
    /** A relay in worker process `n` (its own module instance). */
    relay: (relayId = 'relay-1', n: 1 | 2 | 3 = 1) => env.track(new relayClasses[n - 1]!(outbox, bus, clock, relayId)),
    /** Where the money, stock and parcels stand: what a diff shows the learner. */
    state: () => ({
      cardCharged: payments.charged(),
      refunded: payments.refunded(),
      stock: inventory.available(),
      shipments: shipping.shipments.length,
    }),
    /** Event types in the outbox for an order, sorted. */
    eventsFor: (orderId: string) =>
      Object.values(outbox.snapshot())
        .filter((event) => event.orderId === orderId)
        .map((event) => event.type)
        .sort(),
  };
}

export type World = ReturnType<typeof world>;

/** A valid order: two mugs for $49.99. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: 'order-1001',
    amount: 4_999,
    currency: 'usd',
    paymentMethod: 'pm_card_visa',
    items: [{ sku: 'sku-mug', quantity: 2 }],
    shippingAddress: '1 Market St, San Francisco, CA',
    ...overrides,
  };
}

/** An outbox row waiting to be published. */
export function pendingEvent(orderId: string, type: OutboxEvent['type'], createdAt: number, extra: Partial<OutboxEvent> = {}): OutboxEvent {
  // Status first, so a row stays readable when a trace cuts it short.
  return { id: `${orderId}:${type}`, status: 'pending', attempts: 0, type, orderId, createdAt, payload: { orderId }, ...extra };
}

/** How a checkout ended and where money, stock and parcels stand, without undefined fields. */
export function outcomeOf(w: World, result: CheckoutResult) {
  return { result: result.status, ...(result.failureCode ? { failureCode: result.failureCode } : {}), ...w.state() };
}

/** Like expectSame, but also shows the learner every downstream call the checkout made. */
export function expectWorld(w: World, actual: unknown, expected: unknown, symptom: string): void {
  if (show(actual) !== show(expected)) fail(symptom, { expected, actual, interleaving: w.env.trace });
}
