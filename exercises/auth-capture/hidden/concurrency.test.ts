import { bug, guard, errorCode, expectThat, explore } from 'bugbash/harness';
import { authorized, DAY, DECLINED, MASTERCARD, stillHeld, VISA, world } from './world';

// Several requests on one intent at once. Every arrival is explored: a request may start
// before, between or after each store and network round trip of the others.

function settledAs(result: PromiseSettledResult<unknown>): string {
  return result.status === 'fulfilled' ? 'succeeded' : `failed with ${errorCode(result.reason)}`;
}

/** What a request that lost a race may answer (the brief's codes); anything else is a symptom of its own. */
const LOSING_CODES = ['lock_timeout', 'payment_intent_unexpected_state', 'charge_already_captured'];

function lostCleanly(result: PromiseSettledResult<unknown>): boolean {
  return result.status === 'rejected' && LOSING_CODES.includes(errorCode(result.reason));
}

bug('capture-race', 'two concurrent captures of one authorization collect the money once', async () => {
  await explore({}, async (env) => {
    const w = world(env, [authorized('pi_1', 1000)]);
    const results = await env.outcomes([
      env.run('capture A', () => w.intents.capture('pi_1')),
      env.run('capture B', () => w.intents.capture('pi_1')),
    ]);
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    const captures = w.network.holds.get('auth_pi_1')?.captures ?? [];
    const stored = w.store.peek('pi_1');
    expectThat(
      succeeded === 1 && results.every((r) => r.status === 'fulfilled' || lostCleanly(r)) && captures.length === 1 && stored?.status === 'succeeded' && stored.amount_received === 1000,
      'two concurrent captures of the same intent both went to the card network: the customer was charged twice',
      {
        expected: { captures_succeeded: 1, other_capture: `failed with one of ${LOSING_CODES.join(', ')}`, network_captures: [1000], status: 'succeeded', amount_received: 1000 },
        actual: { captures: results.map(settledAs), network_captures: captures, status: stored?.status, amount_received: stored?.amount_received },
      },
    );
  });
});

bug('capture-race', 'a capture racing a cancel never both collects and voids the hold', async () => {
  await explore({}, async (env) => {
    const w = world(env, [authorized('pi_1', 1000)]);
    const [capture, cancel] = await env.outcomes([
      env.run('capture', () => w.intents.capture('pi_1')),
      env.run('cancel', () => w.intents.cancel('pi_1', { cancellation_reason: 'requested_by_customer' })),
    ]);
    const hold = w.network.holds.get('auth_pi_1');
    const collected = hold?.captures.reduce((a, b) => a + b, 0) ?? 0;
    const stillHeldOnCard = hold ? stillHeld(hold) : undefined;
    const status = w.store.peek('pi_1')?.status;
    const actual = { capture: settledAs(capture), cancel: settledAs(cancel), status, network_captures: hold?.captures, still_held_on_card: stillHeldOnCard };
    const captureWon = capture.status === 'fulfilled' && lostCleanly(cancel) && status === 'succeeded' && collected === 1000;
    const cancelWon = cancel.status === 'fulfilled' && lostCleanly(capture) && status === 'canceled' && collected === 0 && stillHeldOnCard === 0;
    expectThat(
      captureWon || cancelWon,
      'a capture and a cancel of the same intent, at the same time, both went through: the customer was charged on a payment the merchant was told is canceled (or the intent now disagrees with the card network)',
      {
        expected: 'exactly one wins: { capture: succeeded, cancel: failed, status: succeeded, network_captures: [1000] } or { capture: failed, cancel: succeeded, status: canceled, network_captures: [], still_held_on_card: 0 }',
        actual,
      },
    );
  });
});

bug('capture-race', 'a partial capture racing a cancel either collects and releases the rest, or collects nothing', async () => {
  await explore({}, async (env) => {
    const w = world(env, [authorized('pi_1', 1000)]);
    const [capture, cancel] = await env.outcomes([
      env.run('capture 600', () => w.intents.capture('pi_1', { amount_to_capture: 600 })),
      env.run('cancel', () => w.intents.cancel('pi_1', { cancellation_reason: 'abandoned' })),
    ]);
    const holds = w.network.summary();
    const stored = w.store.peek('pi_1');
    const captureWon = capture.status === 'fulfilled' && lostCleanly(cancel) && stored?.status === 'succeeded' && stored.amount_received === 600;
    const cancelWon = cancel.status === 'fulfilled' && lostCleanly(capture) && stored?.status === 'canceled';
    const network = holds.auth_pi_1;
    expectThat(
      (captureWon && network?.captured.join() === '600') || (cancelWon && network?.captured.length === 0),
      'a partial capture and a cancel of the same intent both went through, or the intent disagrees with what the card network collected',
      {
        expected: 'exactly one wins: the capture (status succeeded, 600 collected) or the cancel (status canceled, nothing collected); nothing left held either way',
        actual: { capture: settledAs(capture), cancel: settledAs(cancel), status: stored?.status, amount_received: stored?.amount_received, holds },
      },
    );
  });
});

