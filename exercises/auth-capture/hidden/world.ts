/**
 * The world around PaymentIntents in the hidden suites: the intents table (FakeStore), a
 * card network that records every hold, capture and release, a hand-moved clock and
 * sequential ids, so that the reference and the learner's code see identical inputs.
 */
import { Env, FakeClock, FakeStore } from 'bugbash/harness';
import { PaymentIntents } from '@impl/processor';
import { PaymentIntents as RefPaymentIntents } from '@reference/processor';
import type { AuthorizationRequest, AuthorizationResult, CardNetwork, IdGenerator, PaymentIntent } from '@impl/types';

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;

/** Stripe-style test payment methods: these two are approved, the declined ones are not. */
export const VISA = 'pm_card_visa';
export const MASTERCARD = 'pm_card_mastercard';
export const DECLINED = 'pm_card_chargeDeclined';
export const DECLINED_INSUFFICIENT_FUNDS = 'pm_card_chargeDeclinedInsufficientFunds';

/** One hold on a customer's card, as the card network sees it. */
export interface Hold {
  authorization_id: string;
  payment_method: string;
  amount: number;
  currency: string;
  /** Amount of every capture call, in order. */
  captures: number[];
  /** How many times release was called. */
  releases: number;
}

/**
 * Accepts every call and records it, so a test can see what money actually moved:
 * a real network might refuse some calls, which would hide the bookkeeping problem.
 */
export class FakeCardNetwork implements CardNetwork {
  readonly holds = new Map<string, Hold>();
  private issued = 0;

  constructor(
    private readonly env: Env,
    seeded: Hold[] = [],
  ) {
    for (const hold of seeded) this.holds.set(hold.authorization_id, structuredClone(hold));
  }

  authorize(request: AuthorizationRequest): Promise<AuthorizationResult> {
    return this.env.step(`network.authorize(${request.amount} ${request.currency} on ${request.payment_method})`, (): AuthorizationResult => {
      if (request.payment_method === DECLINED) return { outcome: 'declined', decline_code: 'generic_decline' };
      if (request.payment_method === DECLINED_INSUFFICIENT_FUNDS) return { outcome: 'declined', decline_code: 'insufficient_funds' };
      this.issued += 1;
      const id = `auth_${this.issued}`;
      this.holds.set(id, {
        authorization_id: id,
        payment_method: request.payment_method,
        amount: request.amount,
        currency: request.currency,
        captures: [],
        releases: 0,
      });
      return { outcome: 'approved', authorization_id: id };
    });
  }

  capture(authorizationId: string, amount: number): Promise<void> {
    return this.env.step(`network.capture(${authorizationId}, ${amount})`, () => {
      this.hold(authorizationId).captures.push(amount);
    });
  }

  release(authorizationId: string): Promise<void> {
    return this.env.step(`network.release(${authorizationId})`, () => {
      this.hold(authorizationId).releases += 1;
    });
  }

  private hold(authorizationId: string): Hold {
    const hold = this.holds.get(authorizationId);
    if (!hold) throw new Error(`the card network has no authorization ${authorizationId}`);
    return hold;
  }

  /** Total collected from the customer over all holds. */
  totalCaptured(): number {
    return [...this.holds.values()].reduce((sum, hold) => sum + hold.captures.reduce((a, b) => a + b, 0), 0);
  }

  /** What each hold looks like from the customer's bank statement. */
  summary(): Record<string, { amount: number; captured: number[]; still_held: number }> {
    const out: Record<string, { amount: number; captured: number[]; still_held: number }> = {};
    for (const [id, hold] of this.holds) out[id] = { amount: hold.amount, captured: hold.captures, still_held: stillHeld(hold) };
    return out;
  }
}

/** What the hold still blocks on the card: nothing once released, else the uncaptured part until a capture (which is final). */
export function stillHeld(hold: Hold): number {
  if (hold.releases > 0) return 0;
  if (hold.captures.length > 0) return hold.amount - hold.captures.reduce((a, b) => a + b, 0);
  return hold.amount;
}

export class SequentialIds implements IdGenerator {
  private issued = 0;

  next(prefix: string): string {
    this.issued += 1;
    return `${prefix}_${String(this.issued).padStart(4, '0')}`;
  }
}

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
    hold: { authorization_id: authorizationId, payment_method: VISA, amount, currency: 'usd', captures: [], releases: 0 },
  };
}

export interface World {
  env: Env;
  clock: FakeClock;
  store: FakeStore<PaymentIntent>;
  network: FakeCardNetwork;
  intents: PaymentIntents;
}

/** A fresh world for the learner's code (or the reference), optionally holding authorized intents. */
export function world(env: Env = new Env(), seeded: { intent: PaymentIntent; hold: Hold }[] = [], side: 'yours' | 'reference' = 'yours'): World {
  const clock = new FakeClock(T0);
  const store = new FakeStore<PaymentIntent>(env, 'intents', Object.fromEntries(seeded.map(({ intent }) => [intent.id, intent])));
  const network = new FakeCardNetwork(
    env,
    seeded.map(({ hold }) => hold),
  );
  const Impl = side === 'reference' ? (RefPaymentIntents as unknown as typeof PaymentIntents) : PaymentIntents;
  return { env, clock, store, network, intents: new Impl(store, network, clock, new SequentialIds()) };
}

/** Creates an intent for `amount` usd and confirms it with an approved card. */
export async function authorizedThroughApi(w: World, amount = 1000): Promise<PaymentIntent> {
  const created = await w.intents.create({ amount, currency: 'usd', payment_method: VISA });
  return w.intents.confirm(created.id);
}
