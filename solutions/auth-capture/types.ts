/**
 * Shapes shared by the payment-intents service and the systems it talks to. Field names
 * follow the public payments API, so a PaymentIntent can be returned to clients as-is.
 */

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

export type CancellationReason = 'duplicate' | 'fraudulent' | 'requested_by_customer' | 'abandoned' | 'expired';

export interface LastPaymentError {
  code: 'card_declined';
  decline_code: string;
}

export interface PaymentIntent {
  id: string;
  /** Amount the customer agreed to pay, in minor units of `currency`. */
  amount: number;
  /** Lowercase ISO 4217 code. */
  currency: string;
  status: PaymentIntentStatus;
  /** This service only authorizes; funds move when the merchant captures. */
  capture_method: 'manual';
  payment_method: string | null;
  /** What can still be captured from the current authorization. */
  amount_capturable: number;
  /** What has been captured from the customer. */
  amount_received: number;
  /** The card network's id of the hold placed on the customer's card. */
  authorization_id: string | null;
  last_payment_error: LastPaymentError | null;
  cancellation_reason: CancellationReason | null;
  /** Epoch milliseconds. */
  canceled_at: number | null;
  /** Epoch milliseconds. */
  created: number;
}

export interface CreateParams {
  amount: number;
  currency: string;
  payment_method?: string;
}

export interface ConfirmParams {
  payment_method?: string;
}

export interface CaptureParams {
  /** Defaults to everything still capturable. */
  amount_to_capture?: number;
}

export interface CancelParams {
  cancellation_reason?: CancellationReason;
}

/** Where payment intents live: a table reached over the network. */
export interface IntentStore {
  get(id: string): Promise<PaymentIntent | undefined>;
  set(id: string, intent: PaymentIntent): Promise<void>;
  /**
   * Writes `next` only if the stored row still deep-equals `expected`, atomically.
   * Resolves false (and writes nothing) when another request changed the row first.
   */
  compareAndSet(id: string, expected: PaymentIntent, next: PaymentIntent): Promise<boolean>;
}

export interface AuthorizationRequest {
  amount: number;
  currency: string;
  payment_method: string;
  /** Our payment intent id, printed on the network's records. */
  reference: string;
}

export type AuthorizationResult =
  | { outcome: 'approved'; authorization_id: string }
  | { outcome: 'declined'; decline_code: string };

/**
 * The card network (through our acquirer). The client retries transport failures itself,
 * so a call resolves once the network has done it, and rejects only when the network refuses
 * it (a hold is captured at most once, never after a release, never for more than it holds;
 * a released or fully captured hold cannot be released). A refused call changes nothing.
 */
export interface CardNetwork {
  /** Places a hold of `amount` on the customer's card. */
  authorize(request: AuthorizationRequest): Promise<AuthorizationResult>;
  /** Collects `amount` (at most the amount held) from a hold. Each call moves money. */
  capture(authorizationId: string, amount: number): Promise<void>;
  /** Releases the part of a hold that has not been captured (a void when nothing was). */
  release(authorizationId: string): Promise<void>;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface IdGenerator {
  /** A new unique id such as `pi_3Nf…` for the given prefix. */
  next(prefix: string): string;
}

export type PaymentErrorCode =
  | 'amount_invalid'
  | 'amount_too_small'
  | 'amount_too_large'
  | 'currency_not_supported'
  | 'parameter_missing'
  | 'resource_missing'
  | 'payment_intent_unexpected_state'
  | 'card_declined'
  | 'charge_already_captured'
  | 'charge_expired_for_capture'
  | 'lock_timeout';

export class PaymentError extends Error {
  constructor(
    readonly code: PaymentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentError';
  }
}
