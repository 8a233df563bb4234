/**
 * The world around a PaymentProcessor in the hidden suites: its three tables as fake stores
 * on the test's Env, and a clock the test moves by hand.
 */
import { FakeClock, FakeStore, type Env } from 'bugbash/harness';
import { PaymentProcessor } from '@impl/processor';
import type { Card, Charge, ChargeRequest, IdempotencyRecord, ProcessorDependencies } from '@impl/types';

export const CARD = 'card_1';
export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;

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
  /** Which implementation to build: the learner's by default. */
  impl?: ProcessorClass;
}

export function world(env: Env, options: WorldOptions = {}) {
  const balances = options.balances ?? { [CARD]: 10_000 };
  const cards = new FakeStore<Card>(
    env,
    'cards',
    Object.fromEntries(Object.entries(balances).map(([cardId, balance]) => [cardId, { cardId, currency: 'usd', balance }])),
  );
  const charges = new FakeStore<Charge>(env, 'charges', options.charges ?? {});
  const idempotencyKeys = new FakeStore<IdempotencyRecord>(env, 'idempotencyKeys');
  const clock = new FakeClock();
  const Impl: ProcessorClass = options.impl ?? (PaymentProcessor as unknown as ProcessorClass);
  const processor = new Impl({ cards, charges, idempotencyKeys, clock } as unknown as ProcessorDependencies);
  return {
    env,
    cards,
    charges,
    idempotencyKeys,
    clock,
    processor,
    balance: (cardId: string = CARD) => cards.peek(cardId)?.balance,
    /** Every charge on file. */
    storedCharges: () => Object.values(charges.snapshot()),
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
