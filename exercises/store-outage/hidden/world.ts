/**
 * The world around the payment service in the hidden suites: the payments table as a fake
 * store whose calls can be made to fail one by one, the fake card network of ./fakes, a clock
 * the test moves by hand (sleeps move it too) and two instances of the service over the same
 * table and network (the brief says several instances run).
 */
import { FakeClock, FakeStore, markWorld, type Env } from 'bugbash/harness';
import { PaymentService } from '@impl/payments';
// A separate copy of the module, with its own module-level state, as a second process has.
import { PaymentService as SecondInstance } from '@impl/payments?instance=2';
import type { ChargeRequest, Payment, ServiceDependencies } from '@impl/types';
import { FakeCardNetwork, FlakyTable, VISA } from './fakes';

export { DECLINED_CARD, INSUFFICIENT_FUNDS_CARD, VISA, type NetworkFault } from './fakes';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface Service {
  charge(request: ChargeRequest): Promise<Payment>;
  reconcile(orderId: string): Promise<Payment>;
  refund(orderId: string, refundId: string, amount: number): Promise<Payment>;
}
type ServiceClass = new (deps: ServiceDependencies) => Service;

export interface WorldOptions {
  /** Payments already on file, by order id. */
  payments?: Record<string, Payment>;
  /**
   * Check "an order is charged at most once" at every network call (default true). Off in
   * tests of other bugs whose scenarios lose replies, so a retry under a new key is blamed on
   * its own tests only.
   */
  oneChargePerOrder?: boolean;
}

export function world(env: Env, options: WorldOptions = {}) {
  const store = new FakeStore<Payment>(env, 'payments', options.payments ?? {});
  const payments = new FlakyTable<Payment>(store);
  const clock = new FakeClock(T0);
  const network = new FakeCardNetwork(env, clock);
  const sleeps: number[] = [];
  // A wait is two round trips of the event loop: the clock moves at the end of it, so a call
  // that does not wait for the sleep goes out before the time has passed. Time passes for
  // everyone: the second step touches everything.
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    await env.step(`sleep ${ms} ms`, () => undefined, []);
    await env.step(`${ms} ms later`, () => clock.advance(ms));
  };
  const deps = markWorld({ payments, network, clock, sleep }) as unknown as ServiceDependencies;
  const instances = [env.track(new (PaymentService as unknown as ServiceClass)(deps)), env.track(new (SecondInstance as unknown as ServiceClass)(deps))];

  // Rules about every moment, checked after every write of every test.
  env.invariant('money was taken for an order whose payment is recorded as failed', () => {
    const wrong = store.values().filter((p) => p.status === 'failed' && network.chargesFor(p.orderId).length > 0);
    return wrong.length === 0 || wrong.map((p) => `${p.orderId} is failed (${p.declineCode}) but the card was charged`).join(', ');
  });
  env.invariant('money moved at the card network without a payment on file for the order', () => {
    const orphans = network.charges().filter((c) => !store.peek(c.reference));
    return orphans.length === 0 || orphans.map((c) => `${c.chargeId} for ${c.reference}`).join(', ');
  });
  if (options.oneChargePerOrder ?? true) {
    env.invariant("an order's card was charged more than once", () => {
      const counts = new Map<string, number>();
      for (const c of network.charges()) counts.set(c.reference, (counts.get(c.reference) ?? 0) + 1);
      const twice = [...counts].filter(([, n]) => n > 1);
      return twice.length === 0 || twice.map(([ref, n]) => `${ref} charged ${n} times`).join(', ');
    });
  }
  env.invariant('the card network refunded more than the payment records as refunded or being refunded', () => {
    const wrong = network.charges().flatMap((c) => {
      const payment = store.peek(c.reference);
      const recorded = payment ? Object.values(payment.refunds).reduce((sum, r) => sum + r.amount, 0) : 0;
      return c.refunded > recorded ? [`${c.reference}: network refunded ${c.refunded}, payment records ${recorded}`] : [];
    });
    return wrong.length === 0 || wrong.join(', ');
  });
  env.invariant("a payment's refunds exceed it, or its amountRefunded disagrees with its confirmed refunds", () => {
    const wrong = store.values().filter((p) => {
      const all = Object.values(p.refunds).reduce((sum, r) => sum + r.amount, 0);
      const confirmed = Object.values(p.refunds).filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
      return all > p.amount || confirmed !== p.amountRefunded;
    });
    return wrong.length === 0 || wrong.map((p) => `${p.orderId}: amount ${p.amount}, refunds ${JSON.stringify(p.refunds)}, amountRefunded ${p.amountRefunded}`).join(', ');
  });

  return {
    env,
    store,
    payments,
    network,
    clock,
    sleeps,
    service: instances[0]!,
    instance: (n: number) => instances[n % instances.length]!,
    payment: (orderId = ORDER) => store.peek(orderId),
    /** How an order stands, for diffs: our record and what the card network did. */
    state: (orderId = ORDER) => {
      const payment = store.peek(orderId);
      return {
        status: payment?.status ?? 'no payment on file',
        cardCharged: network.chargesFor(orderId).length,
        netCharged: network.netChargedFor(orderId),
        amountRefunded: payment?.amountRefunded ?? 0,
      };
    },
  };
}

export type World = ReturnType<typeof world>;

export const ORDER = 'order_1001';

export function chargeRequest(extra: Partial<ChargeRequest> = {}): ChargeRequest {
  return { orderId: ORDER, amount: 4_999, currency: 'usd', card: VISA, ...extra };
}

/** A payment on file: succeeded and charged at the network unless said otherwise. */
export function paymentOnFile(w: World | undefined, extra: Partial<Payment> = {}): Payment {
  const payment: Payment = {
    id: 'pay_existing',
    orderId: ORDER,
    amount: 10_000,
    currency: 'usd',
    card: VISA,
    status: 'succeeded',
    declineCode: null,
    networkChargeId: 'ch_existing',
    amountRefunded: 0,
    refunds: {},
    createdAt: T0 - 5 * MINUTE,
    ...extra,
  };
  return payment;
}

/** What a payment says, without generated ids or times. */
export function summary(payment: Payment) {
  return {
    status: payment.status,
    declineCode: payment.declineCode,
    amount: payment.amount,
    currency: payment.currency,
    amountRefunded: payment.amountRefunded,
  };
}

/** Puts the network's side of a payment on file: the charge (or decline) its key already got. */
export function seedNetwork(w: World, payment: Payment, answer: 'approved' | 'declined' = 'approved'): void {
  w.network.seed(
    payment.id,
    { reference: payment.orderId, amount: payment.amount, currency: payment.currency, card: payment.card },
    answer === 'approved' ? { status: 'approved', chargeId: payment.networkChargeId ?? `ch_${payment.id.replace(/^pay_/, '')}` } : { status: 'declined', declineCode: 'card_declined' },
    payment.amountRefunded,
  );
}
