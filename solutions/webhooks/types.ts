/**
 * Shared shapes for the webhook sender (dispatcher) and receiver. Field names of events and
 * payment intents follow Stripe's API, so payloads look exactly like what arrives in production.
 */

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

/** The payment intent as it was when the event was created (not as it is now). */
export interface PaymentIntentObject {
  id: string;
  object: 'payment_intent';
  /** Minor units of `currency`. */
  amount: number;
  amount_received: number;
  /** Lowercase ISO 4217. */
  currency: string;
  status: PaymentIntentStatus;
  /** Unix seconds. */
  created: number;
  /** Top-ups carry the wallet owner in `customer_id`. */
  metadata: Record<string, string>;
}

export interface WebhookEvent {
  /** `evt_…`; the same event may be delivered more than once, always with the same id. */
  id: string;
  object: 'event';
  type: string;
  /** When the event happened, unix seconds. */
  created: number;
  data: { object: PaymentIntentObject };
}

/** Epoch milliseconds. */
export interface Clock {
  now(): number;
}

export type Sleep = (ms: number) => Promise<void>;

/** A table in the shared database: every call is a network round trip. */
export interface KeyValueStore<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically inserts `value` unless the key exists; true when this call inserted it. */
  setIfAbsent(key: string, value: V): Promise<boolean>;
  /** Atomically replaces the value if it still equals `expected` (undefined: absent); true on success. */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean>;
}

export interface HttpResponse {
  status: number;
}

export interface HttpClient {
  /** Rejects when no response came back at all (connection refused or reset, timeout). */
  post(url: string, body: string, headers: Record<string, string>): Promise<HttpResponse>;
}

export interface Wallets {
  /** Adds `amount` minor units to the customer's balance. Every call credits again. */
  credit(customerId: string, amount: number, currency: string): Promise<void>;
}

/** A row of `processed_events`, keyed by event id. */
export interface ProcessedEvent {
  status: 'processing' | 'processed';
  type: string;
  /** Epoch milliseconds. */
  receivedAt: number;
}

/** A row of `top_ups`, keyed by payment intent id: our copy of the payment's state. */
export interface TopUp {
  paymentIntentId: string;
  customerId: string;
  amount: number;
  amountReceived: number;
  currency: string;
  status: PaymentIntentStatus;
  /** The event this row was last written from, and that event's `created` (unix seconds). */
  lastEventId: string;
  lastEventCreated: number;
}

export type ReceiveStatus = 'processed' | 'duplicate' | 'stale' | 'ignored';

export interface ReceiveResult {
  eventId: string;
  status: ReceiveStatus;
}

export interface DeliveryResult {
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last attempt; null when it got no response. */
  status: number | null;
}

export type WebhookErrorCode =
  | 'signature_header_invalid'
  | 'no_signatures'
  | 'signature_mismatch'
  | 'timestamp_outside_tolerance'
  | 'payload_invalid';

/** A request the receiver refuses; the endpoint answers 400. */
export class WebhookError extends Error {
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}
