/**
 * Rules of the brief over the rows of the world's stores, as plain functions (no `@impl`
 * import), so that the world can check them at every write and a unit test can check them.
 * Each returns true when the rule holds, or a description of what broke.
 */

interface CardRow {
  cardId: string;
  balance: number;
}

interface ChargeRow {
  id: string;
  cardId: string;
  amount: number;
  status: string;
  amountRefunded: number;
  refunded: boolean;
}

/** "A card's balance never goes below zero, however many charges run at the same time." */
export function noCardBelowZero(cards: readonly CardRow[]): true | string {
  const overdrawn = cards.filter((card) => !(card.balance >= 0));
  return overdrawn.length === 0 || overdrawn.map((card) => `${card.cardId} holds ${card.balance}`).join(', ');
}

/** Amounts are integers in minor units, so every balance is a whole number of cents. */
export function balancesInWholeCents(cards: readonly CardRow[]): true | string {
  const fractional = cards.filter((card) => !Number.isInteger(card.balance));
  return fractional.length === 0 || fractional.map((card) => `${card.cardId} holds ${card.balance}`).join(', ');
}

/** A declined charge took nothing: nothing of it is ever refunded. */
export function declinesNeverRefunded(charges: readonly ChargeRow[]): true | string {
  const refunded = charges.filter((charge) => charge.status !== 'succeeded' && (charge.amountRefunded !== 0 || charge.refunded));
  return refunded.length === 0 || refunded.map((charge) => `declined charge ${charge.id} shows ${charge.amountRefunded} refunded`).join(', ');
}

/**
 * The refunds of a charge never exceed it, and `refunded` is true exactly when all of it has
 * been refunded.
 */
export function refundsWithinCharge(charges: readonly ChargeRow[]): true | string {
  const broken = charges.filter(
    (charge) =>
      charge.status === 'succeeded' &&
      (!(charge.amountRefunded >= 0 && charge.amountRefunded <= charge.amount) || charge.refunded !== (charge.amountRefunded === charge.amount)),
  );
  return (
    broken.length === 0 ||
    broken.map((charge) => `charge ${charge.id} of ${charge.amount} shows ${charge.amountRefunded} refunded, refunded: ${charge.refunded}`).join(', ')
  );
}

/**
 * Money adds up (an end-state rule: between a debit and the save of its charge it does not
 * hold yet): each card holds what it started with, minus its succeeded charges created since,
 * plus every refund credited since.
 */
export function moneyAddsUp(
  initialBalances: Readonly<Record<string, number>>,
  initialCharges: Readonly<Record<string, ChargeRow>>,
  cards: readonly CardRow[],
  charges: readonly ChargeRow[],
): true | string {
  const problems: string[] = [];
  for (const card of cards) {
    let expected = initialBalances[card.cardId] ?? 0;
    for (const charge of charges) {
      if (charge.cardId !== card.cardId) continue;
      const before = initialCharges[charge.id];
      if (!before && charge.status === 'succeeded') expected -= charge.amount;
      expected += charge.amountRefunded - (before?.amountRefunded ?? 0);
    }
    if (card.balance !== expected) problems.push(`${card.cardId} holds ${card.balance}, but its charges and refunds leave ${expected}`);
  }
  return problems.length === 0 || problems.join(', ');
}
