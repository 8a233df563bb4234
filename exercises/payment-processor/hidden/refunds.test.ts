import { Env, bug, compareWithReference, expectRejects, expectResolves, expectSame, expectThat, fc, guard, outcome } from 'bugbash/harness';
import { PaymentProcessor as RefPaymentProcessor } from '@reference/processor';
import { CARD, DAY, chargeOnFile, chargeRequest, world, type ProcessorClass } from './world';

/** What a refund came back with, minus its generated id and time. */
function refunded(value: unknown) {
  const refund = value as { amount: number; currency: string; status: string; chargeId: string };
  return { amount: refund.amount, currency: refund.currency, status: refund.status, chargeId: refund.chargeId };
}

guard('a full refund returns the whole amount to the card and marks the charge refunded', async () => {
  const w = world(new Env());
  const charge = await w.processor.charge(chargeRequest('order-1', 2_500));
  const refund = await expectResolves(w.processor.refund(charge.id), 'a full refund of a succeeded charge was refused');
  expectSame(refunded(refund), { amount: 2_500, currency: 'usd', status: 'succeeded', chargeId: charge.id }, 'a full refund came back with the wrong fields');
  expectSame(w.balance(), 10_000, 'a full refund of a 2,500-cent charge did not put the 2,500 cents back on the card');
  const stored = w.charges.peek(charge.id);
  expectSame(
    { amountRefunded: stored?.amountRefunded, refunded: stored?.refunded },
    { amountRefunded: 2_500, refunded: true },
    'after a full refund, the charge on file does not show it as refunded',
  );
  await expectRejects(w.processor.refund(charge.id), 'charge_already_refunded', 'refunding a fully refunded charge again was not refused with charge_already_refunded');
  expectSame(w.balance(), 10_000, 'a second refund of a fully refunded charge changed the balance');
});

guard('a partial refund returns that part and leaves the charge open for more', async () => {
  const w = world(new Env());
  const charge = await w.processor.charge(chargeRequest('order-1', 1_000));
  const refund = await w.processor.refund(charge.id, 250);
  expectSame(refunded(refund).amount, 250, 'a partial refund of 250 cents refunded another amount');
  const stored = w.charges.peek(charge.id);
  expectSame(
    { amountRefunded: stored?.amountRefunded, refunded: stored?.refunded, balance: w.balance() },
    { amountRefunded: 250, refunded: false, balance: 9_250 },
    'after a partial refund of 250 cents on a 1,000-cent charge, the charge or the balance is wrong',
  );
});

guard('a refund of 1 cent, the smallest, goes through', async () => {
  const w = world(new Env(), { balances: { [CARD]: 4_000 }, charges: { ch_1: chargeOnFile('ch_1', 1_000) } });
  const refund = await expectResolves(w.processor.refund('ch_1', 1), 'a refund of 1 cent was refused');
  expectSame(
    { refunded: refunded(refund).amount, amountRefunded: w.charges.peek('ch_1')?.amountRefunded, balance: w.balance() },
    { refunded: 1, amountRefunded: 1, balance: 4_001 },
    'a refund of 1 cent on a 1,000-cent charge did not refund 1 cent',
  );
});

guard('refunding an unknown charge is refused with charge_not_found', async () => {
  const w = world(new Env());
  await expectRejects(w.processor.refund('ch_missing'), 'charge_not_found', 'a refund of a charge that does not exist was not refused with charge_not_found');
  expectSame(w.balance(), 10_000, 'a refund of a charge that does not exist changed the balance');
});

guard('a refund larger than the charge is refused and refunds nothing', async () => {
  const w = world(new Env());
  const charge = await w.processor.charge(chargeRequest('order-1', 1_000));
  await expectRejects(
    w.processor.refund(charge.id, 1_500),
    'refund_exceeds_unrefunded',
    'a refund of 1,500 cents on a 1,000-cent charge was not refused with refund_exceeds_unrefunded',
  );
  await expectRejects(w.processor.refund(charge.id, 0), 'amount_invalid', 'a refund of 0 cents was not refused with amount_invalid');
  expectSame(w.balance(), 9_000, 'refused refunds changed the balance');
});

