import { bug, guard, compareWithReference, errorCode, expectRejects, expectResolves, expectSame, fc } from 'bugbash/harness';
import {
  authorized,
  authorizedThroughApi,
  DAY,
  DECLINED,
  DECLINED_INSUFFICIENT_FUNDS,
  HOUR,
  MASTERCARD,
  T0,
  VISA,
  world,
  type World,
} from './world';

// One request at a time: the intent lifecycle, its rules and its error codes.

guard('a new intent awaits a payment method, or confirmation when one is given', async () => {
  const w = world();
  const bare = await w.intents.create({ amount: 1000, currency: 'usd' });
  const withCard = await w.intents.create({ amount: 2500, currency: 'eur', payment_method: VISA });
  expectSame(
    { bare: bare.status, withCard: withCard.status, capturable: bare.amount_capturable, received: bare.amount_received },
    { bare: 'requires_payment_method', withCard: 'requires_confirmation', capturable: 0, received: 0 },
    'a newly created intent is not in the state the API promises',
  );
  expectSame(await w.intents.retrieve(withCard.id), withCard, 'retrieving an intent right after creating it returned something else');
});

guard('amounts and currencies outside the limits are refused at creation', async () => {
  const w = world();
  const cases: [number, string, string][] = [
    [19.99, 'usd', 'amount_invalid'],
    [0, 'usd', 'amount_invalid'],
    [-500, 'usd', 'amount_invalid'],
    [Number.NaN, 'usd', 'amount_invalid'],
    [1, 'usd', 'amount_too_small'],
    [49, 'usd', 'amount_too_small'],
    [49, 'eur', 'amount_too_small'],
    [29, 'gbp', 'amount_too_small'],
    [100_000_000, 'usd', 'amount_too_large'],
    [1000, 'USD', 'currency_not_supported'],
    [1000, 'jpy', 'currency_not_supported'],
  ];
  for (const [amount, currency, code] of cases) {
    await expectRejects(() => w.intents.create({ amount, currency }), code, `creating an intent for ${amount} ${currency} was not refused with ${code}`);
  }
  for (const [amount, currency] of [[50, 'usd'], [50, 'eur'], [30, 'gbp']] as const) {
    await expectResolves(() => w.intents.create({ amount, currency }), `an intent for ${amount} ${currency} (the minimum) was refused`);
  }
  await expectResolves(() => w.intents.create({ amount: 99_999_999, currency: 'usd' }), 'an intent for 99,999,999 usd (the maximum) was refused');
});

guard('an unknown intent id is resource_missing', async () => {
  const w = world();
  await expectRejects(() => w.intents.retrieve('pi_missing'), 'resource_missing', 'retrieving an unknown intent did not fail with resource_missing');
  await expectRejects(() => w.intents.capture('pi_missing'), 'resource_missing', 'capturing an unknown intent did not fail with resource_missing');
});

guard('confirming with an approved card places a hold for the full amount and awaits capture', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1000, currency: 'usd' });
  const confirmed = await w.intents.confirm(created.id, { payment_method: VISA });
  expectSame(
    { status: confirmed.status, amount_capturable: confirmed.amount_capturable, payment_method: confirmed.payment_method, holds: w.network.summary() },
    { status: 'requires_capture', amount_capturable: 1000, payment_method: VISA, holds: { auth_1: { amount: 1000, captured: [], still_held: 1000 } } },
    'a confirmed intent does not show the authorization the card network placed',
  );
  expectSame(await w.intents.retrieve(created.id), confirmed, 'the stored intent differs from what confirm returned');
});

guard('confirming without a payment method is refused', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1000, currency: 'usd' });
  await expectRejects(() => w.intents.confirm(created.id), 'parameter_missing', 'confirming an intent with no payment method was not refused with parameter_missing');
});

guard('a declined card fails confirmation with card_declined and captures nothing', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1000, currency: 'usd', payment_method: DECLINED });
  await expectRejects(() => w.intents.confirm(created.id), 'card_declined', 'confirming with a declined card did not fail with card_declined');
  await expectRejects(() => w.intents.capture(created.id), 'payment_intent_unexpected_state', 'an intent whose card was declined could be captured');
  expectSame(w.network.holds.size, 0, 'a declined card ended up with a hold on it');
});

