import { DAY_MS } from './calendar';
import { BillingError, type BillingTables, type ChargeResult, type Clock, type Invoice, type PaymentGateway } from './types';

/** Days after a failed attempt that the next one is made; after the last, the invoice is uncollectible. */
export const RETRY_DAYS = [3, 5, 7];

/**
 * Finalises, charges, voids and writes off invoices. Several billing workers and the
 * customer portal run this over the same tables.
 */
export class Invoices {
  constructor(
    private readonly tables: BillingTables,
    private readonly gateway: PaymentGateway,
    private readonly clock: Clock,
  ) {}

  /** Draft to open: the invoice gets its number and can no longer be edited. */
  async finalize(invoiceId: string): Promise<Invoice> {
    const invoice = await this.load(invoiceId);
    if (invoice.status !== 'draft') {
      throw new BillingError('invoice_not_draft', `Invoice ${invoiceId} is ${invoice.status}; only drafts can be finalized.`);
    }
    const open: Invoice = { ...invoice, status: 'open', number: await this.nextNumber() };
    if (!(await this.tables.invoices.compareAndSet(invoiceId, invoice, open))) {
      throw new BillingError('lock_timeout', `Invoice ${invoiceId} was updated by another worker; reload it.`);
    }
    return open;
  }

  /** One payment attempt: a charge with this attempt's idempotency key. */
  async pay(invoiceId: string): Promise<Invoice> {
    const invoice = await this.load(invoiceId);
    if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
      throw new BillingError('invoice_not_payable', `Invoice ${invoiceId} is ${invoice.status}.`);
    }
    const attempt = invoice.attempt_count + 1;
    const result = await this.charge(invoice, attempt);
    const next = result.status === 'succeeded' ? this.paid(invoice, attempt, result.charge) : this.failed(invoice, attempt);
    // A worker and the customer paying the same attempt share its key: the loser reads the winner's result.
    if (!(await this.tables.invoices.compareAndSet(invoiceId, invoice, next))) return this.load(invoiceId);
    return next;
  }

  /** The dunning worker: retries an invoice whose next attempt is due, else returns it unchanged. */
  async retryIfDue(invoiceId: string): Promise<Invoice> {
    const invoice = await this.load(invoiceId);
    // Every status but open clears next_payment_attempt, so only open invoices are ever due.
    if (invoice.next_payment_attempt === null || invoice.next_payment_attempt > this.clock.now()) return invoice;
    return this.pay(invoiceId);
  }

  async void(invoiceId: string): Promise<Invoice> {
    return this.close(invoiceId, 'void', ['open', 'uncollectible']);
  }

  async markUncollectible(invoiceId: string): Promise<Invoice> {
    return this.close(invoiceId, 'uncollectible', ['open']);
  }

  private async close(invoiceId: string, status: 'void' | 'uncollectible', from: Invoice['status'][]): Promise<Invoice> {
    const invoice = await this.load(invoiceId);
    if (!from.includes(invoice.status)) {
      throw new BillingError('invoice_not_open', `Invoice ${invoiceId} is ${invoice.status}.`);
    }
    const closed: Invoice = { ...invoice, status, next_payment_attempt: null };
    if (!(await this.tables.invoices.compareAndSet(invoiceId, invoice, closed))) {
      throw new BillingError('lock_timeout', `Invoice ${invoiceId} was updated by another worker; reload it.`);
    }
    return closed;
  }

  private charge(invoice: Invoice, attempt: number): Promise<ChargeResult> {
    return this.gateway.charge({
      idempotencyKey: `${invoice.id}-attempt-${attempt}`,
      customer: invoice.customer,
      amount: invoice.amount_due,
      currency: invoice.currency,
      invoice: invoice.id,
    });
  }

  private paid(invoice: Invoice, attempt: number, charge: string): Invoice {
    return { ...invoice, status: 'paid', attempt_count: attempt, next_payment_attempt: null, charge };
  }

  private failed(invoice: Invoice, attempt: number): Invoice {
    const retryIn = RETRY_DAYS[attempt - 1];
    if (retryIn === undefined || invoice.status === 'uncollectible') {
      return { ...invoice, status: 'uncollectible', attempt_count: attempt, next_payment_attempt: null };
    }
    return { ...invoice, attempt_count: attempt, next_payment_attempt: this.clock.now() + retryIn * DAY_MS };
  }

  /** Invoice numbers are shared by every worker: each is given out once. */
  private async nextNumber(): Promise<string> {
    const row = await this.tables.counters.get('invoice_number');
    const value = (row?.value ?? 0) + 1;
    if (!(await this.tables.counters.compareAndSet('invoice_number', row, { value }))) return this.nextNumber();
    return `INV-${String(value).padStart(4, '0')}`;
  }

  private async load(invoiceId: string): Promise<Invoice> {
    const invoice = await this.tables.invoices.get(invoiceId);
    if (!invoice) throw new BillingError('resource_missing', `No such invoice: ${invoiceId}`);
    return invoice;
  }
}