bug('refund-declined-charge', 'refunding a declined charge is refused with charge_not_refundable and credits nothing', async () => {
  const w = world(new Env(), { balances: { [CARD]: 1_000 }, overdraftInvariant: false });
  const declined = await w.processor.charge(chargeRequest('order-1', 1_500));
  const result = await outcome(w.processor.refund(declined.id));
  expectThat(!result.ok && result.code === 'charge_not_refundable', 'a declined charge (nothing was taken) was refunded: the card was credited money it never paid', {
    expected: { error: 'charge_not_refundable', balance: 1_000 },
    actual: result.ok ? { returned: refunded(result.value), balance: w.balance() } : { error: result.code, balance: w.balance() },
  });
});

bug('refund-declined-charge', 'a partial refund of a failed charge on file is refused too', async () => {
  const failed = chargeOnFile('ch_failed', 4_000, { status: 'failed', failureCode: 'insufficient_funds' });
  const w = world(new Env(), { balances: { [CARD]: 3_000 }, charges: { ch_failed: failed } });
  const result = await outcome(w.processor.refund('ch_failed', 500));
  expectThat(!result.ok && result.code === 'charge_not_refundable', 'a partial refund of a failed charge went through: the card was credited money it never paid', {
    expected: { error: 'charge_not_refundable', balance: 3_000 },
    actual: result.ok ? { returned: refunded(result.value), balance: w.balance() } : { error: result.code, balance: w.balance() },
  });
});

bug('refund-total-overwritten', 'partial refunds never add up to more than the charge', async () => {
  const w = world(new Env());
  const charge = await w.processor.charge(chargeRequest('order-1', 1_000));
  const results = [];
  for (let i = 0; i < 3; i += 1) {
    const result = await outcome(w.processor.refund(charge.id, 400));
    results.push(result.ok ? `refunded ${refunded(result.value).amount}` : `refused: ${result.code}`);
  }
  expectSame(
    { refunds: results, balance: w.balance() },
    { refunds: ['refunded 400', 'refunded 400', 'refused: refund_exceeds_unrefunded'], balance: 9_800 },
    'three partial refunds of 400 cents on a 1,000-cent charge: the refunds added up to more than the charge',
  );
});

bug('refund-total-overwritten', 'after a partial refund, refunding the rest closes the charge', async () => {
  const w = world(new Env());
  const charge = await w.processor.charge(chargeRequest('order-1', 1_000));
  await w.processor.refund(charge.id, 300);
  const rest = await w.processor.refund(charge.id);
  const again = await outcome(w.processor.refund(charge.id));
  const stored = w.charges.peek(charge.id);
  expectSame(
    {
      rest: refunded(rest).amount,
      thenRefundAgain: again.ok ? `refunded ${refunded(again.value).amount}` : `refused: ${again.code}`,
      amountRefunded: stored?.amountRefunded,
      refunded: stored?.refunded,
      balance: w.balance(),
    },
    { rest: 700, thenRefundAgain: 'refused: charge_already_refunded', amountRefunded: 1_000, refunded: true, balance: 10_000 },
    'a refund of 300 cents, then a refund of the rest, left the 1,000-cent charge open for more refunds',
  );
});

bug('refund-total-overwritten', 'a run of partial and full refunds behaves like the reference', async () => {
  await compareWithReference<ReturnType<typeof world>, { amount?: number }>({
    symptom: 'refunds of a 1,000-cent charge diverged from the reference',
    commands: fc.array(fc.record({ amount: fc.integer({ min: 1, max: 700 }) }, { requiredKeys: [] }), { minLength: 1, maxLength: 6 }),
    create: (side, env) =>
      world(env, {
        balances: { [CARD]: 5_000 },
        charges: { ch_1: chargeOnFile('ch_1', 1_000) },
        impl: side === 'reference' ? (RefPaymentProcessor as unknown as ProcessorClass) : undefined,
      }),
    apply: async (w, command) => refunded(await w.processor.refund('ch_1', command.amount)).amount,
    state: (w) => {
      const charge = w.charges.peek('ch_1');
      return { amountRefunded: charge?.amountRefunded, refunded: charge?.refunded, balance: w.balance() };
    },
    describe: (c) => (c.amount === undefined ? 'refund(ch_1) (the rest)' : `refund(ch_1, ${c.amount} cent${c.amount === 1 ? '' : 's'})`),
    seed: 7,
    runs: 60,
  });
});

