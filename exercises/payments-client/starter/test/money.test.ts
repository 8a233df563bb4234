import { describe, expect, it } from 'vitest';
import { ParameterError } from '../src/errors';
import { checkChargeAmount, currencyExponent, formatAmount, fromMinorUnits, minimumChargeAmount, toMinorUnits } from '../src/money';

describe('minor units', () => {
  it('knows each currency\'s exponent', () => {
    expect(currencyExponent('usd')).toBe(2);
    expect(currencyExponent('jpy')).toBe(0);
    expect(currencyExponent('kwd')).toBe(3);
    expect(() => currencyExponent('USD')).toThrow(ParameterError);
  });

  it('parses decimal amounts without floating-point error', () => {
    expect(toMinorUnits('17.99', 'usd')).toBe(1_799);
    expect(toMinorUnits('78.4', 'eur')).toBe(7_840);
    expect(toMinorUnits('1000', 'jpy')).toBe(1_000);
    expect(toMinorUnits('1.5', 'kwd')).toBe(1_500);
    expect(toMinorUnits('-0.05', 'usd')).toBe(-5);
  });

  it('refuses more decimals than the currency has', () => {
    expect(() => toMinorUnits('10.005', 'usd')).toThrow(ParameterError);
    expect(() => toMinorUnits('10.5', 'jpy')).toThrow(ParameterError);
    expect(() => toMinorUnits('1e3', 'usd')).toThrow(ParameterError);
  });

  it('formats minor units', () => {
    expect(fromMinorUnits(1_234, 'usd')).toBe('12.34');
    expect(fromMinorUnits(5, 'usd')).toBe('0.05');
    expect(fromMinorUnits(500, 'jpy')).toBe('500');
    expect(fromMinorUnits(-1_500, 'kwd')).toBe('-1.500');
    expect(formatAmount(123_456_789, 'usd')).toBe('1,234,567.89 USD');
    expect(formatAmount(-1_000, 'jpy')).toBe('-1,000 JPY');
  });
});

describe('charge amounts', () => {
  it('has the minimum of each currency in minor units', () => {
    expect(minimumChargeAmount('usd')).toBe(50);
    expect(minimumChargeAmount('gbp')).toBe(30);
    expect(minimumChargeAmount('jpy')).toBe(50);
    expect(minimumChargeAmount('huf')).toBe(17_500);
  });

  it('refuses amounts the API refuses', () => {
    expect(checkChargeAmount(50, 'usd')).toBe(50);
    expect(() => checkChargeAmount(49, 'usd')).toThrow(/at least 0.50 USD/);
    expect(() => checkChargeAmount(19.99, 'usd')).toThrow(ParameterError);
    expect(() => checkChargeAmount(100_000_000, 'usd')).toThrow(ParameterError);
    expect(() => checkChargeAmount(1_005, 'kwd')).toThrow(ParameterError);
    expect(checkChargeAmount(1_010, 'kwd')).toBe(1_010);
  });
});
