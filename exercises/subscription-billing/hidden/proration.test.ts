import { bug, guard, errorCode, expectRejects, expectSame, expectThat, explore } from 'bugbash/harness';
import { DAY, HOUR, exactShare, iso, invoicesOf, subscription, utc, world } from './world';

// Plan changes: the proration lines (day-level, rounded per line) and where they are billed.

/** A 30-day period: 10 April to 10 May 2026, so basic (3000) is 100 a day and pro (9000) 300. */
const APRIL = { current_period_start: utc(2026, 4, 10), current_period_end: utc(2026, 5, 10) };
/** A 31-day period: 10 March to 10 April 2026. */
const MARCH = { current_period_start: utc(2026, 3, 10), current_period_end: utc(2026, 4, 10) };

/** Changes sub_a from `from` to `to` at `at`; returns the proration lines' amounts [credit, charge]. */
async function change(from: string, to: string, at: number, period = APRIL): Promise<number[]> {
  const w = world(undefined, { now: at, subscriptions: [subscription('sub_a', { plan: from, ...period })] });
  const changed = await w.billing.changePlan('sub_a', to);
  return changed.pending_items.map((line) => line.amount);
}

bug('proration-day-count', 'a change during a day counts that whole day as remaining time on the new plan', async () => {
  for (const [hours, label] of [[9, '09:00'], [15, '15:00'], [23.99, '23:59']] as const) {
    const at = utc(2026, 4, 20) + hours * HOUR;
    expectSame(await change('basic', 'pro', at), [-2000, 6000], `an upgrade from basic to pro on 20 April at ${label} UTC (20 of 30 days left, the 20th included) was not prorated as 20 days`);
  }
  expectSame(await change('basic', 'pro', utc(2026, 5, 9, 18)), [-100, 300], 'an upgrade on the last day of the period, in the evening, was not prorated as one day');
});

bug('proration-day-count', 'a change exactly at midnight counts from that day, a change on the first day of the period counts all of it', async () => {
  expectSame(await change('basic', 'pro', utc(2026, 4, 20)), [-2000, 6000], 'an upgrade at 00:00 UTC on 20 April was not prorated as 20 of 30 days');
  expectSame(await change('pro', 'basic', utc(2026, 4, 10, 12)), [-9000, 3000], 'a downgrade at noon on the first day of the period did not credit the whole period');
  expectSame(await change('pro', 'team', utc(2026, 5, 9)), [-300, 150], 'a change at 00:00 UTC on the last day of the period was not prorated as one day');
});

bug('proration-rounding', 'each proration line is rounded to the nearest minor unit, halves up', async () => {
  // 1001 × 15 / 30 = 500.5 → 501; 999 × 15 / 30 = 499.5 → 500.
  expectSame(await change('plus', 'lite', utc(2026, 4, 25)), [-501, 500], 'a change with 15 of 30 days left did not round both half-unit lines up (credit 501, charge 500)');
  // 999 × 16 / 31 = 515.6 → 516; 1001 × 16 / 31 = 516.6 → 517.
  expectSame(await change('lite', 'plus', utc(2026, 3, 25), MARCH), [-516, 517], 'a change with 16 of 31 days left was not rounded to the nearest minor unit');
});

bug('proration-rounding', 'proration lines match the exact half-up share for every day of a 30-day and a 31-day period', async () => {
  const pairs: [string, string][] = [['lite', 'plus'], ['plus', 'team'], ['team', 'lite']];
  const plans: Record<string, number> = { lite: 999, plus: 1001, team: 4500 };
  for (const [period, start, days] of [[APRIL, utc(2026, 4, 10), 30], [MARCH, utc(2026, 3, 10), 31]] as const) {
    for (const [from, to] of pairs) {
      const expected: string[] = [];
      const actual: string[] = [];
      for (let left = days; left >= 1; left -= 1) {
        const at = start + (days - left) * DAY;
        expected.push(`${iso(at)}: ${-exactShare(plans[from]!, left, days)} ${exactShare(plans[to]!, left, days)}`);
        actual.push(`${iso(at)}: ${(await change(from, to, at, period)).join(' ')}`);
      }
      expectSame(actual, expected, `a change from ${from} to ${to} in a ${days}-day period was not prorated to the nearest minor unit on some days`);
    }
  }
});

