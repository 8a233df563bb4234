import {
  CheckoutError,
  RemoteError,
  type Charge,
  type CheckoutDeps,
  type CheckoutResult,
  type Order,
  type OrderEventType,
  type OutboxEvent,
  type SagaRecord,
  type SagaStep,
} from './types';

/** Retries after the first attempt, per the payments API's client guidance. */
const MAX_RETRIES = 2;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 5_000;
/** Eight digits of minor units: the processor's ceiling for a single charge. */
const MAX_AMOUNT = 99_999_999;

/**
 * Takes an order through charge → reserve stock → create shipment.
 *
 * Progress is written to the saga store after every step, so a checkout that dies half-way
 * (deploy, OOM, store hiccup) can simply be called again for the same order and carries on
 * where it stopped. When a step fails for good, the steps already done are undone in reverse
 * order and the order ends `failed`. Domain events are written to the outbox as the saga
 * goes; the outbox relay publishes them.
 */
export class CheckoutSaga {
  constructor(private readonly deps: CheckoutDeps) {}

  async checkout(order: Order): Promise<CheckoutResult> {
    validateOrder(order);
    let saga = await this.deps.sagas.get(order.id);
    if (!saga) {
      saga = { orderId: order.id, status: 'running', completed: [], updatedAt: this.deps.clock.now() };
      await this.deps.sagas.set(order.id, saga);
    }
    if (saga.status === 'completed' || saga.status === 'failed') return toResult(saga);
    if (saga.status === 'compensating') return this.compensate(order, saga, saga.failureCode ?? 'unknown');

    try {
      if (!saga.completed.includes('charge')) {
        const charge = await this.chargeCard(order);
        await this.emit(order, 'order.paid', { chargeId: charge.id, amount: charge.amount, currency: charge.currency });
        saga = await this.update(saga, { chargeId: charge.id }, 'charge');
      }
      if (!saga.completed.includes('reserve')) {
        const reservation = await this.withRetries(() =>
          this.deps.inventory.reserve(order.id, order.items, `${order.id}:reserve`),
        );
        saga = await this.update(saga, { reservationId: reservation.id }, 'reserve');
      }
      const shipment = await this.withRetries(() =>
        this.deps.shipping.createShipment(order.id, order.shippingAddress, order.items, `${order.id}:ship`),
      );
      await this.emit(order, 'order.shipped', { shipmentId: shipment.id, trackingNumber: shipment.trackingNumber });
      saga = await this.update(
        saga,
        { status: 'completed', shipmentId: shipment.id, trackingNumber: shipment.trackingNumber },
        'ship',
      );
      return toResult(saga);
    } catch (error) {
      // Only an answer from a downstream service decides the order's fate. Anything else
      // (our own store failing) leaves the saga as it is, for the next call to resume.
      if (!(error instanceof RemoteError)) throw error;
      return this.compensate(order, saga, error.code);
    }
  }

  private async chargeCard(order: Order): Promise<Charge> {
    const request = { amount: order.amount, currency: order.currency, paymentMethod: order.paymentMethod, orderId: order.id };
    for (let attempt = 1; ; attempt += 1) {
      // @bug charge-key-per-attempt
      const idempotencyKey = `${order.id}:charge:${this.deps.clock.now()}`;
      try {
        return await this.deps.payments.createCharge(request, idempotencyKey);
      } catch (error) {
        // @bug timeout-treated-as-decline
        if (!shouldRetry(error, attempt)) throw error;
        await this.deps.sleep(backoffMs(attempt));
      }
    }
  }

  private async withRetries<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        if (!shouldRetry(error, attempt)) throw error;
        await this.deps.sleep(backoffMs(attempt));
      }
    }
  }

  private async compensate(order: Order, saga: SagaRecord, failureCode: string): Promise<CheckoutResult> {
    // @bug failed-before-compensated
    saga = await this.update(saga, { status: 'failed', failureCode });
    try {
      // @bug compensation-skips-charge
      for (let i = saga.completed.length - 1; i > 0; i -= 1) {
        await this.undo(order, saga, saga.completed[i]);
      }
    } catch (error) {
      throw new CheckoutError('compensation_pending', `order ${order.id} is not fully unwound yet: ${String(error)}`);
    }
    await this.emit(order, 'order.failed', { reason: failureCode });
    // @bug failed-before-compensated
    return toResult(saga);
  }

  private async undo(order: Order, saga: SagaRecord, step: SagaStep): Promise<void> {
    const { chargeId, reservationId } = saga;
    if (step === 'reserve' && reservationId) {
      await this.withRetries(() => this.deps.inventory.release(reservationId, `${order.id}:release`));
    } else if (step === 'charge' && chargeId) {
      await this.withRetries(() => this.deps.payments.createRefund(chargeId, order.amount, `${order.id}:refund`));
    }
    // A shipment is the last step: once it exists nothing after it can fail.
  }

  private async update(saga: SagaRecord, changes: Partial<SagaRecord>, finished?: SagaStep): Promise<SagaRecord> {
    const completed = finished ? [...saga.completed, finished] : saga.completed;
    const next: SagaRecord = { ...saga, ...changes, completed, updatedAt: this.deps.clock.now() };
    await this.deps.sagas.set(saga.orderId, next);
    return next;
  }

  private async emit(order: Order, type: OrderEventType, payload: OutboxEvent['payload']): Promise<void> {
    // One row per order and event type; downstream consumers key their own dedup on this id.
    const event: OutboxEvent = {
      id: `${order.id}:${type}`,
      status: 'pending',
      attempts: 0,
      type,
      orderId: order.id,
      createdAt: this.deps.clock.now(),
      payload,
    };
    // @bug event-requeued-on-resume
    await this.deps.outbox.set(event.id, event);
  }
}

/** Network errors, 409 and 5xx are worth another try unless the server said otherwise; other 4xx are final. */
function shouldRetry(error: unknown, attempt: number): boolean {
  if (!(error instanceof RemoteError)) return false;
  // @bug retry-budget-off-by-one
  if (attempt >= MAX_RETRIES) return false;
  if (error.shouldRetry !== undefined) return error.shouldRetry;
  return error.status === undefined || error.status === 409 || error.status >= 500;
}

function backoffMs(attempt: number): number {
  return Math.min(BASE_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

function validateOrder(order: Order): void {
  // Amounts arrive in minor units; a fraction here is the caller's mistake, never something to round.
  if (!Number.isInteger(order.amount) || order.amount <= 0) {
    throw new CheckoutError('amount_invalid', 'amount must be a positive whole number of minor units');
  }
  if (order.amount > MAX_AMOUNT) throw new CheckoutError('amount_too_large', `amount must be at most ${MAX_AMOUNT}`);
  if (!/^[a-z]{3}$/.test(order.currency)) {
    throw new CheckoutError('currency_invalid', 'currency must be a lowercase ISO 4217 code');
  }
  if (order.items.length === 0 || order.items.some((item) => !Number.isInteger(item.quantity) || item.quantity <= 0)) {
    throw new CheckoutError('items_invalid', 'an order needs at least one item with a positive whole quantity');
  }
}

function toResult(saga: SagaRecord): CheckoutResult {
  if (saga.status === 'completed') {
    const { orderId, chargeId, shipmentId, trackingNumber } = saga;
    return { orderId, status: 'completed', chargeId, shipmentId, trackingNumber };
  }
  return { orderId: saga.orderId, status: 'failed', failureCode: saga.failureCode };
}
