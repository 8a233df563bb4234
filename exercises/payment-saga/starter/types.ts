/**
 * Contracts of everything the checkout saga talks to. Each of these sits on the other side of
 * a network hop, so any call can fail, and a call that never got an answer may still have
 * been carried out.
 */

export interface LineItem {
  sku: string;
  quantity: number;
}

export interface Order {
  id: string;
  /** Total to charge, in minor units of `currency` (cents for usd). */
  amount: number;
  /** Lowercase ISO 4217 code, e.g. "usd". */
  currency: string;
  /** Saved payment method to charge, e.g. "pm_card_visa". */
  paymentMethod: string;
  items: LineItem[];
  shippingAddress: string;
}

/**
 * A call to another service failed. `status` is the HTTP status of the answer, or undefined
 * when no answer arrived (timeout, connection reset): the request may or may not have been
 * processed. `shouldRetry` mirrors the `Stripe-Should-Retry` header when the server sent one.
 */
export class RemoteError extends Error {
  override name = 'RemoteError';

  constructor(
    readonly code: string,
    readonly status?: number,
    readonly shouldRetry?: boolean,
    message?: string,
  ) {
    super(message ?? code);
  }
}

export type CheckoutErrorCode =
  | 'amount_invalid'
  | 'amount_too_large'
  | 'currency_invalid'
  | 'items_invalid'
  | 'payment_pending'
  | 'compensation_pending';

/** Why `checkout` could not give an answer about the order. */
export class CheckoutError extends Error {
  override name = 'CheckoutError';

  constructor(
    readonly code: CheckoutErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// --- Payments (card processor) ---------------------------------------------------------

export interface ChargeRequest {
  amount: number;
  currency: string;
  paymentMethod: string;
  orderId: string;
}

export interface Charge {
  id: string;
  amount: number;
  currency: string;
  status: 'succeeded' | 'failed';
  failureCode?: string;
}

export interface Refund {
  id: string;
  chargeId: string;
  amount: number;
}

export interface PaymentsClient {
  /**
   * Charges the payment method. A declined card fails with a 402 `card_declined`. Requests
   * are idempotent: a repeat with the same key (and the same parameters) returns the first
   * result instead of charging again.
   */
  createCharge(request: ChargeRequest, idempotencyKey: string): Promise<Charge>;
  /** The charge created by the request sent with this idempotency key, if that request was processed. */
  findCharge(idempotencyKey: string): Promise<Charge | undefined>;
  /** Refunds `amount` of the charge; idempotent by key like `createCharge`. */
  createRefund(chargeId: string, amount: number, idempotencyKey: string): Promise<Refund>;
}

// --- Inventory and shipping ---------------------------------------------------------------

export interface Reservation {
  id: string;
  orderId: string;
}

export interface InventoryClient {
  /** Holds stock for the order; 422 `insufficient_stock` when it cannot. Idempotent by key. */
  reserve(orderId: string, items: LineItem[], idempotencyKey: string): Promise<Reservation>;
  /** Puts the held stock back; releasing an already released reservation is a no-op. */
  release(reservationId: string, idempotencyKey: string): Promise<void>;
}

export interface Shipment {
  id: string;
  trackingNumber: string;
}

export interface ShippingClient {
  /** Books the parcel; 400 `address_invalid` when the carrier rejects the address. Idempotent by key. */
  createShipment(orderId: string, address: string, items: LineItem[], idempotencyKey: string): Promise<Shipment>;
}

// --- Storage -------------------------------------------------------------------------------

/** A table in the service's database, reached over the network. */
export interface KeyValueStore<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
  /** Inserts unless the key exists; true when this call inserted. */
  setIfAbsent(key: string, value: V): Promise<boolean>;
  /** Replaces the value only if it still equals `expected`; true when it did. */
  compareAndSet(key: string, expected: V | undefined, next: V): Promise<boolean>;
}

export type SagaStep = 'charge' | 'reserve' | 'ship';

export interface SagaRecord {
  orderId: string;
  status: 'running' | 'compensating' | 'completed' | 'failed';
  /** Steps that finished, in the order they ran. */
  completed: SagaStep[];
  chargeId?: string;
  reservationId?: string;
  shipmentId?: string;
  trackingNumber?: string;
  failureCode?: string;
  updatedAt: number;
}

export interface CheckoutResult {
  orderId: string;
  status: 'completed' | 'failed';
  chargeId?: string;
  shipmentId?: string;
  trackingNumber?: string;
  /** Code of the downstream error that failed the order, e.g. "card_declined". */
  failureCode?: string;
}

// --- Outbox and event bus ------------------------------------------------------------------

export type OrderEventType = 'order.paid' | 'order.shipped' | 'order.failed';

export interface OutboxEvent {
  /** `<orderId>:<type>`; consumers deduplicate on it. */
  id: string;
  type: OrderEventType;
  orderId: string;
  payload: Record<string, string | number>;
  createdAt: number;
  status: 'pending' | 'publishing' | 'sent';
  /** Failed publish attempts so far. */
  attempts: number;
  claimedBy?: string;
  claimedAt?: number;
  sentAt?: number;
}

export interface OutboxStore extends KeyValueStore<OutboxEvent> {
  /** Events whose status is not `sent`, oldest first. */
  unsent(): Promise<OutboxEvent[]>;
}

export interface DomainEvent {
  id: string;
  type: OrderEventType;
  orderId: string;
  payload: Record<string, string | number>;
  occurredAt: number;
}

export interface EventBus {
  /** Delivers the event to every subscriber. The bus does not deduplicate. */
  publish(event: DomainEvent): Promise<void>;
}

// --- Time ------------------------------------------------------------------------------------

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export type Sleep = (ms: number) => Promise<void>;

export interface CheckoutDeps {
  payments: PaymentsClient;
  inventory: InventoryClient;
  shipping: ShippingClient;
  sagas: KeyValueStore<SagaRecord>;
  outbox: OutboxStore;
  clock: Clock;
  sleep: Sleep;
}