guard('capturing an intent that was never confirmed is refused', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1000, currency: 'usd', payment_method: VISA });
  await expectRejects(() => w.intents.capture(created.id), 'payment_intent_unexpected_state', 'an unconfirmed intent could be captured');
});

guard('a full capture collects the whole authorized amount', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  const captured = await w.intents.capture(intent.id);
  expectSame(
    { status: captured.status, amount_received: captured.amount_received, amount_capturable: captured.amount_capturable, collected: w.network.totalCaptured() },
    { status: 'succeeded', amount_received: 1000, amount_capturable: 0, collected: 1000 },
    'a full capture did not collect the authorized amount',
  );
  expectSame(await w.intents.retrieve(intent.id), captured, 'the stored intent differs from what capture returned');
});

guard('capturing an intent a second time is refused with charge_already_captured', async () => {
  const w = world();
  const full = await authorizedThroughApi(w, 1000);
  await w.intents.capture(full.id);
  await expectRejects(() => w.intents.capture(full.id), 'charge_already_captured', 'capturing a captured intent again did not fail with charge_already_captured');
  const partial = await authorizedThroughApi(w, 1000);
  await w.intents.capture(partial.id, { amount_to_capture: 400 });
  await expectRejects(
    () => w.intents.capture(partial.id, { amount_to_capture: 100 }),
    'charge_already_captured',
    'after a partial capture, a second capture was not refused with charge_already_captured',
  );
  expectSame(w.network.totalCaptured(), 1400, 'the second capture attempts moved money');
});

guard('capture amounts that are not positive integers are refused', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  for (const amount of [0, -100, 12.5, Number.NaN]) {
    await expectRejects(() => w.intents.capture(intent.id, { amount_to_capture: amount }), 'amount_invalid', `a capture of ${amount} was not refused with amount_invalid`);
  }
  expectSame(w.network.totalCaptured(), 0, 'a refused capture moved money');
});

guard('cancelling an authorized intent releases its hold', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  const canceled = await w.intents.cancel(intent.id, { cancellation_reason: 'requested_by_customer' });
  expectSame(
    { status: canceled.status, reason: canceled.cancellation_reason, capturable: canceled.amount_capturable, holds: w.network.summary() },
    { status: 'canceled', reason: 'requested_by_customer', capturable: 0, holds: { auth_1: { amount: 1000, captured: [], still_held: 0 } } },
    'cancelling an authorized intent did not release the hold on the card',
  );
});

guard('after cancel every operation fails with payment_intent_unexpected_state', async () => {
  const w = world();
  const authorizedIntent = await authorizedThroughApi(w, 1000);
  const fresh = await w.intents.create({ amount: 1000, currency: 'usd', payment_method: VISA });
  for (const id of [authorizedIntent.id, fresh.id]) {
    await w.intents.cancel(id);
    await expectRejects(() => w.intents.capture(id), 'payment_intent_unexpected_state', 'a canceled intent could be captured');
    await expectRejects(() => w.intents.confirm(id, { payment_method: MASTERCARD }), 'payment_intent_unexpected_state', 'a canceled intent could be confirmed');
    await expectRejects(() => w.intents.cancel(id), 'payment_intent_unexpected_state', 'a canceled intent could be canceled again');
  }
  expectSame(w.network.summary(), { auth_1: { amount: 1000, captured: [], still_held: 0 } }, 'operations on canceled intents reached the card network');
});

guard('a captured intent cannot be canceled', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  await w.intents.capture(intent.id);
  await expectRejects(() => w.intents.cancel(intent.id), 'payment_intent_unexpected_state', 'a captured intent could be canceled');
  expectSame((await w.intents.retrieve(intent.id)).status, 'succeeded', 'cancelling a captured intent changed its status');
});

type CreateCommand =
  | { kind: 'create'; amount: number; currency: string; withCard: boolean }
  | { kind: 'cancel'; n: number }
  | { kind: 'retrieve'; n: number };

