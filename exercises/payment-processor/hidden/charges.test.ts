import { Env, bug, compareWithReference, expectRejects, expectResolves, expectSame, expectThat, explore, fc, guard, outcome } from 'bugbash/harness';
import { PaymentProcessor as RefPaymentProcessor } from '@reference/processor';
import type { Charge } from '@impl/types';
import { CARD, DAY, HOUR, MINUTE, chargeRequest, summary, world, type ProcessorClass } from './world';

guard('a charge the balance covers succeeds and takes the amount off the card', async () => {
  const w = world(new Env());
  const charge = await expectResolves(w.processor.charge(chargeRequest('order-1', 2_500, { description: 'Coffee beans' })), 'a valid charge of 2,500 cents on a card holding 10,000 was refused');
  expectSame(
    summary(charge),
    { status: 'succeeded', failureCode: null, amount: 2_500, currency: 'usd', description: 'Coffee beans', amountRefunded: 0, refunded: false },
    'a successful charge came back with the wrong fields',
  );
  expectSame(w.balance(), 7_500, 'after a 2,500-cent charge on a card holding 10,000, the balance is wrong');
});

guard('a charge the balance does not cover is declined: saved as a failed charge, nothing taken', async () => {
  const w = world(new Env(), { balances: { [CARD]: 1_000 } });
  const charge = await expectResolves(w.processor.charge(chargeRequest('order-1', 1_500)), 'a charge larger than the balance was rejected with an error instead of coming back as a declined charge');
  expectSame(
    { status: charge.status, failureCode: charge.failureCode },
    { status: 'failed', failureCode: 'insufficient_funds' },
    'a charge of 1,500 cents on a card holding 1,000 was not declined for insufficient funds',
  );
  expectSame(w.balance(), 1_000, 'a declined charge changed the card balance');
  const replay = await w.processor.charge(chargeRequest('order-1', 1_500));
  expectSame(summary(replay), summary(charge), 'an immediate retry of a declined charge did not return the same decline');
  expectThat(replay.id === charge.id, 'an immediate retry of a declined charge created a second charge', { expected: charge.id, actual: replay.id });
});

guard('an immediate retry with the same key and parameters returns the first charge and charges once', async () => {
  const w = world(new Env());
  const first = await w.processor.charge(chargeRequest('order-1', 2_500));
  const retry = await expectResolves(w.processor.charge(chargeRequest('order-1', 2_500)), 'an immediate retry of a successful charge was refused');
  expectThat(retry.id === first.id, 'an immediate retry with the same idempotency key created a second charge', { expected: first.id, actual: retry.id });
  expectSame(w.balance(), 7_500, 'an immediate retry with the same idempotency key charged the card again');
});

guard('a charge of exactly the balance succeeds and leaves the card at zero', async () => {
  const w = world(new Env(), { balances: { [CARD]: 2_500 } });
  const charge = await expectResolves(w.processor.charge(chargeRequest('order-1', 2_500)), 'a charge of exactly the balance was refused');
  expectSame(
    { status: charge.status, failureCode: charge.failureCode, balance: w.balance() },
    { status: 'succeeded', failureCode: null, balance: 0 },
    'a charge of 2,500 cents on a card holding exactly 2,500 was not taken in full',
  );
});

guard('the same key reused for another card is refused with idempotency_error', async () => {
  const w = world(new Env(), { balances: { card_1: 5_000, card_2: 5_000 } });
  await w.processor.charge(chargeRequest('order-1', 2_000, { cardId: 'card_1' }));
  await expectRejects(
    w.instance(1).charge(chargeRequest('order-1', 2_000, { cardId: 'card_2' })),
    'idempotency_error',
    'a request reusing an idempotency key for another card was not refused with idempotency_error',
  );
  expectSame({ card_1: w.balance('card_1'), card_2: w.balance('card_2') }, { card_1: 3_000, card_2: 5_000 }, 'a key reused for another card moved money');
});