bug('capture-race', 'two concurrent partial captures collect only one of them', async () => {
  await explore({}, async (env) => {
    const w = world(env, [authorized('pi_1', 1000)]);
    const results = await env.outcomes([
      env.run('capture 300', () => w.intents.capture('pi_1', { amount_to_capture: 300 })),
      env.run('capture 500', () => w.intents.capture('pi_1', { amount_to_capture: 500 })),
    ]);
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [[300, 500][i]] : []));
    const captures = w.network.holds.get('auth_pi_1')?.captures ?? [];
    const stored = w.store.peek('pi_1');
    expectThat(
      winners.length === 1 && captures.length === 1 && captures[0] === winners[0] && stored?.status === 'succeeded' && stored.amount_received === winners[0],
      'two concurrent partial captures of one authorization both collected money, or the intent records a different amount than the card network collected',
      {
        expected: { captures_succeeded: 1, network_captures: ['the amount of the capture that succeeded'], status: 'succeeded', amount_received: 'that same amount' },
        actual: { captures: results.map(settledAs), network_captures: captures, status: stored?.status, amount_received: stored?.amount_received },
      },
    );
  });
});

bug('reconfirm-authorized', 'two confirms of one intent (a retried checkout) place a single hold', async () => {
  await explore({}, async (env) => {
    const w = world(env, [], 'yours');
    const created = await w.intents.create({ amount: 1000, currency: 'usd', payment_method: VISA });
    const results = await env.outcomes([
      env.run('confirm', () => w.intents.confirm(created.id)),
      env.run('confirm again', () => w.intents.confirm(created.id, { payment_method: MASTERCARD })),
    ]);
    const stored = w.store.peek(created.id);
    const holds = w.network.summary();
    const ids = Object.keys(holds);
    expectThat(
      results.filter((r) => r.status === 'fulfilled').length === 1 && ids.length === 1 && stored?.status === 'requires_capture' && stored.authorization_id === ids[0],
      'two confirms of the same intent placed two holds on the customer\'s card, or the intent does not point at the hold it placed',
      {
        expected: { confirms_succeeded: 1, holds: 1, status: 'requires_capture', authorization_id: 'the one hold' },
        actual: { results: results.map(settledAs), holds, status: stored?.status, authorization_id: stored?.authorization_id },
      },
    );
  });
});

bug('reconfirm-authorized', 'a declined confirm racing an approved one never orphans the hold the approved one placed', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const created = await w.intents.create({ amount: 1000, currency: 'usd' });
    const results = await env.outcomes([
      env.run('confirm with a declined card', () => w.intents.confirm(created.id, { payment_method: DECLINED })),
      env.run('confirm with a good card', () => w.intents.confirm(created.id, { payment_method: VISA })),
    ]);
    const stored = w.store.peek(created.id);
    const holds = w.network.summary();
    const held = Object.entries(holds).filter(([, hold]) => hold.still_held > 0).map(([id]) => id);
    const consistent = held.length === 0 ? stored?.status !== 'requires_capture' : held.length === 1 && stored?.status === 'requires_capture' && stored.authorization_id === held[0];
    expectThat(
      consistent && results.every((r) => r.status === 'fulfilled' || ['card_declined', ...LOSING_CODES].includes(errorCode(r.reason))),
      'after a declined and an approved confirm of the same intent, a hold is blocking the customer\'s money that the intent does not point at (or the intent awaits capture with no hold)',
      {
        expected: 'either no hold and no requires_capture, or one hold that the intent (requires_capture) points at',
        actual: { results: results.map(settledAs), status: stored?.status, authorization_id: stored?.authorization_id, holds },
      },
    );
  });
});