guard('creating, retrieving and cancelling unconfirmed intents behaves like the reference', async () => {
  const amount = fc.oneof(
    fc.integer({ min: -100, max: 3000 }),
    fc.constantFrom(29, 30, 49, 50, 99_999_999, 100_000_000, 19.99, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
  );
  const command: fc.Arbitrary<CreateCommand> = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), amount, currency: fc.constantFrom('usd', 'eur', 'gbp', 'jpy', 'USD'), withCard: fc.boolean() }),
    fc.record({ kind: fc.constant('cancel' as const), n: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ kind: fc.constant('retrieve' as const), n: fc.integer({ min: 1, max: 4 }) }),
  );
  const id = (n: number) => `pi_${String(n).padStart(4, '0')}`;
  await compareWithReference<World, CreateCommand>({
    symptom: 'creating and cancelling intents gave a different result than the reference',
    commands: fc.array(command, { maxLength: 10 }),
    create: (side, env) => world(env, [], side),
    apply: (w, c) => {
      if (c.kind === 'create') return w.intents.create({ amount: c.amount, currency: c.currency, ...(c.withCard ? { payment_method: VISA } : {}) });
      if (c.kind === 'cancel') return w.intents.cancel(id(c.n), { cancellation_reason: 'abandoned' });
      return w.intents.retrieve(id(c.n));
    },
    state: (w) => w.store.snapshot(),
    describe: (c) =>
      c.kind === 'create'
        ? `create(${c.amount} ${c.currency}${c.withCard ? ', payment_method' : ''})`
        : `${c.kind}("${id(c.n)}")`,
    seed: 4242,
    runs: 60,
  });
});

guard('a capture just under 7 days after creation succeeds', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  w.clock.advance(7 * DAY - 1);
  const captured = await expectResolves(() => w.intents.capture(intent.id), 'a capture 1 ms before the 7-day authorization window ended was refused');
  expectSame(captured.status, 'succeeded', 'a capture within the authorization window did not succeed');
});

guard('a capture 10 days after creation is refused, the intent canceled and the hold released', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  w.clock.advance(10 * DAY);
  await expectRejects(() => w.intents.capture(intent.id), 'charge_expired_for_capture', 'a capture 10 days after creation was not refused as expired');
  const after = await w.intents.retrieve(intent.id);
  expectSame(
    { status: after.status, reason: after.cancellation_reason, holds: w.network.summary() },
    { status: 'canceled', reason: 'expired', holds: { auth_1: { amount: 1000, captured: [], still_held: 0 } } },
    'an expired authorization was not canceled and released',
  );
});

guard('capture checks the status first, then expiry, then the amount', async () => {
  const w = world(undefined, [authorized('pi_old', 1000, T0 - 10 * DAY), authorized('pi_new', 1000)]);
  await expectRejects(
    () => w.intents.capture('pi_old', { amount_to_capture: 5000 }),
    'charge_expired_for_capture',
    'a too-large capture of an authorization 10 days old was not answered charge_expired_for_capture (expiry is checked before the amount)',
  );
  await expectRejects(
    () => w.intents.capture('pi_old', { amount_to_capture: 5000 }),
    'payment_intent_unexpected_state',
    'a capture of an intent canceled as expired was not refused with payment_intent_unexpected_state (the status is checked first)',
  );
  await w.intents.capture('pi_new', { amount_to_capture: 400 });
  await expectRejects(
    () => w.intents.capture('pi_new', { amount_to_capture: 0.5 }),
    'charge_already_captured',
    'an invalid capture amount on a captured intent was not answered charge_already_captured (the status is checked first)',
  );
});

// ── confirm ──

bug('decline-leaves-processing', 'after a decline the customer can confirm again with another card', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1000, currency: 'usd', payment_method: DECLINED_INSUFFICIENT_FUNDS });
  await expectRejects(() => w.intents.confirm(created.id), 'card_declined', 'confirming with a declined card did not fail with card_declined');
  const retried = await expectResolves(
    () => w.intents.confirm(created.id, { payment_method: VISA }),
    'after a decline, confirming again with another card failed: the customer can no longer pay for this order',
  );
  expectSame(
    { status: retried.status, payment_method: retried.payment_method, amount_capturable: retried.amount_capturable },
    { status: 'requires_capture', payment_method: VISA, amount_capturable: 1000 },
    'the retried confirmation did not authorize the new card',
  );
});