guard('the proration lines go on the next renewal invoice, before the new plan price', async () => {
  const w = world(undefined, { now: utc(2026, 4, 20), subscriptions: [subscription('sub_a', APRIL)] });
  await w.billing.changePlan('sub_a', 'pro');
  w.clock.set(utc(2026, 5, 10));
  const invoice = await w.billing.renew('sub_a');
  expectSame(
    invoice && { lines: invoice.lines.map((l) => [l.amount, l.proration, iso(l.period_start), iso(l.period_end)]), amount_due: invoice.amount_due },
    { lines: [[-2000, true, '2026-04-20', '2026-05-10'], [6000, true, '2026-04-20', '2026-05-10'], [9000, false, '2026-05-10', '2026-06-10']], amount_due: 13_000 },
    'the invoice after an upgrade does not hold the credit, the remaining-time charge and the new plan price',
  );
  expectSame(
    invoice?.lines.map((l) => l.description),
    ['Unused time on basic from 2026-04-20', 'Remaining time on pro from 2026-04-20', 'pro from 2026-05-10 to 2026-06-10'],
    'the lines of the invoice after an upgrade are not described as the brief says',
  );
  expectSame(w.subscriptions.peek('sub_a')!.pending_items, [], 'the proration lines stayed pending after they were invoiced');
});

guard('two changes in one period each add their lines; the invoice sums them', async () => {
  const w = world(undefined, { now: utc(2026, 4, 15), subscriptions: [subscription('sub_a', APRIL)] });
  await w.billing.changePlan('sub_a', 'pro');
  w.clock.set(utc(2026, 4, 30));
  const changed = await w.billing.changePlan('sub_a', 'team');
  expectSame(changed.pending_items.map((l) => l.amount), [-2500, 7500, -3000, 1500], 'a second change in the period did not add a credit on pro and a charge on team for the 10 days left');
  w.clock.set(utc(2026, 5, 10));
  const invoice = await w.billing.renew('sub_a');
  expectSame(invoice?.amount_due, 3500 + 4500, 'the renewal after two changes did not sum their lines and the team price');
  expectSame(invoicesOf(w, 'sub_a').length, 1, 'plan changes were invoiced on their own instead of on the next renewal');
});

guard('a plan in another currency, an unknown plan, and a change when the renewal is due are refused and change nothing', async () => {
  const w = world(undefined, { now: utc(2026, 4, 20), subscriptions: [subscription('sub_a', APRIL)] });
  const before = w.subscriptions.peek('sub_a');
  await expectRejects(() => w.billing.changePlan('sub_a', 'basic_eur'), 'currency_mismatch', 'a change to a plan billed in eur was not refused with currency_mismatch');
  await expectRejects(() => w.billing.changePlan('sub_a', 'gold'), 'resource_missing', 'a change to an unknown plan was not refused with resource_missing');
  await expectRejects(() => w.billing.changePlan('sub_x', 'pro'), 'resource_missing', 'a change of an unknown subscription was not refused with resource_missing');
  w.clock.set(utc(2026, 5, 10));
  await expectRejects(() => w.billing.changePlan('sub_a', 'pro'), 'renewal_due', 'a change at the instant the period ended was not refused with renewal_due');
  expectSame(w.subscriptions.peek('sub_a'), before, 'a refused change modified the subscription');
});

guard('two plan changes of one subscription at the same moment: one applies, the other is refused with lock_timeout', async () => {
  await explore({}, async (env) => {
    const w = world(env, { now: utc(2026, 4, 20), subscriptions: [subscription('sub_a', APRIL)] });
    const results = await env.outcomes([
      env.run('portal changes sub_a to pro', () => w.billing.changePlan('sub_a', 'pro')),
      env.run('portal changes sub_a to team', () => w.billing2.changePlan('sub_a', 'team')),
    ]);
    const sub = w.subscriptions.peek('sub_a')!;
    const applied = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ plan: string }>).value.plan);
    const refused = results.filter((r) => r.status === 'rejected').map((r) => errorCode((r as PromiseRejectedResult).reason));
    const sequential = applied.length === 2 && sub.pending_items.length === 4 && applied.includes(sub.plan);
    const oneWins = applied.length === 1 && refused[0] === 'lock_timeout' && sub.plan === applied[0] && sub.pending_items.length === 2;
    expectThat(sequential || oneWins, 'two simultaneous plan changes did not end with one applied (and its two lines) and the other refused', { expected: 'one change applied, the other lock_timeout', actual: { applied, refused, plan: sub.plan, lines: sub.pending_items.length } });
  });
});