guard('of two concurrent cancels exactly one succeeds and the hold is released', async () => {
  await explore({}, async (env) => {
    const w = world(env, [authorized('pi_1', 1000)]);
    const results = await env.outcomes([env.run('cancel A', () => w.intents.cancel('pi_1')), env.run('cancel B', () => w.intents.cancel('pi_1'))]);
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    const holds = w.network.summary();
    const status = w.store.peek('pi_1')?.status;
    expectThat(succeeded === 1 && status === 'canceled' && holds.auth_pi_1?.still_held === 0, 'two concurrent cancels of one intent did not cancel it exactly once', {
      expected: { cancels_succeeded: 1, status: 'canceled', holds: { auth_pi_1: { amount: 1000, captured: [], still_held: 0 } } },
      actual: { cancels: results.map(settledAs), status, holds },
    });
  });
});

guard('two captures of an expired authorization both fail and the hold is released once', async () => {
  await explore({}, async (env) => {
    const w = world(env, [authorized('pi_1', 1000)]);
    w.clock.advance(8 * DAY);
    const results = await env.outcomes([env.run('capture A', () => w.intents.capture('pi_1')), env.run('capture B', () => w.intents.capture('pi_1'))]);
    const stored = w.store.peek('pi_1');
    const holds = w.network.summary();
    const allowed = ['charge_expired_for_capture', 'payment_intent_unexpected_state', 'lock_timeout'];
    expectThat(
      results.every((r) => r.status === 'rejected' && allowed.includes(errorCode(r.reason))) &&
        results.some((r) => r.status === 'rejected' && errorCode(r.reason) === 'charge_expired_for_capture') &&
        stored?.status === 'canceled' &&
        stored.cancellation_reason === 'expired' &&
        holds.auth_pi_1?.still_held === 0 &&
        holds.auth_pi_1.captured.length === 0,
      'two captures of an authorization 8 days old did not both fail with the intent canceled as expired and its hold released',
      {
        expected: { captures: 'both fail (charge_expired_for_capture, the later one possibly payment_intent_unexpected_state)', status: 'canceled', cancellation_reason: 'expired', holds: { auth_pi_1: { amount: 1000, captured: [], still_held: 0 } } },
        actual: { captures: results.map(settledAs), status: stored?.status, cancellation_reason: stored?.cancellation_reason, holds },
      },
    );
  });
});

guard('a confirm racing a cancel never leaves a hold on a canceled intent', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const created = await w.intents.create({ amount: 1000, currency: 'usd', payment_method: VISA });
    const results = await env.outcomes([env.run('confirm', () => w.intents.confirm(created.id)), env.run('cancel', () => w.intents.cancel(created.id))]);
    const stored = w.store.peek(created.id);
    const holds = w.network.summary();
    const held = Object.values(holds).reduce((sum, hold) => sum + hold.still_held, 0);
    const ok = stored?.status === 'canceled' ? held === 0 : stored?.status === 'requires_capture' && held === 1000;
    const [, cancel] = results;
    const agrees = stored?.status === 'canceled' ? cancel!.status === 'fulfilled' : cancel!.status === 'rejected';
    expectThat(ok && agrees, 'a confirm and a cancel of one intent at the same time left money held on a canceled intent, or the intent disagrees with what the cancel answered', {
      expected: 'canceled (the cancel succeeded) with nothing held, or requires_capture (the cancel failed) with 1000 held',
      actual: { results: results.map(settledAs), status: stored?.status, holds },
    });
  });
});

bug('decline-leaves-processing', 'when a confirm answers card_declined, the intent already asks for a new payment method, whatever runs next', async () => {
  // The decline's answer may reach the customer before or after any of the store's writes
  // land, so the next confirm (with another card) is explored against each of them.
  await explore({}, async (env) => {
    const w = world(env);
    const [outcome] = await env.outcomes([
      env.run('confirm with a declined card, then again with another', async () => {
        const created = await w.intents.create({ amount: 1000, currency: 'usd' });
        const declined = await w.intents.confirm(created.id, { payment_method: DECLINED }).then(
          () => 'confirmed',
          (error: unknown) => errorCode(error),
        );
        if (declined !== 'card_declined') return `the declined card was answered with ${declined}`;
        const retried = await w.intents.confirm(created.id, { payment_method: VISA });
        const stored = w.store.peek(created.id);
        return retried.status === 'requires_capture' && stored?.status === 'requires_capture' ? 'ok' : `the second confirm left the intent ${stored?.status}`;
      }),
    ]);
    expectThat(
      outcome!.status === 'fulfilled' && outcome!.value === 'ok',
      "after a decline was answered, confirming again with another card failed or was undone: the decline's own write had not landed yet",
      { actual: outcome!.status === 'fulfilled' ? outcome!.value : `failed with ${errorCode(outcome!.reason)}` },
    );
  });
});