bug('decline-leaves-processing', 'a declined intent shows requires_payment_method with the decline reason and can be canceled', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1000, currency: 'usd' });
  await expectRejects(() => w.intents.confirm(created.id, { payment_method: DECLINED }), 'card_declined', 'confirming with a declined card did not fail with card_declined');
  const after = await w.intents.retrieve(created.id);
  expectSame(
    { status: after.status, payment_method: after.payment_method, last_payment_error: after.last_payment_error },
    { status: 'requires_payment_method', payment_method: null, last_payment_error: { code: 'card_declined', decline_code: 'generic_decline' } },
    'after a decline the intent does not ask for a new payment method: support and the checkout page see it stuck',
  );
  await expectResolves(() => w.intents.cancel(created.id, { cancellation_reason: 'abandoned' }), 'an intent whose card was declined could not be canceled');
});

bug('decline-leaves-processing', 'an intent created with a card that is declined at confirm asks for a new payment method', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1000, currency: 'usd', payment_method: DECLINED });
  await expectRejects(() => w.intents.confirm(created.id), 'card_declined', 'confirming with a declined card did not fail with card_declined');
  const after = await w.intents.retrieve(created.id);
  expectSame(
    { status: after.status, payment_method: after.payment_method, last_payment_error: after.last_payment_error },
    { status: 'requires_payment_method', payment_method: null, last_payment_error: { code: 'card_declined', decline_code: 'generic_decline' } },
    'after its card was declined, an intent created with that card does not ask for a new payment method (or still carries the declined card)',
  );
  await expectRejects(
    () => w.intents.confirm(created.id),
    'parameter_missing',
    'confirming again without a new card was not refused with parameter_missing: the declined card was tried again',
  );
  const retried = await expectResolves(() => w.intents.confirm(created.id, { payment_method: MASTERCARD }), 'after a decline, confirming with another card failed');
  expectSame(
    { status: retried.status, payment_method: retried.payment_method, last_payment_error: retried.last_payment_error, holds: Object.keys(w.network.summary()).length },
    { status: 'requires_capture', payment_method: MASTERCARD, last_payment_error: null, holds: 1 },
    'the confirmation with a new card after a decline did not authorize that card',
  );
});

bug('reconfirm-authorized', 'confirming an authorized intent again is refused and places no second hold', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1000, currency: 'usd', payment_method: VISA });
  const confirmed = await w.intents.confirm(created.id);
  await expectRejects(
    () => w.intents.confirm(created.id),
    'payment_intent_unexpected_state',
    'confirming an intent that already awaits capture was not refused: the customer\'s card was authorized a second time',
  );
  expectSame(
    { intent: await w.intents.retrieve(created.id), holds: Object.keys(w.network.summary()) },
    { intent: confirmed, holds: ['auth_1'] },
    'a second confirm placed another hold on the card or changed the authorized intent',
  );
});

bug('reconfirm-authorized', 'a second confirm with another card does not replace the hold the capture collects', async () => {
  const w = world();
  const created = await w.intents.create({ amount: 1800, currency: 'usd' });
  await w.intents.confirm(created.id, { payment_method: VISA });
  await expectRejects(
    () => w.intents.confirm(created.id, { payment_method: MASTERCARD }),
    'payment_intent_unexpected_state',
    'confirming an authorized intent with another card was not refused',
  );
  await w.intents.capture(created.id);
  expectSame(
    w.network.summary(),
    { auth_1: { amount: 1800, captured: [1800], still_held: 0 } },
    'after confirming twice and capturing, a hold was left blocking funds on a card (or the wrong card was charged)',
  );
});

// ── capture amounts ──

bug('over-capture', 'a capture larger than the authorized amount is refused and collects nothing', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  await expectRejects(
    () => w.intents.capture(intent.id, { amount_to_capture: 1500 }),
    'amount_too_large',
    'capturing 1500 on an authorization of 1000 was not refused with amount_too_large: the customer would be charged more than they agreed to',
  );
  const after = await w.intents.retrieve(intent.id);
  expectSame(
    { status: after.status, amount_capturable: after.amount_capturable, collected: w.network.totalCaptured() },
    { status: 'requires_capture', amount_capturable: 1000, collected: 0 },
    'a refused over-capture still changed the intent or moved money',
  );
});

