import { bug, guard, expectRejects, expectSame, outcome } from 'bugbash/harness';
import { linesOf, report, row, settledOf, world, type World } from './world';

// Importing a file again, re-issued files that repeat lines, and table failures mid-import.

const ROWS = [
  row('txn_1', { source: 'ch_1', gross: '100.00', fee: '3.20' }),
  row('txn_2', { type: 'refund', source: 'ch_2', gross: '-20.00' }),
  row('txn_3', { type: 'adjustment', gross: '-15.00' }),
];
const FILE = report('rpt_0302', ROWS);
/** The same day re-issued by the processor under a new file id, with a line added. */
const REISSUED = report('rpt_0302_v2', [...ROWS, row('txn_4', { type: 'refund', source: 'ch_4', gross: '-30.00' })]);

/** Settlement writes of ch_2 fail, whichever call the importer writes them with. */
function failSettlementOf(w: World, charge: string, kind: 'fail' | 'fail-after-write') {
  w.settlements.inject({ operation: 'compareAndSet', key: charge, kind });
  w.settlements.inject({ operation: 'set', key: charge, kind });
  w.settlements.inject({ operation: 'setIfAbsent', key: charge, kind });
}

async function cleanImport(file = FILE) {
  const w = world();
  return w.importer.importReport(file);
}

bug('store-error-swallowed', 'a ledger outage while matching a line rejects the import, and importing the file again completes it', async () => {
  const w = world(undefined, { invariants: { settlementSums: false } });
  w.ledger.inject({ operation: 'get', key: 'ch_2', kind: 'fail' });
  await expectRejects(() => w.importer.importReport(FILE), 'store_unavailable', 'the ledger could not be read for one line, yet the import reported success (the line was written off as an unknown charge)');
  expectSame(w.imports.peek(FILE.id), undefined, 'an import that failed was saved as done, so the file will never be imported again');
  const again = await w.importer.importReport(FILE);
  expectSame(
    { summary: again, payout: linesOf(w, FILE.payout) },
    { summary: await cleanImport(), payout: ['txn_1', 'txn_2', 'txn_3'] },
    'after a ledger outage, importing the file again did not complete it',
  );
});

bug('store-error-swallowed', 'a settlement write that fails rejects the import, and importing the file again settles the line', async () => {
  const w = world(undefined, { invariants: { settlementSums: false } });
  failSettlementOf(w, 'ch_2', 'fail');
  await expectRejects(() => w.importer.importReport(FILE), 'store_unavailable', 'the settlement of a line could not be written, yet the import reported success');
  expectSame(w.imports.peek(FILE.id), undefined, 'an import that failed was saved as done, so the file will never be imported again');
  const again = await w.importer.importReport(FILE);
  expectSame(
    { summary: again, payout: linesOf(w, FILE.payout), saved: w.imports.peek(FILE.id) },
    { summary: await cleanImport(), payout: ['txn_1', 'txn_2', 'txn_3'], saved: await cleanImport() },
    'after a failed settlement write, importing the file again did not complete it',
  );
});

bug('settlement-reapplied', 'a report re-issued under a new id settles the lines already imported once', async () => {
  const w = world();
  await w.importer.importReport(FILE);
  const reissued = await w.importer.importReport(REISSUED);
  expectSame(
    { exceptions: reissued.exceptions, ch_1: settledOf(w, 'ch_1'), ch_2: settledOf(w, 'ch_2') },
    { exceptions: [], ch_1: { captured: 10_000, refunded: 0, lines: ['txn_1'] }, ch_2: { captured: 0, refunded: 2_000, lines: ['txn_2'] } },
    'a re-issued report counted the capture and the refund it repeated a second time against their charges',
  );
});

bug('settlement-reapplied', 'a settlement write that landed without an answer is not applied again by the next import', async () => {
  const w = world();
  failSettlementOf(w, 'ch_2', 'fail-after-write');
  await outcome(w.importer.importReport(FILE));
  await w.importer.importReport(FILE);
  expectSame(settledOf(w, 'ch_2'), { captured: 0, refunded: 2_000, lines: ['txn_2'] }, 'a refund whose settlement was written but not confirmed was counted twice once the file was imported again');
});

bug('settlement-reapplied', 'a line whose settlement failed is settled by the next report that carries it', async () => {
  const w = world();
  failSettlementOf(w, 'ch_2', 'fail');
  await outcome(w.importer.importReport(FILE));
  const reissued = await w.importer.importReport(REISSUED);
  expectSame(
    { exceptions: reissued.exceptions, ch_2: settledOf(w, 'ch_2'), payout: linesOf(w, FILE.payout) },
    { exceptions: [], ch_2: { captured: 0, refunded: 2_000, lines: ['txn_2'] }, payout: ['txn_1', 'txn_2', 'txn_3', 'txn_4'] },
    'a refund already on the payout, whose settlement had failed, was skipped by the next report that listed it',
  );
});

guard('importing the same file again returns the first summary and changes nothing', async () => {
  const w = world();
  const first = await w.importer.importReport(FILE);
  const tables = () => ({ payouts: w.payouts.snapshot(), settlements: w.settlements.snapshot() });
  const before = tables();
  const again = await w.importer.importReport(FILE);
  expectSame({ again, tables: tables() }, { again: first, tables: before }, 'a file imported a second time did not answer with its first summary, or changed the payout or the settlements');
  expectSame(first, { report: 'rpt_0302', payout: 'po_20260302', lines: 3, exceptions: [] }, 'the summary of a clean import does not list its three lines without exceptions');
});

guard('a line listed twice in one file is recorded and settled once', async () => {
  const w = world();
  const twice = report('rpt_twice', [ROWS[0]!, ROWS[1]!, ROWS[0]!, ROWS[1]!]);
  const summary = await w.importer.importReport(twice);
  expectSame(
    { lines: summary.lines, net: w.payouts.peek(twice.payout)?.net, ch_1: settledOf(w, 'ch_1'), ch_2: settledOf(w, 'ch_2') },
    { lines: 2, net: 9_680 - 2_000, ch_1: { captured: 10_000, refunded: 0, lines: ['txn_1'] }, ch_2: { captured: 0, refunded: 2_000, lines: ['txn_2'] } },
    'a line the processor listed twice in one file was counted twice',
  );
});

guard('a payout write that fails rejects the import', async () => {
  const w = world();
  w.payouts.inject({ operation: 'compareAndSet', kind: 'fail' });
  await expectRejects(() => w.importer.importReport(FILE), 'store_unavailable', 'a line could not be written to its payout, yet the import reported success');
  await w.importer.importReport(FILE);
  expectSame(linesOf(w, FILE.payout), ['txn_1', 'txn_2', 'txn_3'], 'after a failed payout write, importing the file again did not record every line');
});
