/**
 * The world around PaymentIntents in the hidden suites: the intents table (FakeStore), a
 * card network that refuses what a real acquirer refuses and records every hold, capture and
 * release, a hand-moved clock and sequential ids, so that the reference and the learner's
 * code see identical inputs. The brief says one PaymentIntents object serves every request,
 * so a world builds one instance (tracked, so the explorer sees its in-process state).
 */
import { Env, FakeClock, FakeStore } from 'bugbash/harness';
import { PaymentIntents } from '@impl/processor';
import { PaymentIntents as RefPaymentIntents } from '@reference/processor';
import type { PaymentIntent } from '@impl/types';
import { captured, describeRefusal, FakeCardNetwork, SequentialIds, VISA, type Hold } from './fakes';

export { DECLINED, DECLINED_INSUFFICIENT_FUNDS, MASTERCARD, VISA, stillHeld, captured, type Hold } from './fakes';

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
/** The brief's authorization window: from created + 7 days exactly, nothing can be captured. */
export const AUTHORIZATION_WINDOW = 7 * DAY;

/** An intent that was confirmed with a Visa card and is awaiting capture, plus its hold. */
export function authorized(id: string, amount: number, created = T0): { intent: PaymentIntent; hold: Hold } {
  const authorizationId = `auth_${id}`;
  return {
    intent: {
      id,
      amount,
      currency: 'usd',
      status: 'requires_capture',
      capture_method: 'manual',
      payment_method: VISA,
      amount_capturable: amount,
      amount_received: 0,
      authorization_id: authorizationId,
      last_payment_error: null,
      cancellation_reason: null,
      canceled_at: null,
      created,
    },
    hold: { authorization_id: authorizationId, payment_method: VISA, amount, currency: 'usd', reference: id, captures: [], captured_at: [], released: false },
  };
}

export interface World {
  env: Env;
  clock: FakeClock;
  store: FakeStore<PaymentIntent>;
  network: FakeCardNetwork;
  intents: PaymentIntents;
}

/**
 * A fresh world for the learner's code (or the reference), optionally holding authorized
 * intents. Its invariants hold at every moment and are checked after every write.
 */
export function world(env: Env = new Env(), seeded: { intent: PaymentIntent; hold: Hold }[] = [], side: 'yours' | 'reference' = 'yours'): World {
  const clock = new FakeClock(T0);
  const store = new FakeStore<PaymentIntent>(env, 'intents', Object.fromEntries(seeded.map(({ intent }) => [intent.id, intent])));
  const network = new FakeCardNetwork(
    env,
    () => clock.now(),
    seeded.map(({ hold }) => hold),
  );
  const Impl = side === 'reference' ? (RefPaymentIntents as unknown as typeof PaymentIntents) : PaymentIntents;
  const intents = env.track(new Impl(store, network, clock, new SequentialIds()));

  env.invariant('the card network never turns down a call of ours', () => {
    const refusal = network.refusals[0];
    return refusal ? `it refused ${describeRefusal(refusal)}` : true;
  });
  env.invariant('a customer is never charged on a payment intent that is canceled', () => {
    for (const intent of store.values()) {
      if (intent.status !== 'canceled') continue;
      const charged = network.holdsFor(intent.id).filter((hold) => captured(hold) > 0);
      if (charged.length > 0) return `${intent.id} is canceled, yet ${charged.map((h) => `${captured(h)} was collected on ${h.authorization_id}`).join(' and ')}`;
    }
    return true;
  });
  env.invariant('a payment intent places at most one hold on the card', () => {
    const byIntent = new Map<string, string[]>();
    for (const hold of network.holds.values()) byIntent.set(hold.reference, [...(byIntent.get(hold.reference) ?? []), hold.authorization_id]);
    for (const [intent, holds] of byIntent) if (holds.length > 1) return `${intent} holds ${holds.join(' and ')} on the customer's card`;
    return true;
  });
  env.invariant('nothing is collected on an authorization 7 days or more after its intent was created', () => {
    for (const hold of network.holds.values()) {
      const created = store.peek(hold.reference)?.created;
      if (created === undefined) continue;
      const late = hold.captured_at.find((at) => at - created >= AUTHORIZATION_WINDOW);
      if (late !== undefined) return `${hold.authorization_id} was captured ${describeAge(late - created)} after ${hold.reference} was created`;
    }
    return true;
  });

  return { env, clock, store, network, intents };
}

function describeAge(ms: number): string {
  const days = Math.floor(ms / DAY);
  const rest = ms - days * DAY;
  return rest === 0 ? `${days} days` : `${days} days and ${rest} ms`;
}

/** Creates an intent for `amount` usd and confirms it with an approved card. */
export async function authorizedThroughApi(w: World, amount = 1000): Promise<PaymentIntent> {
  const created = await w.intents.create({ amount, currency: 'usd', payment_method: VISA });
  return w.intents.confirm(created.id);
}
