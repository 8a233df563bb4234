import { randomUUID } from 'node:crypto';
import {
  PaymentError,
  type Card,
  type Charge,
  type ChargeRequest,
  type IdempotencyRecord,
  type ProcessorDependencies,
  type Refund,
} from './types';

/** Stripe's minimum for usd: below it, processing a charge costs more than it brings in. */
const MIN_CHARGE_AMOUNT = 50;
/** Eight digits of minor units: the most our ledger and the issuing bank accept in one movement. */
const MAX_AMOUNT = 99_999_999;
/** 180 days: a charge's refunds close with the ledger period it was booked in. */
const REFUND_WINDOW = 15_552_000_000;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Terminals and the checkout service keep retrying with the same key until they get an answer. */
// @bug replay-window
const IDEMPOTENCY_KEY_TTL = 24 * 60 * 60;

/**
 * Charges and refunds on prepaid cards whose balances we hold.
 *
 * Clients retry whenever they do not hear back (timeouts, dropped connections), so every
 * charge carries an idempotency key: the first request with a key executes, and every retry
 * gets the saved result of that first request instead of charging again.
 */
export class PaymentProcessor {
  constructor(private readonly deps: ProcessorDependencies) {}

  /**
   * Charges a card. Resolves with the charge, `succeeded` or `failed` (declined: the balance
   * does not cover it); rejects with a PaymentError when the request itself is refused.
   */
  async charge(request: ChargeRequest): Promise<Charge> {
    checkIdempotencyKey(request.idempotencyKey);
    checkAmount(request.amount, MIN_CHARGE_AMOUNT);
    checkCurrency(request.currency);

    // @bug refusal-holds-key
    const fingerprint = fingerprintOf(request);
    const saved = await this.reserveKey(request.idempotencyKey, fingerprint);
    if (saved) return saved;

    const card = await this.loadCard(request.cardId);
    if (card.currency !== request.currency) {
      throw new PaymentError('currency_mismatch', `Card ${card.cardId} holds ${card.currency}, not ${request.currency}`);
    }

    // @bug refusal-holds-key
    const charge = await this.debit(card, request);
    // @bug result-saved-before-charge
    await this.deps.idempotencyKeys.set(request.idempotencyKey, {
      state: 'completed',
      fingerprint,
      createdAt: charge.createdAt,
      response: charge,
    });
    // @bug result-saved-before-charge
    await this.deps.charges.set(charge.id, charge);
    return charge;
  }

  /**
   * Refunds `amount` of a charge back to its card, or everything not refunded yet when
   * `amount` is omitted. A charge can be refunded in several parts.
   */
  async refund(chargeId: string, amount?: number): Promise<Refund> {
    if (amount !== undefined) checkAmount(amount, 1);

    for (;;) {
      const charge = await this.deps.charges.get(chargeId);
      if (!charge) throw new PaymentError('charge_not_found', `No such charge: ${chargeId}`);
      // @bug refund-declined-charge
      const unrefunded = charge.amount - charge.amountRefunded;
      if (unrefunded === 0) {
        throw new PaymentError('charge_already_refunded', `Charge ${chargeId} has already been refunded`);
      }
      // @bug refund-window-boundary
      if (this.deps.clock.now() - charge.createdAt > REFUND_WINDOW) {
        throw new PaymentError('charge_expired_for_refund', `The refund window of charge ${chargeId} closed 180 days after it was made`);
      }
      const refundAmount = amount ?? unrefunded;
      if (refundAmount > unrefunded) {
        throw new PaymentError(
          'refund_exceeds_unrefunded',
          `Refund amount (${refundAmount}) is greater than unrefunded amount on charge (${unrefunded})`,
        );
      }

      const updated: Charge = {
        ...charge,
        // @bug refund-total-overwritten
        amountRefunded: refundAmount,
        refunded: refundAmount === unrefunded,
      };
      // Two refunds of the same charge may run at once; whichever writes second must
      // decide again on the remainder the first one left.
      if (!(await this.deps.charges.compareAndSet(chargeId, charge, updated))) continue;

      await this.credit(charge.cardId, refundAmount);
      return {
        id: `re_${randomUUID()}`,
        chargeId,
        amount: refundAmount,
        currency: charge.currency,
        status: 'succeeded',
        createdAt: this.deps.clock.now(),
      };
    }
  }

