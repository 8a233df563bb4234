import {
  PaymentError,
  type CancelParams,
  type CaptureParams,
  type CardNetwork,
  type Clock,
  type ConfirmParams,
  type CreateParams,
  type IdGenerator,
  type IntentStore,
  type PaymentIntent,
  type PaymentIntentStatus,
} from './types';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Issuers drop an uncaptured hold after about a week. We stop trusting ours at 7 days after
 * the intent was created and cancel it instead of asking the network to capture a dead hold.
 */
const AUTHORIZATION_VALIDITY_DAYS = 7;

/** Eight digits of minor units: the largest amount our acquirer accepts in one charge. */
const MAX_AMOUNT = 99_999_999;

/** Below these, card fees exceed the charge; the acquirer refuses them anyway. */
const MINIMUM_AMOUNT = new Map<string, number>([
  ['usd', 50],
  ['eur', 50],
  ['gbp', 30],
]);

const CONFIRMABLE_STATES: ReadonlySet<PaymentIntentStatus> = new Set<PaymentIntentStatus>([
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
]);

const CANCELABLE_STATES: ReadonlySet<PaymentIntentStatus> = new Set<PaymentIntentStatus>([
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'requires_capture',
]);

/**
 * Payment intents with manual capture: `confirm` places a hold on the customer's card,
 * `capture` collects (part of) it, `cancel` gives it back. Every state change is written
 * to the store before or after the network call that goes with it; the store row is the
 * source of truth that support, webhooks and reconciliation read.
 */
