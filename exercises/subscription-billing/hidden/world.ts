/**
 * The world around the billing workers in the hidden suites: the subscriptions, invoices and
 * counters tables (FakeStore), a payment gateway and a hand-moved clock. The brief says
 * several billing workers run renewals and payments over the same tables, so a world builds
 * two of each, from separate module instances, all tracked.
 */
import { Env, FakeClock, FakeStore } from 'bugbash/harness';
import { Billing } from '@impl/billing';
import { Billing as SecondWorker } from '@impl/billing?instance=2';
import { Invoices } from '@impl/invoices';
import { Invoices as SecondInvoices } from '@impl/invoices?instance=2';
import type { Counter, Invoice, InvoiceStatus, Plan, Subscription } from '@impl/types';
import { FakeGateway, TickingClock } from './fakes';

export { exactShare, GatewayTimeout } from './fakes';

export const DAY = 24 * 60 * 60 * 1000;
export const HOUR = 60 * 60 * 1000;

/** 00:00 UTC on a date; months from 1. */
export function utc(year: number, month: number, day: number, hours = 0): number {
  return Date.UTC(year, month - 1, day, hours);
}

export function iso(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export const PLANS: Record<string, Plan> = {
  basic: { id: 'basic', amount: 3000, currency: 'usd' },
  pro: { id: 'pro', amount: 9000, currency: 'usd' },
  team: { id: 'team', amount: 4500, currency: 'usd' },
  lite: { id: 'lite', amount: 999, currency: 'usd' },
  plus: { id: 'plus', amount: 1001, currency: 'usd' },
  basic_eur: { id: 'basic_eur', amount: 2800, currency: 'eur' },
};

/** A subscription to `basic` on the 10th: the period 10 March to 10 April 2026 (31 days). */
export function subscription(id: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    id,
    customer: `cus_${id.replace(/^sub_/, '')}`,
    plan: 'basic',
    billing_cycle_anchor_day: 10,
    current_period_start: utc(2026, 3, 10),
    current_period_end: utc(2026, 4, 10),
    pending_items: [],
    ...overrides,
  };
}

/** A draft invoice of 3000 usd to cus_a, for a subscription of its own, as renew writes it before finalizing. */
export function draftInvoice(id: string, overrides: Partial<Invoice> = {}): Invoice {
  return {
    id,
    subscription: `sub_of_${id}`,
    customer: 'cus_a',
    number: null,
    status: 'draft',
    currency: 'usd',
    lines: [{ description: 'basic', amount: 3000, period_start: utc(2026, 4, 10), period_end: utc(2026, 5, 10), proration: false }],
    amount_due: 3000,
    period_start: utc(2026, 4, 10),
    period_end: utc(2026, 5, 10),
    attempt_count: 0,
    next_payment_attempt: null,
    charge: null,
    created: utc(2026, 4, 10),
    ...overrides,
  };
}

/** The same invoice, finalized with a number. */
export function openInvoice(id: string, overrides: Partial<Invoice> = {}): Invoice {
  return draftInvoice(id, { status: 'open', number: 'INV-0001', ...overrides });
}

export interface WorldOptions {
  subscriptions?: Subscription[];
  invoices?: Invoice[];
  now?: number;
  /** Each worker's clock moves on by this many ms every time it is read. */
  tickMs?: number;
  /** Build only the two invoice services (tests of invoices alone explore fewer instances). */
  invoicesOnly?: boolean;
}

export interface World {
  env: Env;
  clock: FakeClock;
  subscriptions: FakeStore<Subscription>;
  invoices: FakeStore<Invoice>;
  counters: FakeStore<Counter>;
  gateway: FakeGateway;
  /** Two billing workers over the same tables. */
  billing: Billing;
  billing2: Billing;
  /** Two invoice services (a billing worker's and the customer portal's), from separate module instances. */
  invoicing: Invoices;
  invoicing2: Invoices;
}

