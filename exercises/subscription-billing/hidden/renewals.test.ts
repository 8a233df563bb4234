import { bug, guard, expectSame, expectThat, explore } from 'bugbash/harness';
import type { Subscription } from '@impl/types';
import { iso, invoicesOf, subscription, utc, world } from './world';

// Renewals: when a period is due, the month-end anchor, and several billing workers at once.

/** Renews a subscription whose period starts on `start` (its anchor day `anchor`) and returns the new period. */
async function renewOnce(anchor: number, start: number, end: number): Promise<string> {
  const w = world(undefined, { now: end, subscriptions: [subscription('sub_a', { billing_cycle_anchor_day: anchor, current_period_start: start, current_period_end: end })] });
  const invoice = await w.billing.renew('sub_a');
  const sub = w.subscriptions.peek('sub_a')!;
  expectThat(invoice !== null, `a subscription whose period ended on ${iso(end)} was not renewed at that moment`);
  return `${iso(sub.current_period_start)} → ${iso(sub.current_period_end)}`;
}

bug('anchor-month-overflow', 'a period anchored on the 31st ends on the last day of a shorter month', async () => {
  const cases: [number, number, number, string][] = [
    [31, utc(2025, 12, 31), utc(2026, 1, 31), '2026-01-31 → 2026-02-28'],
    [31, utc(2027, 12, 31), utc(2028, 1, 31), '2028-01-31 → 2028-02-29'],
    [30, utc(2025, 12, 30), utc(2026, 1, 30), '2026-01-30 → 2026-02-28'],
    [31, utc(2026, 2, 28), utc(2026, 3, 31), '2026-03-31 → 2026-04-30'],
    [31, utc(2026, 7, 31), utc(2026, 8, 31), '2026-08-31 → 2026-09-30'],
  ];
  for (const [anchor, start, end, expected] of cases) {
    expectSame(await renewOnce(anchor, start, end), expected, `a subscription anchored on day ${anchor}, renewed on ${iso(end)}, got the wrong next period`);
  }
});

bug('anchor-month-overflow', 'the February invoice of a subscription anchored on the 31st bills 31 January to 28 February', async () => {
  const w = world(undefined, { now: utc(2026, 1, 31, 3), subscriptions: [subscription('sub_a', { billing_cycle_anchor_day: 31, current_period_start: utc(2025, 12, 31), current_period_end: utc(2026, 1, 31) })] });
  const invoice = await w.billing.renew('sub_a');
  expectSame(
    invoice && { period: [iso(invoice.period_start), iso(invoice.period_end)], lines: invoice.lines.map((l) => [iso(l.period_start), iso(l.period_end), l.amount]), status: invoice.status },
    { period: ['2026-01-31', '2026-02-28'], lines: [['2026-01-31', '2026-02-28', 3000]], status: 'paid' },
    'the invoice of a subscription anchored on the 31st, renewed on 31 January, does not bill 31 January to 28 February',
  );
});

bug('anchor-day-lost', 'after a short month, a subscription anchored on the 31st goes back to the 31st', async () => {
  const cases: [number, number, number, string][] = [
    [31, utc(2026, 1, 31), utc(2026, 2, 28), '2026-02-28 → 2026-03-31'],
    [31, utc(2028, 1, 31), utc(2028, 2, 29), '2028-02-29 → 2028-03-31'],
    [31, utc(2026, 3, 31), utc(2026, 4, 30), '2026-04-30 → 2026-05-31'],
    [30, utc(2026, 1, 30), utc(2026, 2, 28), '2026-02-28 → 2026-03-30'],
    [29, utc(2026, 1, 29), utc(2026, 2, 28), '2026-02-28 → 2026-03-29'],
  ];
  for (const [anchor, start, end, expected] of cases) {
    expectSame(await renewOnce(anchor, start, end), expected, `a subscription anchored on day ${anchor}, renewed on ${iso(end)}, did not go back to its anchor day`);
  }
});

guard('a subscription anchored on the 15th renews on the 15th of every month for a year, into the next year', async () => {
  const w = world(undefined, { now: utc(2026, 1, 15), subscriptions: [subscription('sub_a', { billing_cycle_anchor_day: 15, current_period_start: utc(2025, 12, 15), current_period_end: utc(2026, 1, 15) })] });
  for (let month = 1; month <= 12; month += 1) {
    w.clock.set(utc(2026, month, 15));
    await w.billing.renew('sub_a');
  }
  expectSame(
    invoicesOf(w, 'sub_a').map((i) => iso(i.period_end)),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => `2026-${String(m).padStart(2, '0')}-15`).concat('2027-01-15'),
    'twelve renewals of a subscription anchored on the 15th did not end on the 15th of each following month',
  );
});

