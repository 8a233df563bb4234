import { describe, expect, it } from 'vitest';
import {
  balancesInWholeCents,
  declinesNeverRefunded,
  moneyAddsUp,
  noCardBelowZero,
  refundsWithinCharge,
} from '../../exercises/payment-processor/hidden/rules.js';

const charge = (id: string, amount: number, extra: Partial<{ status: string; amountRefunded: number; refunded: boolean; cardId: string }> = {}) => ({
  id,
  cardId: 'card_1',
  amount,
  status: 'succeeded',
  amountRefunded: 0,
  refunded: false,
  ...extra,
});

describe('payment-processor world rules', () => {
  it('a balance of zero is fine; below zero, NaN or a fraction of a cent is not', () => {
    expect(noCardBelowZero([{ cardId: 'card_1', balance: 0 }])).toBe(true);
    expect(noCardBelowZero([{ cardId: 'card_1', balance: -1 }])).toContain('card_1 holds -1');
    expect(noCardBelowZero([{ cardId: 'card_1', balance: Number.NaN }])).not.toBe(true);
    expect(balancesInWholeCents([{ cardId: 'card_1', balance: 10 }])).toBe(true);
    expect(balancesInWholeCents([{ cardId: 'card_1', balance: 10.5 }])).not.toBe(true);
  });

  it('a declined charge shows nothing refunded', () => {
    expect(declinesNeverRefunded([charge('ch_1', 500, { status: 'failed' })])).toBe(true);
    expect(declinesNeverRefunded([charge('ch_1', 500, { status: 'failed', amountRefunded: 1 })])).not.toBe(true);
  });

  it('refunds stay within the charge and the refunded flag follows them', () => {
    expect(refundsWithinCharge([charge('ch_1', 500, { amountRefunded: 500, refunded: true }), charge('ch_2', 500, { amountRefunded: 1 })])).toBe(true);
    expect(refundsWithinCharge([charge('ch_1', 500, { amountRefunded: 501, refunded: false })])).not.toBe(true);
    expect(refundsWithinCharge([charge('ch_1', 500, { amountRefunded: 300, refunded: true })])).not.toBe(true);
    expect(refundsWithinCharge([charge('ch_1', 500, { amountRefunded: 500, refunded: false })])).not.toBe(true);
  });

  it('money adds up: new succeeded charges are taken off, refunds since the start are credited', () => {
    const before = { ch_old: charge('ch_old', 1_000, { amountRefunded: 200 }) };
    const after = [charge('ch_old', 1_000, { amountRefunded: 500 }), charge('ch_new', 400), charge('ch_declined', 9_000, { status: 'failed' })];
    expect(moneyAddsUp({ card_1: 2_000 }, before, [{ cardId: 'card_1', balance: 1_900 }], after)).toBe(true);
    expect(moneyAddsUp({ card_1: 2_000 }, before, [{ cardId: 'card_1', balance: 2_200 }], after)).toContain('leave 1900');
  });
});