export class PaymentIntents {
  constructor(
    private readonly store: IntentStore,
    private readonly network: CardNetwork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async create(params: CreateParams): Promise<PaymentIntent> {
    const minimum = MINIMUM_AMOUNT.get(params.currency);
    if (minimum === undefined) {
      throw new PaymentError('currency_not_supported', `Currency "${params.currency}" is not supported.`);
    }
    assertMinorUnits(params.amount, 'amount');
    if (params.amount < minimum) {
      throw new PaymentError('amount_too_small', `Amount must be at least ${minimum} ${params.currency}.`);
    }
    if (params.amount > MAX_AMOUNT) {
      throw new PaymentError('amount_too_large', `Amount must be at most ${MAX_AMOUNT} ${params.currency}.`);
    }

    const intent: PaymentIntent = {
      id: this.ids.next('pi'),
      amount: params.amount,
      currency: params.currency,
      status: params.payment_method ? 'requires_confirmation' : 'requires_payment_method',
      capture_method: 'manual',
      payment_method: params.payment_method ?? null,
      amount_capturable: 0,
      amount_received: 0,
      authorization_id: null,
      last_payment_error: null,
      cancellation_reason: null,
      canceled_at: null,
      created: this.clock.now(),
    };
    await this.store.set(intent.id, intent);
    return intent;
  }

  async retrieve(id: string): Promise<PaymentIntent> {
    return this.load(id);
  }

  /** Authorizes the payment method for the full amount and leaves the intent awaiting capture. */
  async confirm(id: string, params: ConfirmParams = {}): Promise<PaymentIntent> {
    const intent = await this.load(id);
    if (!CONFIRMABLE_STATES.has(intent.status)) throw unexpectedState(intent, 'confirm');
    const paymentMethod = params.payment_method ?? intent.payment_method;
    if (!paymentMethod) {
      throw new PaymentError('parameter_missing', 'A payment_method is required to confirm this PaymentIntent.');
    }

    // Mark the intent as in flight before the network call, so nobody else acts on it meanwhile.
    const processing: PaymentIntent = { ...intent, status: 'processing', payment_method: paymentMethod, last_payment_error: null };
    if (!(await this.store.compareAndSet(id, intent, processing))) throw concurrentUpdate(id);

    const result = await this.network.authorize({
      amount: intent.amount,
      currency: intent.currency,
      payment_method: paymentMethod,
      reference: id,
    });

    if (result.outcome === 'declined') {
      const declined: PaymentIntent = {
        ...processing,
        status: 'requires_payment_method',
        payment_method: null,
        last_payment_error: { code: 'card_declined', decline_code: result.decline_code },
      };
      await this.store.set(id, declined);
      throw new PaymentError('card_declined', `The card was declined (${result.decline_code}).`);
    }

    const authorized: PaymentIntent = {
      ...processing,
      status: 'requires_capture',
      amount_capturable: intent.amount,
      authorization_id: result.authorization_id,
    };
    await this.store.set(id, authorized);
    return authorized;
  }

  /** Collects `amount_to_capture` (default: everything capturable) from the authorization. */
  async capture(id: string, params: CaptureParams = {}): Promise<PaymentIntent> {
    const intent = await this.load(id);
    if (intent.status === 'succeeded') {
      throw new PaymentError('charge_already_captured', `PaymentIntent ${id} has already been captured.`);
    }
    if (intent.status !== 'requires_capture') throw unexpectedState(intent, 'capture');

    const ageInDays = Math.floor((this.clock.now() - intent.created) / DAY_MS);
    if (ageInDays >= AUTHORIZATION_VALIDITY_DAYS) {
      await this.expire(intent);
      throw new PaymentError('charge_expired_for_capture', `The authorization for ${id} has expired and can no longer be captured.`);
    }

    const amount = params.amount_to_capture ?? intent.amount_capturable;
    assertMinorUnits(amount, 'amount_to_capture');
    if (amount > intent.amount_capturable) {
      throw new PaymentError('amount_too_large', `amount_to_capture (${amount}) exceeds amount_capturable (${intent.amount_capturable}).`);
    }

    const authorization = authorizationOf(intent);
    // Take the intent out of requires_capture first: from here on, money moves.
    const processing: PaymentIntent = { ...intent, status: 'processing' };
    if (!(await this.store.compareAndSet(id, intent, processing))) throw concurrentUpdate(id);
    await this.network.capture(authorization, amount);
    // A capture is final. Give the uncaptured rest back now instead of holding it until expiry.
    if (amount < intent.amount_capturable) await this.network.release(authorization);

    const captured: PaymentIntent = {
      ...intent,
      status: 'succeeded',
      amount_received: amount,
      amount_capturable: 0,
    };
    await this.store.set(id, captured);
    return captured;
  }

  /** Cancels the intent; an authorized one gets its hold released on the customer's card. */
  async cancel(id: string, params: CancelParams = {}): Promise<PaymentIntent> {
    const intent = await this.load(id);
    if (!CANCELABLE_STATES.has(intent.status)) throw unexpectedState(intent, 'cancel');

    const canceled: PaymentIntent = {
      ...intent,
      status: 'canceled',
      amount_capturable: 0,
      cancellation_reason: params.cancellation_reason ?? null,
      canceled_at: this.clock.now(),
    };
    if (!(await this.store.compareAndSet(id, intent, canceled))) throw concurrentUpdate(id);
    if (intent.status === 'requires_capture') await this.network.release(authorizationOf(intent));
    return canceled;
  }

  /** Cancels an authorization that aged out and releases the hold it still places on the card. */
  private async expire(intent: PaymentIntent): Promise<void> {
    const expired: PaymentIntent = {
      ...intent,
      status: 'canceled',
      amount_capturable: 0,
      cancellation_reason: 'expired',
      canceled_at: this.clock.now(),
    };
    if (await this.store.compareAndSet(intent.id, intent, expired)) {
      await this.network.release(authorizationOf(intent));
    }
  }

  private async load(id: string): Promise<PaymentIntent> {
    const intent = await this.store.get(id);
    if (!intent) throw new PaymentError('resource_missing', `No such payment_intent: ${id}`);
    return intent;
  }
}

/** Amounts are integers in minor units; anything else is refused, never rounded. */
function assertMinorUnits(amount: unknown, field: string): asserts amount is number {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new PaymentError('amount_invalid', `${field} must be a positive integer number of minor units.`);
  }
}

function authorizationOf(intent: PaymentIntent): string {
  if (!intent.authorization_id) throw unexpectedState(intent, 'use the authorization of');
  return intent.authorization_id;
}

function unexpectedState(intent: PaymentIntent, action: string): PaymentError {
  return new PaymentError(
    'payment_intent_unexpected_state',
    `You cannot ${action} PaymentIntent ${intent.id} because it has a status of ${intent.status}.`,
  );
}

/** Another request changed the intent since we read it; the caller may retry. */
function concurrentUpdate(id: string): PaymentError {
  return new PaymentError('lock_timeout', `PaymentIntent ${id} was updated by another request; retry.`);
}
