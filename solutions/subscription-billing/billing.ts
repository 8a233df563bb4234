import { randomUUID } from 'node:crypto';
import { isoDay, periodEndAfter } from './calendar';
import { Invoices } from './invoices';
import { prorationLines } from './proration';
import { BillingError, type BillingTables, type Clock, type Invoice, type PaymentGateway, type Plan, type Subscription } from './types';

/**
 * Monthly subscriptions: renewals, plan changes and the invoices they produce. Several
 * billing workers run `renew` for every subscription at once; the portal runs `changePlan`.
 */
export class Billing {
  readonly invoices: Invoices;

  constructor(
    private readonly tables: BillingTables,
    private readonly plans: Record<string, Plan>,
    gateway: PaymentGateway,
    private readonly clock: Clock,
  ) {
    this.invoices = new Invoices(tables, gateway, clock);
  }

  /**
   * Bills the next period of a subscription whose current period has ended: advances the
   * period, invoices it with the pending proration lines, finalizes and charges the invoice.
   * Returns null when nothing is due (or another worker billed it).
   */
  async renew(subscriptionId: string): Promise<Invoice | null> {
    const subscription = await this.load(subscriptionId);
    const now = this.clock.now();
    if (now < subscription.current_period_end) return null;

    const plan = this.plan(subscription.plan);
    const start = subscription.current_period_end;
    const end = periodEndAfter(start, subscription.billing_cycle_anchor_day);
    const renewed: Subscription = { ...subscription, current_period_start: start, current_period_end: end, pending_items: [] };
    if (!(await this.tables.subscriptions.compareAndSet(subscription.id, subscription, renewed))) return null;

    const lines = [
      ...subscription.pending_items,
      { description: `${plan.id} from ${isoDay(start)} to ${isoDay(end)}`, amount: plan.amount, period_start: start, period_end: end, proration: false },
    ];
    const draft: Invoice = {
      id: `in_${randomUUID().replace(/-/g, '')}`,
      subscription: subscription.id,
      customer: subscription.customer,
      number: null,
      status: 'draft',
      currency: plan.currency,
      lines,
      amount_due: lines.reduce((sum, line) => sum + line.amount, 0),
      period_start: start,
      period_end: end,
      attempt_count: 0,
      next_payment_attempt: null,
      charge: null,
      created: now,
    };
    await this.tables.invoices.set(draft.id, draft);
    await this.invoices.finalize(draft.id);
    return this.invoices.pay(draft.id);
  }

  /** Moves the subscription to another plan now; the proration lines go on the next invoice. */
  async changePlan(subscriptionId: string, planId: string): Promise<Subscription> {
    const subscription = await this.load(subscriptionId);
    const from = this.plan(subscription.plan);
    const to = this.plan(planId);
    if (to.currency !== from.currency) {
      throw new BillingError('currency_mismatch', `Plan ${planId} is billed in ${to.currency}, the subscription in ${from.currency}.`);
    }
    const now = this.clock.now();
    if (now >= subscription.current_period_end) {
      throw new BillingError('renewal_due', `Subscription ${subscriptionId} must be renewed before its plan changes.`);
    }
    const changed: Subscription = {
      ...subscription,
      plan: to.id,
      pending_items: [...subscription.pending_items, ...prorationLines(subscription, from, to, now)],
    };
    if (!(await this.tables.subscriptions.compareAndSet(subscription.id, subscription, changed))) {
      throw new BillingError('lock_timeout', `Subscription ${subscriptionId} was updated by another worker; reload it.`);
    }
    return changed;
  }

  private plan(planId: string): Plan {
    const plan = this.plans[planId];
    if (!plan) throw new BillingError('resource_missing', `No such plan: ${planId}`);
    return plan;
  }

  private async load(subscriptionId: string): Promise<Subscription> {
    const subscription = await this.tables.subscriptions.get(subscriptionId);
    if (!subscription) throw new BillingError('resource_missing', `No such subscription: ${subscriptionId}`);
    return subscription;
  }
}