const NEXT: Record<InvoiceStatus, InvoiceStatus[]> = {
  draft: ['open'],
  open: ['paid', 'void', 'uncollectible'],
  uncollectible: ['paid', 'void'],
  paid: [],
  void: [],
};

export function world(env: Env = new Env(), options: WorldOptions = {}): World {
  const now = options.now ?? utc(2026, 4, 10, 6);
  const clock = options.tickMs ? new TickingClock(now, options.tickMs) : new FakeClock(now);
  const byId = <V extends { id: string }>(rows: V[] = []) => Object.fromEntries(rows.map((row) => [row.id, row]));
  const subscriptions = new FakeStore<Subscription>(env, 'subscriptions', byId(options.subscriptions), {
    describe: (s) => `${s.id} ${s.plan} ${iso(s.current_period_start)}→${iso(s.current_period_end)}`,
  });
  const invoices = new FakeStore<Invoice>(env, 'invoices', byId(options.invoices), {
    describe: (i) => `${i.id} ${i.status} ${i.number ?? 'no number'} ${i.amount_due} ${i.currency} attempts ${i.attempt_count}`,
  });
  const counters = new FakeStore<Counter>(env, 'counters');
  const gateway = new FakeGateway(env);
  const tables = { subscriptions, invoices, counters };
  const billing = options.invoicesOnly ? (undefined as unknown as Billing) : env.track(new Billing(tables, PLANS, gateway, clock));
  const billing2 = options.invoicesOnly ? (undefined as unknown as Billing) : env.track(new SecondWorker(tables, PLANS, gateway, clock) as unknown as Billing);
  const invoicing = env.track(new Invoices(tables, gateway, clock));
  const invoicing2 = env.track(new SecondInvoices(tables, gateway, clock) as unknown as Invoices);

  env.invariant('each billing period of a subscription is invoiced once', () => {
    const seen = new Map<string, string>();
    for (const invoice of invoices.values()) {
      if (invoice.status === 'void') continue;
      const period = `${invoice.subscription} ${iso(invoice.period_start)}`;
      const other = seen.get(period);
      if (other) return `${other} and ${invoice.id} both bill ${period}`;
      seen.set(period, invoice.id);
    }
    return true;
  });

  env.invariant('no two invoices carry the same number', () => {
    const seen = new Map<string, string>();
    for (const invoice of invoices.values()) {
      if (invoice.number === null) continue;
      const other = seen.get(invoice.number);
      if (other) return `${other} and ${invoice.id} are both ${invoice.number}`;
      seen.set(invoice.number, invoice.id);
    }
    return true;
  });

  env.invariant('an invoice is charged at most once', () => {
    const twice = gateway.charges.find((charge, i) => gateway.charges.findIndex((c) => c.invoice === charge.invoice) !== i);
    return twice ? `${twice.invoice} was charged ${gateway.chargesOf(twice.invoice).length} times` : true;
  });

  const last = new Map<string, Invoice>();
  env.invariant('an invoice moves draft → open → paid, void or uncollectible (uncollectible → paid or void), and is not edited once open', () => {
    for (const invoice of invoices.values()) {
      const before = last.get(invoice.id);
      last.set(invoice.id, invoice);
      if (!before) continue;
      if (before.status !== invoice.status && !NEXT[before.status].includes(invoice.status)) {
        return `${invoice.id} went from ${before.status} to ${invoice.status}`;
      }
      if (before.status === 'draft') continue;
      if (before.number !== invoice.number || before.amount_due !== invoice.amount_due || JSON.stringify(before.lines) !== JSON.stringify(invoice.lines)) {
        return `${invoice.id} was edited after it was finalized`;
      }
    }
    return true;
  });

  return { env, clock, subscriptions, invoices, counters, gateway, billing, billing2, invoicing, invoicing2 };
}

/** The invoices of a subscription, oldest period first. */
export function invoicesOf(w: World, subscriptionId: string): Invoice[] {
  return w.invoices.values().filter((i) => i.subscription === subscriptionId).sort((a, b) => a.period_start - b.period_start);
}
