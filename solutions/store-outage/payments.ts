import { randomUUID } from 'node:crypto';
import { checkAmount, checkChargeAmount } from './money';
import { isNoAnswer, withRetries } from './retries';
import { PaymentError, type ChargeRequest, type NetworkCharge, type Payment, type ServiceDependencies } from './types';

/**
 * A pending payment the network has no record of after this long was never charged: the
 * network drops an authorization it has not processed within a minute of receiving it.
 */
const ABANDON_AFTER_MS = 10 * 60 * 1000;

/**
 * Charges the card of an order through the card network, and refunds it.
 *
 * The payment row is written before the network is called and settled once the network
 * answers, so that a crash, a timeout or a store outage in between always leaves a record
 * that says money may have moved.
 */
export class PaymentService {
  constructor(private readonly deps: ServiceDependencies) {}

  /**
   * Charges an order. Resolves with its payment: `succeeded`, `failed` (declined) or
   * `pending` (the network did not answer; `reconcile` settles it). Charging an order again
   * returns its payment instead of charging twice.
   */
  async charge(request: ChargeRequest): Promise<Payment> {
    checkChargeAmount(request.amount, request.currency);
    const existing = await this.deps.payments.get(request.orderId);
    if (existing) return this.replay(existing, request);

    const payment: Payment = {
      id: `pay_${randomUUID()}`,
      orderId: request.orderId,
      amount: request.amount,
      currency: request.currency,
      card: request.card,
      status: 'pending',
      declineCode: null,
      networkChargeId: null,
      amountRefunded: 0,
      refunds: {},
      createdAt: this.deps.clock.now(),
    };
    if (!(await this.deps.payments.setIfAbsent(request.orderId, payment))) {
      // Another request for the order got there first: answer with its payment.
      return this.replay((await this.deps.payments.get(request.orderId))!, request);
    }

    let answer: NetworkCharge;
    try {
      answer = await withRetries(
        (attempt) =>
          this.deps.network.authorize({
            idempotencyKey: payment.id,
            requestId: `${payment.id}/${attempt}`,
            reference: payment.orderId,
            amount: payment.amount,
            currency: payment.currency,
            card: payment.card,
          }),
        this.deps.sleep,
      );
    } catch (error) {
      if (isNoAnswer(error)) return payment;
      throw error;
    }
    return this.settle(payment, answer);
  }

  /** Settles a pending payment from what the network did with it. */
  async reconcile(orderId: string): Promise<Payment> {
    const payment = await this.load(orderId);
    if (payment.status !== 'pending') return payment;

    let found: NetworkCharge | undefined;
    try {
      found = await withRetries(() => this.deps.network.lookup(payment.id), this.deps.sleep);
    } catch (error) {
      if (isNoAnswer(error)) return payment;
      throw error;
    }
    if (found) return this.settle(payment, found);
    if (this.deps.clock.now() - payment.createdAt < ABANDON_AFTER_MS) return payment;
    return this.settle(payment, { status: 'declined', declineCode: 'authorization_abandoned' });
  }

  /**
   * Refunds `amount` of an order's payment. `refundId` is chosen by the caller and makes
   * the refund safe to retry: a refund id is refunded once, however often it is sent.
   */
  async refund(orderId: string, refundId: string, amount: number): Promise<Payment> {
    checkAmount(amount);
    for (;;) {
      const payment = await this.load(orderId);
      const existing = payment.refunds[refundId];
      if (existing) {
        if (existing.amount !== amount) throw new PaymentError('idempotency_error', `Refund ${refundId} was for ${existing.amount}`);
        return existing.status === 'succeeded' ? payment : this.sendRefund(payment, refundId);
      }
      if (payment.status !== 'succeeded') {
        throw new PaymentError('payment_not_refundable', `Payment of ${orderId} is ${payment.status}`);
      }
      const reserved = Object.values(payment.refunds).reduce((sum, refund) => sum + refund.amount, 0);
      if (amount > payment.amount - reserved) {
        throw new PaymentError('refund_exceeds_unrefunded', `At most ${payment.amount - reserved} can be refunded`);
      }
      // Recorded before the network is called, so that a refund whose answer is lost is retried, not forgotten.
      const next: Payment = { ...payment, refunds: { ...payment.refunds, [refundId]: { amount, status: 'pending', networkRefundId: null } } };
      if (!(await this.deps.payments.compareAndSet(orderId, payment, next))) continue;
      return this.sendRefund(next, refundId);
    }
  }

  private async sendRefund(payment: Payment, refundId: string): Promise<Payment> {
    const refund = payment.refunds[refundId]!;
    const idempotencyKey = `${payment.id}/refund/${refundId}`;
    let networkRefundId: string;
    try {
      ({ refundId: networkRefundId } = await withRetries(
        () => this.deps.network.refund({ idempotencyKey, chargeId: payment.networkChargeId!, amount: refund.amount }),
        this.deps.sleep,
      ));
    } catch (error) {
      // Still pending: sending the same refund id again finishes it.
      if (isNoAnswer(error)) return payment;
      throw error;
    }
    // Confirmed against the row as we last saw it; read again only when someone else wrote since.
    let current = payment;
    for (;;) {
      const recorded = current.refunds[refundId]!;
      if (recorded.status === 'succeeded') return current;
      const confirmed: Payment = {
        ...current,
        amountRefunded: current.amountRefunded + recorded.amount,
        refunds: { ...current.refunds, [refundId]: { ...recorded, status: 'succeeded', networkRefundId } },
      };
      if (await this.deps.payments.compareAndSet(payment.orderId, current, confirmed)) return confirmed;
      current = await this.load(payment.orderId);
    }
  }

  /** Records the network's answer on a pending payment, unless someone else settled it first. */
  private async settle(payment: Payment, answer: NetworkCharge): Promise<Payment> {
    const settled: Payment =
      answer.status === 'approved'
        ? { ...payment, status: 'succeeded', networkChargeId: answer.chargeId }
        : { ...payment, status: 'failed', declineCode: answer.declineCode };
    if (await this.deps.payments.compareAndSet(payment.orderId, payment, settled)) return settled;
    return this.load(payment.orderId);
  }

  /** The order's payment as it stands, settled first when it is still pending. */
  private async replay(payment: Payment, request: ChargeRequest): Promise<Payment> {
    if (payment.amount !== request.amount || payment.currency !== request.currency || payment.card !== request.card) {
      throw new PaymentError('idempotency_error', `Order ${request.orderId} was already charged with other parameters`);
    }
    return payment.status === 'pending' ? this.reconcile(payment.orderId) : payment;
  }

  private async load(orderId: string): Promise<Payment> {
    const payment = await this.deps.payments.get(orderId);
    if (!payment) throw new PaymentError('payment_not_found', `No payment for order ${orderId}`);
    return payment;
  }
}
