import { describe, expect, it } from 'vitest';
import { decimal, exactMinorUnits, report, row, sumOfNets } from '../../exercises/reconciliation/hidden/fakes.js';

describe('reconciliation exactMinorUnits', () => {
  it('reads decimals digit for digit with each currency exponent', () => {
    expect(exactMinorUnits('17.99', 'usd')).toBe(1_799);
    expect(exactMinorUnits('0.29', 'usd')).toBe(29);
    expect(exactMinorUnits('-19.99', 'usd')).toBe(-1_999);
    expect(exactMinorUnits('12.5', 'usd')).toBe(1_250);
    expect(exactMinorUnits('10', 'eur')).toBe(1_000);
    expect(exactMinorUnits('1500', 'jpy')).toBe(1_500);
    expect(exactMinorUnits('12.250', 'kwd')).toBe(12_250);
    expect(exactMinorUnits('5.5', 'kwd')).toBe(5_500);
    expect(exactMinorUnits('-0.100', 'bhd')).toBe(-100);
    expect(exactMinorUnits('99999999.99', 'usd')).toBe(9_999_999_999);
  });

  it('refuses more decimals than the currency has, and anything that is not a decimal', () => {
    expect(() => exactMinorUnits('12.345', 'usd')).toThrow();
    expect(() => exactMinorUnits('1500.5', 'jpy')).toThrow();
    expect(() => exactMinorUnits('1,000.00', 'usd')).toThrow();
    expect(() => exactMinorUnits('1.00', 'xyz')).toThrow();
  });
});

describe('reconciliation decimal', () => {
  it('writes minor units back in the report notation, and round-trips', () => {
    expect(decimal(1_799, 'usd')).toBe('17.99');
    expect(decimal(-5, 'usd')).toBe('-0.05');
    expect(decimal(0, 'usd')).toBe('0.00');
    expect(decimal(1_500, 'jpy')).toBe('1500');
    expect(decimal(11_880, 'kwd')).toBe('11.880');
    for (const [minor, currency] of [[1, 'usd'], [-12_345, 'kwd'], [7, 'jpy'], [9_999_999_999, 'usd']] as const) {
      expect(exactMinorUnits(decimal(minor, currency), currency)).toBe(minor);
    }
  });
});

describe('reconciliation report builders', () => {
  it('computes net as gross less fee exactly, at noon UTC on the day, and defaults the source by type', () => {
    expect(row('txn_1', { gross: '100.00', fee: '3.20' })).toEqual({
      balance_transaction: 'txn_1', type: 'charge', source: 'ch_1', created: '2026-03-02T12:00:00.000Z',
      currency: 'usd', gross: '100.00', fee: '3.20', net: '96.80',
    });
    expect(row('txn_2', { type: 'refund', source: 'ch_2', gross: '-20.00', fee: '0.25' }).net).toBe('-20.25');
    expect(row('txn_3', { type: 'adjustment', gross: '-15.00' })).toMatchObject({ source: '', fee: '0.00', net: '-15.00' });
    expect(row('txn_4', { type: 'adjustment', currency: 'jpy', gross: '1500', fee: '45' })).toMatchObject({ fee: '45', net: '1455' });
    expect(row('txn_5', { gross: '1.00', net: '0.90' }).net).toBe('0.90');
  });

  it('names the payout after the day and sums nets exactly', () => {
    const rows = [row('txn_1', { gross: '100.00', fee: '3.20' }), row('txn_2', { type: 'refund', gross: '-20.00', fee: '0.25' }), row('txn_3', { type: 'adjustment', gross: '0.29' })];
    expect(report('rpt_1', rows)).toMatchObject({ id: 'rpt_1', payout: 'po_20260302', settlement_date: '2026-03-02', currency: 'usd' });
    expect(report('rpt_2', rows, { date: '2026-03-03', payout: 'po_x' })).toMatchObject({ payout: 'po_x', settlement_date: '2026-03-03' });
    expect(sumOfNets(rows)).toBe(9_680 - 2_025 + 29);
  });
});
