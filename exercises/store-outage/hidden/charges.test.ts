import { Env, bug, expectRejects, expectSame, guard, outcome } from 'bugbash/harness';
import { DECLINED_CARD, INSUFFICIENT_FUNDS_CARD, ORDER, chargeRequest, summary, world } from './world';

guard('a charge the network approves succeeds, is on file and took the money once', async () => {
  const w = world(new Env());
  const payment = await w.service.charge(chargeRequest());
  expectSame(
    { returned: summary(payment), onFile: w.payment() && summary(w.payment()!), ...w.state() },
    {
      returned: { status: 'succeeded', declineCode: null, amount: 4_999, currency: 'usd', amountRefunded: 0 },
      onFile: { status: 'succeeded', declineCode: null, amount: 4_999, currency: 'usd', amountRefunded: 0 },
      status: 'succeeded', cardCharged: 1, netCharged: 4_999, amountRefunded: 0,
    },
    'a charge of $49.99 on a good card did not end succeeded, on file, with the card charged once',
  );
  expectSame(payment.networkChargeId, w.network.chargesFor(ORDER)[0]?.chargeId, "the payment does not name the network's charge");
});

guard('a declined card fails the payment with the decline code, without retrying', async () => {
  for (const [card, code] of [[DECLINED_CARD, 'card_declined'], [INSUFFICIENT_FUNDS_CARD, 'insufficient_funds']] as const) {
    const w = world(new Env());
    const payment = await w.service.charge(chargeRequest({ card }));
    expectSame(
      { status: payment.status, declineCode: payment.declineCode, onFile: w.payment()?.status, authorizationsSent: w.network.sent.authorize },
      { status: 'failed', declineCode: code, onFile: 'failed', authorizationsSent: 1 },
      `a card declined with ${code} did not fail the payment with that code after one authorization (a decline is an answer, not an error to retry)`,
    );
  }
});

guard('charging an order again returns its payment, succeeded or declined, without calling the network', async () => {
  for (const card of ['card_visa', DECLINED_CARD]) {
    const w = world(new Env());
    const first = await w.service.charge(chargeRequest({ card }));
    const again = await w.instance(1).charge(chargeRequest({ card }));
    expectSame(
      { again: { id: again.id, ...summary(again) }, authorizationsSent: w.network.sent.authorize },
      { again: { id: first.id, ...summary(first) }, authorizationsSent: 1 },
      'charging the same order a second time did not return the first payment, or called the network again',
    );
  }
});

guard('charging an order again with another amount, currency or card is refused with idempotency_error', async () => {
  for (const change of [{ amount: 5_000 }, { currency: 'eur' }, { card: 'card_mastercard' }]) {
    const w = world(new Env());
    await w.service.charge(chargeRequest());
    await expectRejects(w.service.charge(chargeRequest(change)), 'idempotency_error', `an order charged for $49.99 was charged again with ${JSON.stringify(change)} and not refused`);
    expectSame(w.state().cardCharged, 1, 'a second charge with other parameters reached the card');
  }
});

guard('amounts that are not whole minor units, or too large, are refused before anything is stored or sent', async () => {
  const cases: [number, string][] = [[Number.NaN, 'amount_invalid'], [49.99, 'amount_invalid'], [1999.5, 'amount_invalid'], [0, 'amount_invalid'], [-500, 'amount_invalid'], [Infinity, 'amount_invalid'], [100_000_000, 'amount_too_large']];
  for (const [amount, code] of cases) {
    const w = world(new Env());
    await expectRejects(w.service.charge(chargeRequest({ amount })), code, `a charge of ${amount} was not refused with ${code}`);
    expectSame({ onFile: w.payment() ?? null, sent: w.network.sent.authorize }, { onFile: null, sent: 0 }, `a refused charge of ${amount} was stored or sent to the network`);
  }
  const w = world(new Env());
  const largest = await w.service.charge(chargeRequest({ amount: 99_999_999 }));
  expectSame(largest.status, 'succeeded', 'a charge of 99,999,999 minor units, the largest allowed, did not succeed');
});

guard('a currency we do not charge in is refused with currency_not_supported', async () => {
  for (const currency of ['xyz', 'USD', 'btc', 'toString']) {
    const w = world(new Env());
    await expectRejects(w.service.charge(chargeRequest({ currency })), 'currency_not_supported', `a charge in ${currency} was not refused`);
  }
});

/** The minimum of each supported currency, in minor units (Stripe's table). */
const MINIMUMS: Record<string, number> = { usd: 50, eur: 50, gbp: 30, dkk: 250, sek: 300, hkd: 400, jpy: 50 };

async function chargeOutcome(currency: string, amount: number): Promise<string> {
  const w = world(new Env());
  const result = await outcome(w.service.charge(chargeRequest({ currency, amount, orderId: `order-${currency}-${amount}` })));
  return result.ok ? result.value.status : result.code;
}

bug('minimum-in-cents', 'in every supported currency, exactly the minimum charge is accepted and one minor unit less is refused', async () => {
  const actual: Record<string, [string, string]> = {};
  const expected: Record<string, [string, string]> = {};
  for (const [currency, minimum] of Object.entries(MINIMUMS)) {
    actual[currency] = [await chargeOutcome(currency, minimum), await chargeOutcome(currency, minimum - 1)];
    expected[currency] = ['succeeded', 'amount_too_small'];
  }
  expectSame(actual, expected, 'the minimum charge is wrong in some currency: [charge of exactly the minimum, one minor unit below] by currency');
});

bug('minimum-in-cents', 'a ¥50 charge (yen have no minor unit) succeeds, and ¥1,000 too', async () => {
  const actual = { yen50: await chargeOutcome('jpy', 50), yen1000: await chargeOutcome('jpy', 1_000), yen49: await chargeOutcome('jpy', 49) };
  expectSame(actual, { yen50: 'succeeded', yen1000: 'succeeded', yen49: 'amount_too_small' }, 'yen charges at or above ¥50, the minimum for jpy, were refused: an amount in yen is already in minor units');
});
