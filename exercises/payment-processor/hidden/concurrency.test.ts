import { bug, explore, expectSame, expectThat, guard } from 'bugbash/harness';
import type { Charge } from '@impl/types';
import { CARD, chargeOnFile, chargeRequest, world } from './world';

/** Interleavings tried per scenario: enough to hit each race many times over with these seeds. */
const RUNS = 16;
/** Many interleavings per test: allow for a busy machine (a real deadlock is still reported by the Env). */
const EXPLORE_TIMEOUT = { timeout: 10_000 };

function describeOutcomes(results: PromiseSettledResult<Charge | unknown>[]) {
  return results.map((r) => {
    if (r.status === 'rejected') return `refused: ${(r.reason as { code?: string })?.code ?? String(r.reason)}`;
    const value = r.value as Partial<Charge>;
    return value.status === 'failed' ? `declined: ${value.failureCode}` : `${value.status ?? 'done'}`;
  });
}

bug('balance-overdraw', 'two concurrent charges the balance covers only one of: one succeeds, the other is declined', async () => {
  await explore({ seed: 101, runs: RUNS }, async (env) => {
    const w = world(env, { balances: { [CARD]: 1_000 } });
    const results = await env.outcomes([
      env.run('charge A (600)', () => w.processor.charge(chargeRequest('order-A', 600))),
      env.run('charge B (600)', () => w.processor.charge(chargeRequest('order-B', 600))),
    ]);
    const outcomes = describeOutcomes(results).sort();
    expectSame(
      { outcomes, balance: w.balance() },
      { outcomes: ['declined: insufficient_funds', 'succeeded'], balance: 400 },
      'two concurrent charges of 600 cents on a card holding 1,000 both went through: the card was overdrawn',
    );
  });
}, EXPLORE_TIMEOUT);

bug('balance-overdraw', 'concurrent charges never take a balance below zero', async () => {
  await explore({ seed: 102, runs: RUNS }, async (env) => {
    const w = world(env, { balances: { [CARD]: 1_000 } });
    const results = await env.outcomes(
      ['A', 'B', 'C'].map((name) => env.run(`charge ${name} (400)`, () => w.processor.charge(chargeRequest(`order-${name}`, 400)))),
    );
    const outcomes = describeOutcomes(results).sort();
    expectSame(
      { outcomes, balance: w.balance() },
      { outcomes: ['declined: insufficient_funds', 'succeeded', 'succeeded'], balance: 200 },
      'three concurrent charges of 400 cents on a card holding 1,000 all went through: the card was overdrawn',
    );
  });
}, EXPLORE_TIMEOUT);

bug('duplicate-in-flight', 'two concurrent requests with the same key charge the card once', async () => {
  await explore({ seed: 201, runs: RUNS }, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('request', () => w.processor.charge(chargeRequest('order-1', 2_500))),
      env.run('retry', () => w.processor.charge(chargeRequest('order-1', 2_500))),
    ]);
    const chargesOnFile = w.storedCharges().length;
    expectSame(
      { chargesOnFile, balance: w.balance() },
      { chargesOnFile: 1, balance: 7_500 },
      'a request and its retry with the same idempotency key, running at the same time, were both executed: the card was charged twice',
    );
    const ids = new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : [])));
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string })?.code ?? String(r.reason)] : []));
    expectThat(ids.size === 1 && refusals.every((code) => code === 'idempotency_key_in_use'), 'a request and its retry with the same idempotency key, running at the same time, did not get the same charge (or idempotency_key_in_use while the first was in flight)', {
      expected: 'the same charge for both, or the charge for one and idempotency_key_in_use for the other',
      actual: describeOutcomes(results),
    });
  });
}, EXPLORE_TIMEOUT);

bug('duplicate-in-flight', 'a retry with changed parameters racing the first request is never executed alongside it', async () => {
  await explore({ seed: 202, runs: RUNS }, async (env) => {
    const w = world(env);
    await env.outcomes([
      env.run('request (2,500)', () => w.processor.charge(chargeRequest('order-1', 2_500))),
      env.run('retry (4,000)', () => w.processor.charge(chargeRequest('order-1', 4_000))),
    ]);
    const onFile = w.storedCharges();
    expectSame(
      { chargesOnFile: onFile.length, balance: w.balance() },
      { chargesOnFile: 1, balance: 10_000 - (onFile[0]?.amount ?? 0) },
      'two requests with the same idempotency key and different amounts, running at the same time, were both executed',
    );
  });
}, EXPLORE_TIMEOUT);

guard('two concurrent refunds of one charge never refund more than it', async () => {
  await explore({ seed: 301, runs: RUNS }, async (env) => {
    const w = world(env, { balances: { [CARD]: 3_000 }, charges: { ch_1: chargeOnFile('ch_1', 1_000) } });
    const results = await env.outcomes([
      env.run('refund A (600)', () => w.processor.refund('ch_1', 600)),
      env.run('refund B (600)', () => w.processor.refund('ch_1', 600)),
    ]);
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? 'refunded' : `refused: ${(r.reason as { code?: string })?.code}`)).sort();
    expectSame(
      { outcomes, amountRefunded: w.charges.peek('ch_1')?.amountRefunded, balance: w.balance() },
      { outcomes: ['refunded', 'refused: refund_exceeds_unrefunded'], amountRefunded: 600, balance: 3_600 },
      'two concurrent refunds of 600 cents on a 1,000-cent charge both went through',
    );
  });
}, EXPLORE_TIMEOUT);

guard('a charge and a refund on the same card at once both land on the balance', async () => {
  await explore({ seed: 302, runs: RUNS }, async (env) => {
    const w = world(env, { balances: { [CARD]: 1_000 }, charges: { ch_1: chargeOnFile('ch_1', 500) } });
    await env.outcomes([
      env.run('charge (800)', () => w.processor.charge(chargeRequest('order-2', 800))),
      env.run('refund ch_1 (500)', () => w.processor.refund('ch_1')),
    ]);
    expectSame(w.balance(), 700, 'a charge of 800 and a refund of 500 running at the same time on a card holding 1,000 did not leave 700: one update was lost');
  });
}, EXPLORE_TIMEOUT);