guard('a renewal bills the new period at the plan price, finalized, numbered and paid', async () => {
  const w = world(undefined, { subscriptions: [subscription('sub_a')] });
  const invoice = await w.billing.renew('sub_a');
  expectSame(
    invoice && { status: invoice.status, number: invoice.number, amount_due: invoice.amount_due, currency: invoice.currency, period: [iso(invoice.period_start), iso(invoice.period_end)], lines: invoice.lines.map((l) => [l.amount, l.proration]), attempts: invoice.attempt_count },
    { status: 'paid', number: 'INV-0001', amount_due: 3000, currency: 'usd', period: ['2026-04-10', '2026-05-10'], lines: [[3000, false]], attempts: 1 },
    'the renewal invoice of a basic subscription is not what the brief describes',
  );
  expectSame(w.gateway.charges.map((c) => [c.customer, c.amount]), [['cus_a', 3000]], 'the customer was not charged the plan price once');
});

guard('a period is renewed at its end exactly, not a millisecond before', async () => {
  const end = utc(2026, 4, 10);
  const w = world(undefined, { now: end - 1, subscriptions: [subscription('sub_a')] });
  const early = await w.billing.renew('sub_a');
  expectSame({ returned: early, invoices: w.invoices.values().length, charges: w.gateway.charges.length }, { returned: null, invoices: 0, charges: 0 }, 'a subscription was billed a millisecond before its period ended');
  w.clock.set(end);
  const due = await w.billing.renew('sub_a');
  expectSame(due?.status, 'paid', 'a subscription was not billed at the instant its period ended');
  const again = await w.billing.renew('sub_a');
  expectSame({ returned: again, invoices: w.invoices.values().length }, { returned: null, invoices: 1 }, 'a renewed subscription was billed again at once');
});

guard('a subscription two periods behind is billed one period per renewal, in order', async () => {
  const w = world(undefined, { now: utc(2026, 5, 12), subscriptions: [subscription('sub_a')] });
  await w.billing.renew('sub_a');
  await w.billing.renew('sub_a');
  const third = await w.billing.renew('sub_a');
  expectSame(
    { periods: invoicesOf(w, 'sub_a').map((i) => iso(i.period_start)), third },
    { periods: ['2026-04-10', '2026-05-10'], third: null },
    'a subscription two periods behind was not billed for each period once',
  );
});

/** Two subscriptions with their period due; each worker renews what it is given. */
function due(...ids: string[]): Subscription[] {
  return ids.map((id) => subscription(id));
}

bug('renewal-billed-twice', 'two billing workers renewing one subscription at once bill the period once', async () => {
  await explore({}, async (env) => {
    const w = world(env, { subscriptions: due('sub_a') });
    const results = await env.outcomes([
      env.run('worker 1 renews sub_a', () => w.billing.renew('sub_a')),
      env.run('worker 2 renews sub_a', () => w.billing2.renew('sub_a')),
    ]);
    const billed = results.filter((r) => r.status === 'fulfilled' && r.value !== null).length;
    expectSame(
      { invoices: invoicesOf(w, 'sub_a').length, charges: w.gateway.charges.length, renewalsReturned: billed },
      { invoices: 1, charges: 1, renewalsReturned: 1 },
      'two billing workers renewed one subscription at the same moment and the period was billed twice',
    );
    expectSame(iso(w.subscriptions.peek('sub_a')!.current_period_end), '2026-05-10', 'the subscription did not move on by exactly one period');
  });
});

bug('renewal-billed-twice', 'a third worker arriving while two others renew still finds the period billed once', async () => {
  await explore({ arrivals: 'now' }, async (env) => {
    const w = world(env, { subscriptions: due('sub_a') });
    await env.outcomes([
      env.run('worker 1 renews sub_a', () => w.billing.renew('sub_a')),
      env.run('worker 2 renews sub_a', () => w.billing2.renew('sub_a')),
      env.run('worker 1 renews sub_a again', () => w.billing.renew('sub_a')),
    ]);
    expectSame(invoicesOf(w, 'sub_a').length, 1, 'three renewals of one subscription at the same moment billed the period more than once');
  });}, { timeout: 20_000 });