bug('over-capture', 'capturing one minor unit more than authorized is refused, and the full amount can still be captured', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 4999);
  await expectRejects(
    () => w.intents.capture(intent.id, { amount_to_capture: 5000 }),
    'amount_too_large',
    'capturing 5000 on an authorization of 4999 was not refused with amount_too_large',
  );
  const captured = await expectResolves(
    () => w.intents.capture(intent.id, { amount_to_capture: 4999 }),
    'after refusing a too-large capture, capturing the authorized amount failed',
  );
  expectSame(
    { amount_received: captured.amount_received, collected: w.network.totalCaptured() },
    { amount_received: 4999, collected: 4999 },
    'the customer was charged something other than the authorized amount',
  );
});

bug('partial-capture-remainder', 'after a partial capture nothing is left capturable', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  const captured = await w.intents.capture(intent.id, { amount_to_capture: 600 });
  const stored = await w.intents.retrieve(intent.id);
  expectSame(
    {
      returned: { status: captured.status, amount_received: captured.amount_received, amount_capturable: captured.amount_capturable },
      stored: { status: stored.status, amount_received: stored.amount_received, amount_capturable: stored.amount_capturable },
    },
    {
      returned: { status: 'succeeded', amount_received: 600, amount_capturable: 0 },
      stored: { status: 'succeeded', amount_received: 600, amount_capturable: 0 },
    },
    'after capturing 600 of 1000 the intent still reports an amount as capturable, although a capture is final',
  );
});

bug('partial-capture-remainder', 'a partial capture releases the uncaptured rest of the hold on the card', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 2500);
  await w.intents.capture(intent.id, { amount_to_capture: 1000 });
  expectSame(
    w.network.summary(),
    { auth_1: { amount: 2500, captured: [1000], still_held: 0 } },
    'after capturing 1000 of a 2500 authorization, the remaining 1500 stays blocked on the customer\'s card until the hold expires',
  );
});

bug('partial-capture-remainder', 'capturing exactly the capturable amount collects it all; one unit less releases that unit', async () => {
  const w = world();
  const whole = await authorizedThroughApi(w, 1000);
  const all = await expectResolves(
    () => w.intents.capture(whole.id, { amount_to_capture: 1000 }),
    'capturing exactly the capturable amount (given as amount_to_capture) failed',
  );
  const almost = await authorizedThroughApi(w, 1000);
  const partial = await w.intents.capture(almost.id, { amount_to_capture: 999 });
  expectSame(
    {
      whole: { status: all.status, amount_received: all.amount_received, amount_capturable: all.amount_capturable },
      almost: { status: partial.status, amount_received: partial.amount_received, amount_capturable: partial.amount_capturable },
      holds: w.network.summary(),
    },
    {
      whole: { status: 'succeeded', amount_received: 1000, amount_capturable: 0 },
      almost: { status: 'succeeded', amount_received: 999, amount_capturable: 0 },
      holds: { auth_1: { amount: 1000, captured: [1000], still_held: 0 }, auth_2: { amount: 1000, captured: [999], still_held: 0 } },
    },
    'a capture of the whole hold, or of all but one cent of it, left the intent or the card in the wrong state',
  );
});

// ── authorization expiry ──

bug('expiry-boundary', 'a capture exactly 7 days after creation is refused as expired', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  w.clock.advance(7 * DAY);
  await expectRejects(
    () => w.intents.capture(intent.id),
    'charge_expired_for_capture',
    'a capture exactly 7 days after creation went through although the authorization had expired',
  );
  expectSame(w.network.totalCaptured(), 0, 'money was collected on an expired authorization');
});