guard('the same key with different parameters is refused with idempotency_error and charges nothing more', async () => {
  const w = world(new Env());
  await w.processor.charge(chargeRequest('order-1', 2_500, { description: 'Coffee beans' }));
  await expectRejects(
    w.processor.charge(chargeRequest('order-1', 4_000, { description: 'Coffee beans' })),
    'idempotency_error',
    'a request reusing an idempotency key with a different amount was not refused with idempotency_error',
  );
  await expectRejects(
    w.processor.charge(chargeRequest('order-1', 2_500, { description: 'Tea' })),
    'idempotency_error',
    'a request reusing an idempotency key with a different description was not refused with idempotency_error',
  );
  expectSame(w.balance(), 7_500, 'requests reusing an idempotency key with other parameters changed the balance');
});

guard('a key whose result is older than 24 hours starts a new charge', async () => {
  const w = world(new Env());
  const first = await w.processor.charge(chargeRequest('order-1', 2_500));
  w.clock.advance(25 * HOUR);
  const second = await w.processor.charge(chargeRequest('order-1', 2_500));
  expectThat(second.id !== first.id, 'a key used 25 hours ago replayed the old charge instead of starting a new one', {
    expected: 'a new charge',
    actual: 'the charge from 25 hours ago',
  });
  expectSame(w.balance(), 5_000, 'a key reused after 25 hours did not charge the card as a new charge');
});

guard('invalid requests are not saved, so a corrected retry with the same key goes through', async () => {
  const w = world(new Env());
  const refusals: [string, Parameters<typeof chargeRequest>[2], number, string][] = [
    ['below the minimum', {}, 25, 'amount_too_small'],
    ['above the maximum', {}, 100_000_000, 'amount_too_large'],
    ['with an uppercase currency', { currency: 'USD' }, 2_500, 'currency_invalid'],
  ];
  for (const [what, extra, amount, code] of refusals) {
    await expectRejects(w.processor.charge(chargeRequest('order-1', amount, extra)), code, `a charge ${what} was not refused with ${code}`);
  }
  const charge = await expectResolves(
    w.processor.charge(chargeRequest('order-1', 2_500)),
    'after refused attempts, a corrected request with the same idempotency key was refused: the refusals were saved',
  );
  expectSame(charge.status, 'succeeded', 'after refused attempts, a corrected request with the same idempotency key did not succeed');
  expectSame(w.balance(), 7_500, 'after refused attempts and one good charge, the balance is wrong');
});

guard('charge amounts outside 50 to 99,999,999 cents are refused', async () => {
  const w = world(new Env(), { balances: { [CARD]: 200_000_000 } });
  const cases: [number, string][] = [
    [0, 'amount_invalid'],
    [-500, 'amount_invalid'],
    [49, 'amount_too_small'],
    [100_000_000, 'amount_too_large'],
  ];
  for (const [amount, code] of cases) {
    await expectRejects(w.processor.charge(chargeRequest(`order-${amount}`, amount)), code, `a charge of ${amount} cents was not refused with ${code}`);
  }
  for (const amount of [50, 99_999_999]) {
    const charge = await expectResolves(w.processor.charge(chargeRequest(`order-${amount}`, amount)), `a charge of ${amount} cents (within the limits) was refused`);
    expectSame(charge.status, 'succeeded', `a charge of ${amount} cents on a card that covers it did not succeed`);
  }
  expectSame(w.balance(), 200_000_000 - 50 - 99_999_999, 'after charges at the limits, the balance is wrong');
});

guard('idempotency keys of 1 to 255 characters are accepted, others refused', async () => {
  const w = world(new Env());
  await expectRejects(w.processor.charge(chargeRequest('', 500)), 'idempotency_key_invalid', 'an empty idempotency key was not refused with idempotency_key_invalid');
  await expectRejects(
    w.processor.charge(chargeRequest('k'.repeat(256), 500)),
    'idempotency_key_invalid',
    'a 256-character idempotency key was not refused with idempotency_key_invalid',
  );
  await expectResolves(w.processor.charge(chargeRequest('k'.repeat(255), 500)), 'a 255-character idempotency key was refused');
  expectSame(w.balance(), 9_500, 'after one charge of 500 cents, the balance is wrong');
});

