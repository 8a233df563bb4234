import { bug, guard, expectRejects, expectSame } from 'bugbash/harness';
import { report, row, settledOf, sumOfNets, world } from './world';

// Charge and refund lines against our ledger; payouts as the sum of their nets.

bug('partial-capture', 'a partial capture settled for what was captured raises no exception', async () => {
  const w = world();
  const summary = await w.importer.importReport(report('rpt_1', [row('txn_1', { source: 'ch_3', gross: '60.00', fee: '2.04' })]));
  expectSame(
    { exceptions: summary.exceptions, settled: settledOf(w, 'ch_3') },
    { exceptions: [], settled: { captured: 6_000, refunded: 0, lines: ['txn_1'] } },
    'a charge authorized for 100.00 and captured for 60.00 settled for 60.00, and was reported as an amount mismatch',
  );
});

bug('partial-capture', 'a capture line that differs from what was captured is an amount mismatch, even below the authorization', async () => {
  const w = world();
  const summary = await w.importer.importReport(
    report('rpt_1', [row('txn_1', { source: 'ch_3', gross: '80.00' }), row('txn_2', { source: 'ch_3', gross: '60.00' }), row('txn_3', { source: 'ch_1', gross: '100.00' })]),
  );
  expectSame(
    summary.exceptions,
    [{ transaction: 'txn_1', code: 'amount_mismatch' }],
    'a charge captured for 60.00 settled for 80.00 (authorized 100.00) was not reported as an amount mismatch, or a matching line was',
  );
});

guard('a full capture settles without an exception, and a capture line for more than was captured is a mismatch', async () => {
  const w = world();
  const summary = await w.importer.importReport(report('rpt_1', [row('txn_1', { source: 'ch_1', gross: '100.00', fee: '3.20' }), row('txn_2', { source: 'ch_2', gross: '50.01' })]));
  expectSame(
    { exceptions: summary.exceptions, ch_1: settledOf(w, 'ch_1') },
    { exceptions: [{ transaction: 'txn_2', code: 'amount_mismatch' }], ch_1: { captured: 10_000, refunded: 0, lines: ['txn_1'] } },
    'a full capture was reported as a mismatch, or a capture of 50.01 for a charge of 50.00 was not',
  );
});

bug('refund-fee-netted', 'a refund line with a processor fee settles the amount given back to the customer', async () => {
  const w = world();
  const summary = await w.importer.importReport(report('rpt_1', [row('txn_r', { type: 'refund', source: 'ch_2', gross: '-20.00', fee: '0.25' })]));
  expectSame(
    { exceptions: summary.exceptions, settled: settledOf(w, 'ch_2') },
    { exceptions: [], settled: { captured: 0, refunded: 2_000, lines: ['txn_r'] } },
    'a refund of 20.00 on which the processor charged a 0.25 fee was settled as 20.25 refunded (and reported as a refund mismatch)',
  );
});

bug('refund-fee-netted', 'partial refunds with fees add up to exactly what the ledger refunded', async () => {
  const w = world();
  const first = await w.importer.importReport(report('rpt_1', [row('txn_r1', { type: 'refund', source: 'ch_4', gross: '-10.00', fee: '0.25' })]));
  const second = await w.importer.importReport(report('rpt_2', [row('txn_r2', { type: 'refund', source: 'ch_4', gross: '-20.00', fee: '0.50' })], { payout: 'po_2' }));
  expectSame(
    { exceptions: [...first.exceptions, ...second.exceptions], settled: settledOf(w, 'ch_4') },
    { exceptions: [], settled: { captured: 0, refunded: 3_000, lines: ['txn_r1', 'txn_r2'] } },
    'two refunds of 10.00 and 20.00 of a charge refunded 30.00 did not settle as 30.00 refunded',
  );
});

guard('refunds settle up to what the ledger refunded; one cent more is a refund mismatch', async () => {
  const w = world();
  const summary = await w.importer.importReport(
    report('rpt_1', [row('txn_r1', { type: 'refund', source: 'ch_2', gross: '-15.00' }), row('txn_r2', { type: 'refund', source: 'ch_2', gross: '-5.00' }), row('txn_r3', { type: 'refund', source: 'ch_2', gross: '-0.01' })]),
  );
  expectSame(
    { exceptions: summary.exceptions, settled: settledOf(w, 'ch_2') },
    { exceptions: [{ transaction: 'txn_r3', code: 'refund_mismatch' }], settled: { captured: 0, refunded: 2_001, lines: ['txn_r1', 'txn_r2', 'txn_r3'] } },
    'refunds of 15.00 and 5.00 of a charge refunded 20.00 were not accepted, or one more cent was not a refund mismatch',
  );
});

guard('a refund imported before its charge line settles all the same', async () => {
  const w = world();
  const refund = await w.importer.importReport(report('rpt_1', [row('txn_r', { type: 'refund', source: 'ch_2', gross: '-20.00' })]));
  const charge = await w.importer.importReport(report('rpt_0', [row('txn_c', { source: 'ch_2', gross: '50.00' })], { payout: 'po_0' }));
  expectSame(
    { exceptions: [...refund.exceptions, ...charge.exceptions], settled: settledOf(w, 'ch_2') },
    { exceptions: [], settled: { captured: 5_000, refunded: 2_000, lines: ['txn_c', 'txn_r'] } },
    'a refund line that arrived before the line of its charge was not settled',
  );
});

guard('a line of a charge not on our ledger is paid out and reported as charge_unknown', async () => {
  const w = world();
  const rows = [row('txn_1', { source: 'ch_1', gross: '100.00', fee: '3.20' }), row('txn_2', { source: 'ch_nope', gross: '25.00', fee: '1.03' })];
  const summary = await w.importer.importReport(report('rpt_1', rows));
  expectSame(
    { exceptions: summary.exceptions, lines: summary.lines, net: w.payouts.peek('po_20260302')?.net, unknown: w.settlements.peek('ch_nope') },
    { exceptions: [{ transaction: 'txn_2', code: 'charge_unknown' }], lines: 2, net: sumOfNets(rows), unknown: undefined },
    'a line of a charge we have no record of was not recorded on the payout and reported as charge_unknown',
  );
});

guard("a payout is expected to be the sum of its lines' nets: fees kept back, refunds and adjustments subtracted", async () => {
  const w = world();
  const rows = [
    row('txn_1', { source: 'ch_1', gross: '100.00', fee: '3.20' }),
    row('txn_2', { type: 'refund', source: 'ch_2', gross: '-20.00' }),
    row('txn_3', { type: 'adjustment', gross: '-15.00' }),
    row('txn_4', { source: 'ch_2', gross: '50.00', fee: '1.75' }),
  ];
  await w.importer.importReport(report('rpt_1', rows));
  const expected = sumOfNets(rows);
  const matched = await w.importer.reconcilePayout('po_20260302', expected);
  const short = await w.importer.reconcilePayout('po_20260302', expected - 320);
  expectSame(
    [matched, short],
    [
      { payout: 'po_20260302', expected, deposited: expected, difference: 0, status: 'matched' },
      { payout: 'po_20260302', expected, deposited: expected - 320, difference: -320, status: 'difference' },
    ],
    'a payout was not expected to equal the sum of its nets (96.80 − 20.00 − 15.00 + 48.25)',
  );
  await expectRejects(() => w.importer.reconcilePayout('po_never', 0), 'payout_unknown', 'a payout with no lines was not payout_unknown');
});
