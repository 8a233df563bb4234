import { bug, guard, expectSame } from 'bugbash/harness';
import { DAY, linesOf, NEXT_DAY, report, row, world } from './world';

// A report covers one settlement day, cut at 00:00 UTC.

/** Imports a one-day report of adjustment lines created at the given instants; returns what was recorded and left out. */
async function cut(created: string[]) {
  const w = world();
  const r = report('rpt_day', created.map((at, i) => row(`txn_${i}`, { type: 'adjustment', gross: '10.00', created: at })));
  const summary = await w.importer.importReport(r);
  return {
    recorded: linesOf(w, r.payout),
    outside: summary.exceptions.filter((e) => e.code === 'outside_settlement_day').map((e) => e.transaction),
    lines: summary.lines,
  };
}

bug('cutoff-boundary', 'a line created exactly at 00:00 UTC after the settlement day belongs to the next day', async () => {
  expectSame(
    await cut([`${DAY}T23:59:59.999Z`, `${NEXT_DAY}T00:00:00.000Z`]),
    { recorded: ['txn_0'], outside: ['txn_1'], lines: 1 },
    `a line created at ${NEXT_DAY} 00:00:00.000 UTC was recorded in the report of ${DAY}`,
  );
});

bug('cutoff-boundary', 'the cutoff is 00:00 UTC whatever offset a timestamp is written with', async () => {
  expectSame(
    await cut([`${NEXT_DAY}T00:59:59.999+01:00`, `${NEXT_DAY}T01:00:00.000+01:00`, `${DAY}T23:30:00.000-01:00`, `${DAY}T00:30:00+01:00`]),
    { recorded: ['txn_0'], outside: ['txn_1', 'txn_2', 'txn_3'], lines: 1 },
    'lines were assigned to the settlement day by the date they were written with, or 01:00+01:00 (00:00 UTC) was counted in the day before',
  );
});

guard('the settlement day starts at 00:00:00.000 UTC on its date', async () => {
  expectSame(
    await cut([`${DAY}T00:00:00.000Z`, `${DAY}T00:00:00.001Z`, '2026-03-01T23:59:59.999Z', `${DAY}T12:00:00Z`]),
    { recorded: ['txn_0', 'txn_1', 'txn_3'], outside: ['txn_2'], lines: 3 },
    `a line created in the first instant of ${DAY} UTC was left out of its report, or one created the day before was recorded`,
  );
});

guard('a line left out of one day is recorded by the report of its own day', async () => {
  const w = world();
  const late = row('txn_late', { type: 'adjustment', gross: '-15.00', created: `${NEXT_DAY}T08:00:00Z` });
  const first = await w.importer.importReport(report('rpt_0302', [row('txn_1', { type: 'adjustment', gross: '20.00' }), late], { payout: 'po_1' }));
  const second = await w.importer.importReport(report('rpt_0303', [late], { payout: 'po_2', date: NEXT_DAY }));
  expectSame(
    { first: first.exceptions, po_1: linesOf(w, 'po_1'), second: second.exceptions, po_2: linesOf(w, 'po_2') },
    { first: [{ transaction: 'txn_late', code: 'outside_settlement_day' }], po_1: ['txn_1'], second: [], po_2: ['txn_late'] },
    "a line of the next day was not left out of today's payout, or not recorded in its own day's",
  );
});
