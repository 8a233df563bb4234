import { bug, guard, expectRejects, expectSame } from 'bugbash/harness';
import { exactMinorUnits, report, row, world, type Report, type Row } from './world';

// Amounts in the report are decimals in major units; everything we record is in minor units.

/** gross, fee and net of every line on the payout, in file order. */
function recorded(w: ReturnType<typeof world>, r: Report): [number, number, number][] {
  const lines = w.payouts.peek(r.payout)?.lines ?? {};
  return r.rows.map((x) => {
    const l = lines[x.balance_transaction];
    return l ? [l.gross, l.fee, l.net] : [NaN, NaN, NaN];
  });
}

function exact(r: Report): [number, number, number][] {
  return r.rows.map((x: Row) => [exactMinorUnits(x.gross, x.currency), exactMinorUnits(x.fee, x.currency), exactMinorUnits(x.net, x.currency)]);
}

/** Adjustment lines: recorded on the payout, matched with no charge, so only the amounts are judged. */
function adjustments(amounts: [string, string][], currency = 'usd'): Row[] {
  return amounts.map(([gross, fee], i) => row(`txn_a${i}`, { type: 'adjustment', currency, gross, fee }));
}

bug('amount-float-parse', 'report amounts become minor units digit for digit, as floating point would not give them', async () => {
  const w = world();
  const r = report('rpt_usd', adjustments([['17.99', '0.52'], ['0.29', '0.00'], ['-19.99', '0.00'], ['4.35', '1.15'], ['99999999.99', '0.58']]));
  const summary = await w.importer.importReport(r);
  expectSame(recorded(w, r), exact(r), 'amounts like 17.99, 0.29 and 4.35 were recorded a cent short (or the lines were refused)');
  expectSame(summary.lines, r.rows.length, 'not every line of the report was recorded');
});

bug('amount-float-parse', 'an amount written with fewer decimals than the currency has is scaled to minor units', async () => {
  const w = world();
  const r = report('rpt_short', adjustments([['12.5', '0.5'], ['10', '0'], ['-3.1', '0']]));
  await w.importer.importReport(r);
  expectSame(recorded(w, r), exact(r), 'an amount of 12.5 (or 10) was not recorded as 1250 (or 1000) cents');
});

bug('amount-float-parse', 'a charge line of 17.99 matches a capture of 1799 cents', async () => {
  const w = world(undefined, { ledger: { ch_9: { id: 'ch_9', currency: 'eur', amount: 1_799, amount_captured: 1_799, amount_refunded: 0 } } });
  const summary = await w.importer.importReport(report('rpt_eur', [row('txn_1', { source: 'ch_9', currency: 'eur', gross: '17.99', fee: '0.52' })]));
  expectSame(summary.exceptions, [], 'a capture of 17.99 EUR settled for 17.99 EUR was reported as an amount mismatch');
});

bug('currency-exponent', 'dinar amounts have three decimals and yen amounts none', async () => {
  const w = world();
  const kwd = report('rpt_kwd', adjustments([['12.250', '0.370'], ['5.500', '0.125'], ['-0.100', '0.000']], 'kwd'));
  await w.importer.importReport(kwd);
  expectSame(recorded(w, kwd), exact(kwd), 'a KWD report was not recorded in fils (12.250 KWD is 12250)');
  const jpy = report('rpt_jpy', adjustments([['1500', '45'], ['-300', '0']], 'jpy'), { payout: 'po_jpy' });
  await w.importer.importReport(jpy);
  expectSame(recorded(w, jpy), exact(jpy), 'a JPY report was not recorded in yen (1500 JPY is 1500)');
});

bug('currency-exponent', 'every three-decimal currency is read in thousandths, not only the dinar', async () => {
  const w = world();
  for (const currency of ['bhd', 'omr']) {
    const r = report(`rpt_${currency}`, adjustments([['7.250', '0.075'], ['3.000', '0.000']], currency), { payout: `po_${currency}` });
    await w.importer.importReport(r);
    expectSame(recorded(w, r), exact(r), `a ${currency.toUpperCase()} report was not recorded in thousandths (7.250 is 7250)`);
  }
});