type ChargeCommand = { key: string; amount: number; description?: string };

guard('a run of charges with reused keys behaves like the reference', async () => {
  await compareWithReference<{ w: ReturnType<typeof world>; ids: Map<string, string> }, ChargeCommand>({
    symptom: 'charges with reused idempotency keys diverged from the reference',
    commands: fc.array(
      fc.record(
        {
          key: fc.constantFrom('order-1', 'order-2', 'order-3'),
          amount: fc.constantFrom(25, 700, 2_500, 6_000),
          description: fc.constantFrom('Coffee beans', 'Tea'),
        },
        { requiredKeys: ['key', 'amount'] },
      ),
      { minLength: 1, maxLength: 8 },
    ),
    create: (side, env) => ({
      w: world(env, { impl: side === 'reference' ? (RefPaymentProcessor as unknown as ProcessorClass) : undefined }),
      ids: new Map(),
    }),
    apply: async ({ w, ids }, command) => {
      const charge = await w.processor.charge(chargeRequest(command.key, command.amount, command.description ? { description: command.description } : {}));
      // Charge ids are random: name each by the order in which it first appeared.
      if (!ids.has(charge.id)) ids.set(charge.id, `charge #${ids.size + 1}`);
      return { charge: ids.get(charge.id), ...summary(charge) };
    },
    state: ({ w }) => ({ balance: w.balance(), chargesOnFile: w.storedCharges().length }),
    describe: (c) => `charge(key ${JSON.stringify(c.key)}, ${c.amount} cents${c.description ? `, ${JSON.stringify(c.description)}` : ''})`,
    seed: 11,
    runs: 60,
  });
});

bug('amount-not-integer', 'fractional, NaN and infinite charge amounts are refused with amount_invalid', async () => {
  for (const amount of [1_999.5, 50.25, Number.NaN, Number.POSITIVE_INFINITY]) {
    const w = world(new Env());
    const result = await outcome(w.processor.charge(chargeRequest('order-1', amount)));
    expectThat(!result.ok && result.code === 'amount_invalid', `a charge of ${amount} cents was ${result.ok ? 'accepted' : `refused with ${result.code}`} instead of refused with amount_invalid: amounts are whole cents, never rounded or guessed`, {
      expected: { error: 'amount_invalid', balance: 10_000 },
      actual: result.ok ? { returned: summary(result.value as Charge), balance: w.balance() } : { error: result.code, balance: w.balance() },
    });
  }
});

bug('replay-window', 'a retry ten minutes later with the same key returns the saved charge instead of charging again', async () => {
  const w = world(new Env());
  const first = await w.processor.charge(chargeRequest('order-1', 2_500));
  w.clock.advance(10 * MINUTE);
  const retry = await w.processor.charge(chargeRequest('order-1', 2_500));
  expectSame(
    { charge: retry.id === first.id ? 'the first charge' : 'a new charge', balance: w.balance() },
    { charge: 'the first charge', balance: 7_500 },
    'a charge retried ten minutes later with the same idempotency key and parameters charged the card a second time',
  );
});

bug('replay-window', 'a declined charge retried hours later stays declined, even after the card was topped up', async () => {
  const w = world(new Env(), { balances: { [CARD]: 1_000 }, overdraftInvariant: false });
  const declined = await w.processor.charge(chargeRequest('order-1', 1_500));
  await w.cards.set(CARD, { cardId: CARD, currency: 'usd', balance: 5_000 });
  w.clock.advance(3 * HOUR);
  const retry = await w.processor.charge(chargeRequest('order-1', 1_500));
  expectSame(
    { charge: retry.id === declined.id ? 'the first charge' : 'a new charge', status: retry.status, balance: w.balance() },
    { charge: 'the first charge', status: 'failed', balance: 5_000 },
    'a declined charge retried 3 hours later with the same idempotency key was executed again instead of replaying the saved decline',
  );
});