  /**
   * Claims the idempotency key for this request. Returns the saved charge when the key has
   * already completed; refuses a key that is still in flight or was used with other parameters.
   */
  private async reserveKey(key: string, fingerprint: string): Promise<Charge | undefined> {
    const now = this.deps.clock.now();
    const existing = await this.deps.idempotencyKeys.get(key);
    if (existing && now - existing.createdAt < IDEMPOTENCY_KEY_TTL) {
      if (existing.fingerprint !== fingerprint) {
        throw new PaymentError(
          'idempotency_error',
          'Keys for idempotent requests can only be used with the same parameters they were first used with',
        );
      }
      if (existing.state === 'processing') throw keyInUse();
      return existing.response;
    }

    const reservation: IdempotencyRecord = { state: 'processing', fingerprint, createdAt: now };
    // @bug duplicate-in-flight
    await this.deps.idempotencyKeys.set(key, reservation);
    return undefined;
  }

  /** Takes the amount off the card, or declines the charge when the balance does not cover it. */
  private async debit(card: Card, request: ChargeRequest): Promise<Charge> {
    const charge: Charge = {
      id: `ch_${randomUUID()}`,
      cardId: card.cardId,
      amount: request.amount,
      currency: request.currency,
      description: request.description ?? null,
      status: 'succeeded',
      failureCode: null,
      amountRefunded: 0,
      refunded: false,
      createdAt: this.deps.clock.now(),
    };

    // @bug balance-overdraw
    if (card.balance < request.amount) return { ...charge, status: 'failed', failureCode: 'insufficient_funds' };
    let current = card;
    for (;;) {
      // @bug balance-overdraw
      const debited: Card = { ...current, balance: current.balance - request.amount };
      if (await this.deps.cards.compareAndSet(card.cardId, current, debited)) return charge;
      // The balance moved since we read it (another charge, a refund): read it again.
      current = await this.loadCard(card.cardId);
    }
  }

  /** Puts refunded money back on the card. */
  private async credit(cardId: string, amount: number): Promise<void> {
    for (;;) {
      const card = await this.loadCard(cardId);
      const credited: Card = { ...card, balance: card.balance + amount };
      if (await this.deps.cards.compareAndSet(cardId, card, credited)) return;
    }
  }

  private async loadCard(cardId: string): Promise<Card> {
    const card = await this.deps.cards.get(cardId);
    if (!card) throw new PaymentError('card_not_found', `No such card: ${cardId}`);
    return card;
  }
}

function checkIdempotencyKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new PaymentError('idempotency_key_invalid', `An idempotency key is 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
}

/** Amounts come straight from the client's JSON body. */
function checkAmount(amount: number, minimum: number): void {
  // @bug amount-not-integer
  if (typeof amount !== 'number' || amount <= 0) {
    throw new PaymentError('amount_invalid', `Amount must be a positive integer in minor units, got ${amount}`);
  }
  if (amount < minimum) throw new PaymentError('amount_too_small', `Amount must be at least ${minimum}`);
  if (amount > MAX_AMOUNT) throw new PaymentError('amount_too_large', `Amount must be at most ${MAX_AMOUNT}`);
}

function checkCurrency(currency: string): void {
  if (typeof currency !== 'string' || !/^[a-z]{3}$/.test(currency)) {
    throw new PaymentError('currency_invalid', `Currency must be a lowercase ISO 4217 code, got ${currency}`);
  }
}

/** What makes two requests the same charge. */
function fingerprintOf(request: ChargeRequest): string {
  return JSON.stringify([request.cardId, request.amount, request.currency, request.description ?? null]);
}

function keyInUse(): PaymentError {
  return new PaymentError('idempotency_key_in_use', 'A request with this idempotency key is still in progress; retry later');
}