bug('amount-not-integer', 'fractional and NaN refund amounts are refused with amount_invalid', async () => {
  for (const amount of [250.5, Number.NaN]) {
    const w = world(new Env(), { balances: { [CARD]: 4_000 }, charges: { ch_1: chargeOnFile('ch_1', 1_000) } });
    const result = await outcome(w.processor.refund('ch_1', amount));
    expectThat(!result.ok && result.code === 'amount_invalid', `a refund of ${amount} cents was ${result.ok ? 'accepted' : `refused with ${result.code}`} instead of refused with amount_invalid`, {
      expected: { error: 'amount_invalid', balance: 4_000 },
      actual: result.ok ? { returned: refunded(result.value), balance: w.balance() } : { error: result.code, balance: w.balance() },
    });
  }
});

/** When chargeOnFile's charges were made. */
const CHARGED_AT = chargeOnFile('ch_1', 1_000).createdAt;

guard('a refund 179 days after the charge goes through; one 181 days after it is refused with charge_expired_for_refund', async () => {
  const w = world(new Env(), { balances: { [CARD]: 4_000 }, charges: { ch_1: chargeOnFile('ch_1', 1_000) } });
  w.clock.set(CHARGED_AT + 179 * DAY);
  await expectResolves(w.processor.refund('ch_1', 300), 'a refund 179 days after the charge was refused');
  w.clock.set(CHARGED_AT + 181 * DAY);
  await expectRejects(w.instance(1).refund('ch_1'), 'charge_expired_for_refund', 'a refund 181 days after the charge was not refused with charge_expired_for_refund');
  expectSame(
    w.balance(),
    4_300,
    'a refund at 179 days and a refused one at 181 days left the charge or the balance wrong',
  );
});

bug('refund-window-boundary', 'a refund 1 ms before 180 days goes through; at exactly 180 days the rest is refused with charge_expired_for_refund', async () => {
  const w = world(new Env(), { balances: { [CARD]: 4_000 }, charges: { ch_1: chargeOnFile('ch_1', 1_000) } });
  w.clock.set(CHARGED_AT + 180 * DAY - 1);
  const before = await outcome(w.processor.refund('ch_1', 400));
  w.clock.set(CHARGED_AT + 180 * DAY);
  const at = await outcome(w.instance(1).refund('ch_1'));
  expectSame(
    {
      '179 days 23:59:59.999 after': before.ok ? `refunded ${refunded(before.value).amount}` : `refused: ${before.code}`,
      '180 days after': at.ok ? `refunded ${refunded(at.value).amount}` : `refused: ${at.code}`,
      balance: w.balance(),
    },
    { '179 days 23:59:59.999 after': 'refunded 400', '180 days after': 'refused: charge_expired_for_refund', balance: 4_400 },
    'refunds are accepted for exactly 180 days after the charge: a refund just before that, or one at exactly 180 days, got the wrong answer',
  );
});

bug('refund-window-boundary', 'a charge made through the service cannot be refunded at exactly 180 days, in full or in part', async () => {
  const w = world(new Env());
  const charge = await w.processor.charge(chargeRequest('order-1', 2_500));
  w.clock.advance(180 * DAY);
  const results = [];
  for (const amount of [undefined, 1]) {
    const result = await outcome(w.instance(1).refund(charge.id, amount));
    results.push(result.ok ? `refunded ${refunded(result.value).amount}` : `refused: ${result.code}`);
  }
  expectSame(
    { refunds: results, balance: w.balance() },
    { refunds: ['refused: charge_expired_for_refund', 'refused: charge_expired_for_refund'], balance: 7_500 },
    'a charge was refunded exactly 180 days after it was made, when its refund window had closed',
  );
});