bug('expiry-boundary', 'a capture 7½ days after creation is refused, the intent canceled and the hold released', async () => {
  const w = world();
  const intent = await authorizedThroughApi(w, 1000);
  w.clock.advance(7 * DAY + 12 * HOUR);
  await expectRejects(
    () => w.intents.capture(intent.id, { amount_to_capture: 800 }),
    'charge_expired_for_capture',
    'a capture 7½ days after creation went through although the authorization had expired',
  );
  const after = await w.intents.retrieve(intent.id);
  expectSame(
    { status: after.status, reason: after.cancellation_reason, holds: w.network.summary() },
    { status: 'canceled', reason: 'expired', holds: { auth_1: { amount: 1000, captured: [], still_held: 0 } } },
    'an expired authorization was captured instead of being canceled and released',
  );
});

bug('expiry-boundary', 'the authorization can be captured until 1 ms before 7 days, not at 7 days nor 1 ms later', async () => {
  const results: Record<string, string> = {};
  for (const [label, age] of [
    ['7 days - 1 ms', 7 * DAY - 1],
    ['7 days', 7 * DAY],
    ['7 days + 1 ms', 7 * DAY + 1],
    ['6 days 13 h (partial)', 6 * DAY + 13 * HOUR],
    ['7 days (partial)', 7 * DAY],
  ] as const) {
    const w = world(undefined, [authorized('pi_1', 1000, T0 - age)]);
    const partial = label.includes('partial');
    try {
      const captured = await w.intents.capture('pi_1', partial ? { amount_to_capture: 400 } : {});
      results[label] = `captured ${captured.amount_received}`;
    } catch (error) {
      results[label] = `refused: ${errorCode(error)}`;
    }
  }
  expectSame(
    results,
    {
      '7 days - 1 ms': 'captured 1000',
      '7 days': 'refused: charge_expired_for_capture',
      '7 days + 1 ms': 'refused: charge_expired_for_capture',
      '6 days 13 h (partial)': 'captured 400',
      '7 days (partial)': 'refused: charge_expired_for_capture',
    },
    'captures around the end of the 7-day authorization window were not answered as the API promises (capturable until created + 7 days, expired from then on)',
  );
});

type IntentId = 'pi_a' | 'pi_b' | 'pi_c' | 'pi_d';
type Command = { kind: 'wait'; hours: number } | { kind: 'capture' | 'cancel' | 'retrieve'; intent: IntentId };

/** Authorized intents of different ages (in hours), so some authorization is always close to its 7-day limit. */
const AGES: Record<IntentId, number> = { pi_a: 48, pi_b: 120, pi_c: 150, pi_d: 165 };

bug('expiry-boundary', 'captures and cancels of ageing authorizations behave like the reference', async () => {
  const intent = fc.constantFrom(...(Object.keys(AGES) as IntentId[]));
  const command: fc.Arbitrary<Command> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.constantFrom(6, 12, 24, 36) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('capture' as const), intent }), weight: 2 },
    fc.record({ kind: fc.constant('cancel' as const), intent }),
    fc.record({ kind: fc.constant('retrieve' as const), intent }),
  );
  await compareWithReference<World, Command>({
    symptom: 'capturing authorizations as they age gave a different result than the reference',
    commands: fc.array(command, { maxLength: 10 }),
    create: (side, env) =>
      world(
        env,
        (Object.keys(AGES) as IntentId[]).map((id, i) => authorized(id, 1000 * (i + 1), T0 - AGES[id] * HOUR)),
        side,
      ),
    apply: async (w, c) => {
      if (c.kind === 'wait') {
        w.clock.advance(c.hours * HOUR);
        return `${(w.clock.now() - T0) / HOUR} h have passed since the first operation`;
      }
      if (c.kind === 'capture') return w.intents.capture(c.intent);
      if (c.kind === 'cancel') return w.intents.cancel(c.intent);
      return w.intents.retrieve(c.intent);
    },
    state: (w) => ({
      intents: Object.fromEntries(
        Object.entries(w.store.snapshot()).map(([id, i]) => [
          id,
          { status: i.status, amount_capturable: i.amount_capturable, amount_received: i.amount_received, cancellation_reason: i.cancellation_reason },
        ]),
      ),
      network: w.network.summary(),
    }),
    describe: (c) => (c.kind === 'wait' ? `wait ${c.hours} h` : `${c.kind}("${c.intent}")  (created ${AGES[c.intent]} h before the first operation)`),
    seed: 707,
    runs: 50,
  });
});