guard('an amount with more decimals than its currency has refuses the whole report', async () => {
  for (const [currency, gross] of [['usd', '12.345'], ['jpy', '1500.5'], ['kwd', '1.2500']] as const) {
    const w = world();
    const r = report(`rpt_${currency}`, [row('txn_ok', { type: 'adjustment', currency, gross: currency === 'jpy' ? '100' : '1.00' }), row('txn_bad', { type: 'adjustment', currency, gross, fee: currency === 'jpy' ? '0' : '0.00', net: gross })]);
    await expectRejects(() => w.importer.importReport(r), 'report_invalid', `a ${currency.toUpperCase()} amount of ${gross} was not refused with report_invalid`);
    expectSame(w.payouts.snapshot(), {}, 'a refused report still recorded lines on the payout');
  }
});

guard('malformed reports are refused with report_invalid before anything is recorded', async () => {
  const good = row('txn_good', { type: 'adjustment', gross: '5.00' });
  const cases: [string, Row][] = [
    ['a net that is not gross less fee', row('txn_x', { type: 'adjustment', gross: '10.00', fee: '0.30', net: '9.80' })],
    ['a line in another currency', row('txn_x', { type: 'adjustment', currency: 'eur', gross: '10.00' })],
    ['an amount that is not a number', row('txn_x', { type: 'adjustment', gross: '1,000.00', net: '1000.00' })],
    ['a timestamp without an offset', row('txn_x', { type: 'adjustment', gross: '1.00', created: '2026-03-02T12:00:00' })],
    ['a refund with a positive gross', row('txn_x', { type: 'refund', gross: '10.00' })],
    ['a refund of zero', row('txn_x', { type: 'refund', gross: '0.00' })],
    ['a charge line of zero', row('txn_x', { gross: '0.00' })],
    ['a charge line with a negative gross', row('txn_x', { gross: '-10.00' })],
    ['an unknown line type', { ...row('txn_x', { type: 'adjustment', gross: '1.00' }), type: 'payout' as 'adjustment' }],
    ['an adjustment that names a charge', row('txn_x', { type: 'adjustment', source: 'ch_1', gross: '-15.00' })],
    ['a charge line without its charge', row('txn_x', { source: '', gross: '10.00' })],
    ['a line that is not a balance transaction', row('ch_123', { type: 'adjustment', gross: '1.00' })],
  ];
  for (const [what, bad] of cases) {
    const w = world();
    await expectRejects(() => w.importer.importReport(report('rpt_bad', [good, bad])), 'report_invalid', `a report with ${what} was not refused with report_invalid`);
    expectSame({ payouts: w.payouts.snapshot(), imports: w.imports.snapshot() }, { payouts: {}, imports: {} }, `a report with ${what} was refused but left lines or an import behind`);
  }
});

guard('a report whose settlement date is not a date is refused with report_invalid', async () => {
  for (const date of ['2026-3-2', 'March 2, 2026', '2026-03-02T00:00:00Z']) {
    const w = world();
    const r = { ...report('rpt_bad', [row('txn_1', { type: 'adjustment', gross: '5.00' })]), settlement_date: date };
    await expectRejects(() => w.importer.importReport(r), 'report_invalid', `a report dated ${JSON.stringify(date)} was not refused with report_invalid`);
    expectSame(w.payouts.snapshot(), {}, 'a report with an invalid settlement date still recorded lines');
  }
});

guard('one balance transaction listed twice with different amounts refuses the report', async () => {
  const w = world();
  const r = report('rpt_dup', [row('txn_1', { type: 'adjustment', gross: '5.00' }), row('txn_1', { type: 'adjustment', gross: '6.00' })]);
  await expectRejects(() => w.importer.importReport(r), 'report_invalid', 'a report listing txn_1 twice with different amounts was not refused');
});
