import { bug, guard, expectThat, explore } from 'bugbash/harness';
import { authorized, stillHeld, world } from './world';

function settledAs(result: PromiseSettledResult<unknown>): string {
  return result.status === 'fulfilled' ? 'succeeded' : 'failed';
}

bug('capture-race', 'two concurrent captures of one authorization collect the money once', async () => {
  await explore({ seed: 11, runs: 25 }, async (env) => {
    const w = world(env, [authorized('pi_1', 1000)]);
    const results = await env.outcomes([
      env.run('capture A', () => w.intents.capture('pi_1')),
      env.run('capture B', () => w.intents.capture('pi_1')),
    ]);
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    const captures = w.network.holds.get('auth_pi_1')?.captures ?? [];
    const stored = w.store.peek('pi_1');
    expectThat(
      succeeded === 1 && captures.length === 1 && stored?.status === 'succeeded' && stored.amount_received === 1000,
      'two concurrent captures of the same intent both went to the card network: the customer was charged twice',
      {
        expected: { captures_succeeded: 1, network_captures: [1000], status: 'succeeded', amount_received: 1000 },
        actual: { captures_succeeded: succeeded, network_captures: captures, status: stored?.status, amount_received: stored?.amount_received },
      },
    );
  });
});

bug('capture-race', 'a capture racing a cancel never both collects and voids the hold', async () => {
  await explore({ seed: 23, runs: 25 }, async (env) => {
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
    const captureWon = capture.status === 'fulfilled' && cancel.status === 'rejected' && status === 'succeeded' && collected === 1000;
    const cancelWon = cancel.status === 'fulfilled' && capture.status === 'rejected' && status === 'canceled' && collected === 0 && stillHeldOnCard === 0;
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

bug('capture-race', 'two concurrent partial captures collect only one of them', async () => {
  await explore({ seed: 5, runs: 20 }, async (env) => {
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
        actual: { captures_succeeded: winners.length, succeeded_amounts: winners, network_captures: captures, status: stored?.status, amount_received: stored?.amount_received },
      },
    );
  });
});

guard('of two concurrent cancels exactly one succeeds and the hold is released', async () => {
  await explore({ seed: 31, runs: 20 }, async (env) => {
    const w = world(env, [authorized('pi_1', 1000)]);
    const results = await env.outcomes([env.run('cancel A', () => w.intents.cancel('pi_1')), env.run('cancel B', () => w.intents.cancel('pi_1'))]);
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    const holds = w.network.summary();
    const status = w.store.peek('pi_1')?.status;
    expectThat(succeeded === 1 && status === 'canceled' && holds.auth_pi_1?.still_held === 0, 'two concurrent cancels of one intent did not cancel it exactly once', {
      expected: { cancels_succeeded: 1, status: 'canceled', holds: { auth_pi_1: { amount: 1000, captured: [], still_held: 0 } } },
      actual: { cancels_succeeded: succeeded, status, holds },
    });
  });
});
