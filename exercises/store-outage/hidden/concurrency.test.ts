import { bug, explore, expectSame, expectThat, guard } from 'bugbash/harness';
import type { Payment } from '@impl/types';
import { ORDER, chargeRequest, paymentOnFile, seedNetwork, world } from './world';

/**
 * Every ordering of a scenario is explored (arrivals included). Requests are spread over the
 * two instances of the service, as the load balancer does. The timeout only bounds a busy machine.
 */
const EXPLORE_TIMEOUT = { timeout: 20_000 };

function settled<T>(results: PromiseSettledResult<T>[]): string[] {
  return results.map((r) => (r.status === 'fulfilled' ? `${(r.value as Payment).status}` : `rejected ${(r.reason as { code?: string })?.code ?? String(r.reason)}`));
}

bug('duplicate-charge-race', 'two charges of the same order at the same time charge the card once and answer with one payment', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('checkout', () => w.instance(0).charge(chargeRequest())),
      env.run('double click', () => w.instance(1).charge(chargeRequest())),
    ]);
    const ids = new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : [])));
    expectSame(
      { cardCharged: w.state().cardCharged, onFile: w.payment()?.status, paymentsAnswered: ids.size },
      { cardCharged: 1, onFile: 'succeeded', paymentsAnswered: 1 },
      'two charges of the same order, at the same time on two instances, did not end with the card charged once and one payment',
    );
    expectThat(results.every((r) => r.status === 'fulfilled' && ['succeeded', 'pending'].includes(r.value.status)), 'a charge of an order already being charged was not answered with its payment (succeeded, or pending while the first was in flight)', { actual: settled(results) });
  });
}, EXPLORE_TIMEOUT);

guard('a reconcile running while the charge is in flight never fails or double-settles it', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('checkout', () => w.instance(0).charge(chargeRequest())),
      env.run('reconciler', async () => {
        w.clock.advance(0);
        return w.payment() ? w.instance(1).reconcile(ORDER) : undefined;
      }),
    ]);
    expectSame(
      { checkout: results[0]!.status === 'fulfilled' ? results[0]!.value?.status : 'rejected', onFile: w.payment()?.status, cardCharged: w.state().cardCharged },
      { checkout: 'succeeded', onFile: 'succeeded', cardCharged: 1 },
      'a reconcile racing a charge in flight changed how it ended',
    );
  });
}, EXPLORE_TIMEOUT);

function refundWorld(env: Parameters<typeof world>[0]) {
  const payment = paymentOnFile(undefined);
  const w = world(env, { payments: { [ORDER]: payment } });
  seedNetwork(w, payment);
  return w;
}

bug('refund-lost-update', 'two partial refunds at the same time are both recorded and refunded', async () => {
  await explore({}, async (env) => {
    const w = refundWorld(env);
    const results = await env.outcomes([
      env.run('refund A (3,000)', () => w.instance(0).refund(ORDER, 'rf_A', 3_000)),
      env.run('refund B (4,000)', () => w.instance(1).refund(ORDER, 'rf_B', 4_000)),
    ]);
    expectSame(
      { results: settled(results), amountRefunded: w.payment()?.amountRefunded, networkRefunded: w.network.chargesFor(ORDER)[0]?.refunded },
      { results: ['succeeded', 'succeeded'], amountRefunded: 7_000, networkRefunded: 7_000 },
      'two partial refunds of $30.00 and $40.00 of a $100.00 payment, at the same time, were not both recorded and refunded',
    );
  });
}, EXPLORE_TIMEOUT);

bug('refund-lost-update', 'of two refunds at the same time that together exceed the payment, one is refused before the network', async () => {
  await explore({}, async (env) => {
    const w = refundWorld(env);
    const results = await env.outcomes([
      env.run('refund A (6,000)', () => w.instance(0).refund(ORDER, 'rf_A', 6_000)),
      env.run('refund B (6,000)', () => w.instance(1).refund(ORDER, 'rf_B', 6_000)),
    ]);
    expectSame(
      { results: settled(results).sort(), amountRefunded: w.payment()?.amountRefunded, networkRefunded: w.network.chargesFor(ORDER)[0]?.refunded },
      { results: ['rejected refund_exceeds_unrefunded', 'succeeded'], amountRefunded: 6_000, networkRefunded: 6_000 },
      'two refunds of $60.00 of a $100.00 payment, at the same time: not exactly one went through and the other was refused with refund_exceeds_unrefunded',
    );
  });
}, EXPLORE_TIMEOUT);

/**
 * A double click while the store is flaky: the n-th store call of the run (whichever request
 * makes it) lands and then fails, for each n in turn, and every ordering of the two requests
 * is explored at each of those failure points.
 */
bug('duplicate-charge-race', 'two charges of the same order during a store outage, whichever store call fails: the card is charged at most once', async () => {
  // Two look-ups, two writes of the pending payment, two writes of the outcome: six calls when both charge.
  for (let index = 0; index < 6; index++) {
    await explore({}, async (env) => {
      const w = world(env);
      w.payments.failCall(index, 'fail-after-write');
      const results = await env.outcomes([
        env.run('checkout', () => w.instance(0).charge(chargeRequest())),
        env.run('double click', () => w.instance(1).charge(chargeRequest())),
      ]);
      const ids = new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : [])));
      const refusals = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string })?.code] : []));
      const outcome = { cardCharged: w.state().cardCharged, paymentsAnswered: ids.size, refusals };
      expectThat(
        outcome.cardCharged <= 1 && ids.size <= 1 && refusals.every((code) => code === 'store_unavailable'),
        `two charges of the same order, with store call ${index + 1} of the run failing after it landed: the card was charged twice, two payments were answered, or a request was refused with something else than store_unavailable`,
        { expected: 'card charged at most once, one payment, refusals only store_unavailable', actual: outcome },
      );
    });
  }
}, EXPLORE_TIMEOUT);