bug('replay-window', 'a key reused an hour later with other parameters is still refused with idempotency_error', async () => {
  const w = world(new Env());
  await w.processor.charge(chargeRequest('order-1', 2_500));
  w.clock.advance(HOUR);
  const result = await outcome(w.processor.charge(chargeRequest('order-1', 4_000)));
  expectThat(!result.ok && result.code === 'idempotency_error', 'an idempotency key reused an hour later with a different amount was executed as a new charge', {
    expected: { error: 'idempotency_error', balance: 7_500 },
    actual: result.ok ? { returned: summary(result.value), balance: w.balance() } : { error: result.code, balance: w.balance() },
  });
});

bug('replay-window', 'a retry 1 ms before 24 hours replays the saved charge; at 24 hours the key starts a new charge', async () => {
  const w = world(new Env());
  const first = await w.processor.charge(chargeRequest('order-1', 2_500));
  w.clock.advance(DAY - 1);
  const late = await w.instance(1).charge(chargeRequest('order-1', 2_500));
  w.clock.advance(1);
  const expired = await w.processor.charge(chargeRequest('order-1', 2_500));
  expectSame(
    {
      '23:59:59.999 later': late.id === first.id ? 'the first charge' : 'a new charge',
      '24:00:00.000 later': expired.id === first.id ? 'the first charge' : expired.id === late.id ? 'the charge of the retry' : 'a new charge',
      balance: w.balance(),
    },
    { '23:59:59.999 later': 'the first charge', '24:00:00.000 later': 'a new charge', balance: 5_000 },
    'a saved result was not kept for exactly 24 hours: a retry just under 24 hours later, or a request exactly 24 hours later, got the wrong answer',
  );
});

bug('refusal-holds-key', 'a charge refused for an unknown card is not saved: the corrected retry with the same key goes through', async () => {
  const w = world(new Env());
  await expectRejects(w.processor.charge(chargeRequest('order-1', 2_500, { cardId: 'card_missing' })), 'card_not_found', 'a charge on an unknown card was not refused with card_not_found');
  const retry = await outcome(w.processor.charge(chargeRequest('order-1', 2_500)));
  expectThat(retry.ok && retry.value.status === 'succeeded', `after a charge on an unknown card was refused, the corrected retry with the same idempotency key was ${retry.ok ? retry.value.status : `refused with ${retry.code}`}: the refusal held on to the key`, {
    expected: { retry: 'succeeded', balance: 7_500 },
    actual: { retry: retry.ok ? retry.value.status : `refused: ${retry.code}`, balance: w.balance() },
  });
  expectSame(w.balance(), 7_500, 'after a refused charge and its corrected retry, the balance is wrong');
});

bug('refusal-holds-key', 'a charge refused for a currency mismatch is not saved: the corrected retry, sent to another instance after the answer, goes through', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const refused = await outcome(env.run('charge in eur', () => w.instance(0).charge(chargeRequest('order-1', 2_500, { currency: 'eur' }))));
    expectThat(!refused.ok && refused.code === 'currency_mismatch', 'a charge in eur on a usd card was not refused with currency_mismatch', {
      expected: 'refused: currency_mismatch',
      actual: refused.ok ? refused.value.status : `refused: ${refused.code}`,
    });
    const retry = await outcome(env.run('corrected retry in usd', () => w.instance(1).charge(chargeRequest('order-1', 2_500))));
    expectSame(
      { retry: retry.ok ? retry.value.status : `refused: ${retry.code}`, balance: w.balance() },
      { retry: 'succeeded', balance: 7_500 },
      'after a charge in the wrong currency was refused, the corrected retry with the same idempotency key did not go through: the refusal held on to the key',
    );
  });
});
