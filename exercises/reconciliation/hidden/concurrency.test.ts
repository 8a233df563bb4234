import { bug, errorCode, expectSame, expectThat, explore } from 'bugbash/harness';
import { linesOf, NEXT_DAY, report, row, settledOf, sumOfNets, world } from './world';

// Several import workers over the same tables, handed the same file or overlapping files.

/**
 * Every ordering is tried on the reference (a few dozen at most); code that keeps state in
 * process memory makes every step depend on it, and is sampled with a fixed seed instead.
 */
const BUDGET = { orderings: 150, runs: 50 };

function failures(results: PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [errorCode(r.reason)] : []));
}

bug('payout-double-count', 'two workers importing the same file at the same time record its line on the payout once', async () => {
  const rows = [row('txn_1', { source: 'ch_1', gross: '100.00', fee: '3.20' })];
  const file = report('rpt_0302', rows);
  await explore(BUDGET, async (env) => {
    // Only the payout is judged here: how the charge was settled is another rule's test.
    const w = world(env, { invariants: { settlementSums: false } });
    const results = await env.outcomes([
      env.run('worker 1', () => w.importer.importReport(file)),
      env.run('worker 2', () => w.importer2.importReport(file)),
    ]);
    expectSame(failures(results), [], 'an import failed while another worker imported the same file');
    const payout = w.payouts.peek(file.payout);
    expectThat(payout?.net === sumOfNets(rows), 'the same file imported by two workers at once paid its line out twice in the payout', {
      expected: { lines: ['txn_1'], net: sumOfNets(rows) },
      actual: { lines: linesOf(w, file.payout), net: payout?.net },
    });
  });
});

bug('payout-double-count', 'two workers importing overlapping files of one payout record the shared line once', async () => {
  const a = row('txn_a', { type: 'adjustment', gross: '10.00' });
  const shared = row('txn_s', { type: 'adjustment', gross: '-4.00' });
  const b = row('txn_b', { type: 'adjustment', gross: '7.00' });
  const first = report('rpt_1', [a, shared], { payout: 'po_1' });
  const second = report('rpt_2', [shared, b], { payout: 'po_1' });
  await explore(BUDGET, async (env) => {
    const w = world(env, { invariants: { settlementSums: false } });
    const results = await env.outcomes([
      env.run('worker 1', () => w.importer.importReport(first)),
      env.run('worker 2', () => w.importer2.importReport(second)),
    ]);
    expectSame(failures(results), [], 'an import of overlapping files failed');
    const payout = w.payouts.peek('po_1');
    const expected = { lines: ['txn_a', 'txn_b', 'txn_s'], net: sumOfNets([a, shared, b]) };
    expectSame({ lines: linesOf(w, 'po_1'), net: payout?.net }, expected, 'two overlapping files imported at once left the payout with a line missing or counted twice');
  });
});

bug('settlement-lost-update', "two workers settling a charge's capture and its refund at the same time keep both", async () => {
  const capture = report('rpt_0302', [row('txn_c', { source: 'ch_2', gross: '50.00', fee: '1.75' })]);
  const refund = report('rpt_0303', [row('txn_r', { type: 'refund', source: 'ch_2', gross: '-20.00', created: `${NEXT_DAY}T09:00:00Z` })], { date: NEXT_DAY });
  await explore(BUDGET, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('worker 1', () => w.importer.importReport(capture)),
      env.run('worker 2', () => w.importer2.importReport(refund)),
    ]);
    expectSame(failures(results), [], 'an import failed while another worker settled the same charge');
    expectSame(settledOf(w, 'ch_2'), { captured: 5_000, refunded: 2_000, lines: ['txn_c', 'txn_r'] }, "two reports settling one charge at once: one of them was lost from the charge's settlement");
  });
});

bug('settlement-lost-update', 'two workers settling two refunds of one charge at the same time keep both', async () => {
  const first = report('rpt_1', [row('txn_r1', { type: 'refund', source: 'ch_4', gross: '-10.00' })], { payout: 'po_1' });
  const second = report('rpt_2', [row('txn_r2', { type: 'refund', source: 'ch_4', gross: '-20.00' })], { payout: 'po_2' });
  await explore(BUDGET, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('worker 1', () => w.importer.importReport(first)),
      env.run('worker 2', () => w.importer2.importReport(second)),
    ]);
    const summaries = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.exceptions] : []));
    expectSame(
      { failures: failures(results), exceptions: summaries.flat(), settled: settledOf(w, 'ch_4') },
      { failures: [], exceptions: [], settled: { captured: 0, refunded: 3_000, lines: ['txn_r1', 'txn_r2'] } },
      'two refunds of one charge settled at once by two workers: one was lost, or checked against a stale total',
    );
  });
});
