/**
 * The world around the payment service in the hidden suites: its three tables as fake stores
 * on the test's Env, a clock the test moves by hand, and two instances of the service over
 * the same tables (the brief says several instances run behind a load balancer, so a retry
 * may reach another instance than the first request).
 */
import { FakeClock, FakeStore, type Env } from 'bugbash/harness';
import { PaymentProcessor } from '@impl/processor';
// A separate copy of the module, with its own module-level state, as a second process has.
import { PaymentProcessor as SecondInstance } from '@impl/processor?instance=2';
import type { Card, Charge, ChargeRequest, IdempotencyRecord, ProcessorDependencies } from '@impl/types';
import { balancesInWholeCents, declinesNeverRefunded, moneyAddsUp, noCardBelowZero, refundsWithinCharge } from './rules';

export const CARD = 'card_1';
export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface Processor {
  charge(request: ChargeRequest): Promise<Charge>;
  refund(chargeId: string, amount?: number): Promise<unknown>;
}

export type ProcessorClass = new (deps: ProcessorDependencies) => Processor;

export interface WorldOptions {
  /** Card balances in cents, by card id (all usd). Default: card_1 with 10,000. */
  balances?: Record<string, number>;
  /** Charges already on file, by id. */
  charges?: Record<string, Charge>;
  /** Saved idempotency records already on file, by key. */
  idempotencyKeys?: Record<string, IdempotencyRecord>;
  /**
   * Check "a card's balance never goes below zero" at every write (default true). Off only in
   * tests of other bugs that create a decline on the way, so a debit that dips below zero is
   * blamed on the overdraw bug's own tests.
   */
  overdraftInvariant?: boolean;
  /** Which implementation to build (both instances): the learner's by default. */
  impl?: ProcessorClass;
}

export function world(env: Env, options: WorldOptions = {}) {
  const balances = options.balances ?? { [CARD]: 10_000 };
  const initialCharges = options.charges ?? {};
  const cards = new FakeStore<Card>(
    env,
    'cards',
    Object.fromEntries(Object.entries(balances).map(([cardId, balance]) => [cardId, { cardId, currency: 'usd', balance }])),
  );
  const charges = new FakeStore<Charge>(env, 'charges', initialCharges);
  const idempotencyKeys = new FakeStore<IdempotencyRecord>(env, 'idempotencyKeys', options.idempotencyKeys ?? {});
  const clock = new FakeClock();
  const deps = { cards, charges, idempotencyKeys, clock } as unknown as ProcessorDependencies;
  const First: ProcessorClass = options.impl ?? (PaymentProcessor as unknown as ProcessorClass);
  const Second: ProcessorClass = options.impl ?? (SecondInstance as unknown as ProcessorClass);
  const instances = [env.track(new First(deps)), env.track(new Second(deps))];

  // Rules about every moment, checked after every write of every test.
  if (options.overdraftInvariant ?? true) env.invariant("a card's balance went below zero", () => noCardBelowZero(cards.values()));
  env.invariant("a card's balance is no longer a whole number of cents", () => balancesInWholeCents(cards.values()));
  env.invariant('a declined charge, which took nothing, shows money refunded', () => declinesNeverRefunded(charges.values()));
  env.invariant("a charge's refunds exceed it, or its refunded flag disagrees with them", () => refundsWithinCharge(charges.values()));

  return {
    env,
    cards,
    charges,
    idempotencyKeys,
    clock,
    /** The instance sequential tests talk to. */
    processor: instances[0]!,
    /** Instance n (0 or 1; larger numbers wrap), for requests a load balancer spreads. */
    instance: (n: number) => instances[n % instances.length]!,
    balance: (cardId: string = CARD) => cards.peek(cardId)?.balance,
    /** Every charge on file. */
    storedCharges: () => charges.values(),
    /** Each card holds what its charges and refunds since the start leave (end state). */
    moneyAddsUp: () => moneyAddsUp(balances, initialCharges, cards.values(), charges.values()),
  };
}

/** A usd charge request on card_1. */
export function chargeRequest(idempotencyKey: string, amount: number, extra: Partial<ChargeRequest> = {}): ChargeRequest {
  return { idempotencyKey, cardId: CARD, amount, currency: 'usd', ...extra };
}

/** A succeeded usd charge already on file, for refund tests. */
export function chargeOnFile(id: string, amount: number, extra: Partial<Charge> = {}): Charge {
  return {
    id,
    cardId: CARD,
    amount,
    currency: 'usd',
    description: null,
    status: 'succeeded',
    failureCode: null,
    amountRefunded: 0,
    refunded: false,
    createdAt: Date.UTC(2026, 0, 15, 11, 0, 0),
    ...extra,
  };
}

/** A charge as the learner sees it in a diff: what matters, without generated ids or times. */
export function summary(charge: Charge) {
  return {
    status: charge.status,
    failureCode: charge.failureCode,
    amount: charge.amount,
    currency: charge.currency,
    description: charge.description,
    amountRefunded: charge.amountRefunded,
    refunded: charge.refunded,
  };
}
