import { Env, bug, expectSame, expectThat, fail, guard, outcome, show } from 'bugbash/harness';
import type { Payment } from '@impl/types';
import { DECLINED_CARD, MINUTE, ORDER, T0, chargeRequest, world, type NetworkFault, type World } from './world';

/** Every way the three attempts of an authorization can go without an answer. */
const NO_ANSWER_PATTERNS: NetworkFault['kind'][][] = [];
for (const a of ['fail', 'lost-reply'] as const) for (const b of ['fail', 'lost-reply'] as const) for (const c of ['fail', 'lost-reply'] as const) NO_ANSWER_PATTERNS.push([a, b, c]);

function injectAuthorize(w: World, kinds: NetworkFault['kind'][]): void {
  for (const kind of kinds) w.network.inject({ operation: 'authorize', kind });
}

bug('timeout-recorded-as-decline', 'an authorization whose replies were all lost leaves the payment pending, not declined', async () => {
  // Lost replies retried under a new key charge again: that is another bug's rule, not checked here.
  const w = world(new Env(), { oneChargePerOrder: false });
  w.network.inject({ operation: 'authorize', kind: 'lost-reply', times: 6 });
  const payment = await w.service.charge(chargeRequest());
  // Pending says "we do not know yet"; a payment settled from a look-up of the network's record is right too.
  const allowed = ['pending', 'succeeded'];
  expectThat(allowed.includes(payment.status) && payment.status === w.payment()?.status, 'the card network carried out the authorization but every reply was lost, and the payment was not left pending: the customer was told it failed, though they were charged', {
    expected: { returned: 'pending', onFile: 'pending' },
    actual: { returned: payment.status, onFile: w.payment()?.status },
  });
});

bug('timeout-recorded-as-decline', 'whichever attempts never reached the network and whichever lost their reply, no answer means pending', async () => {
  const seen: Record<string, string> = {};
  const expected: Record<string, string> = {};
  for (const pattern of NO_ANSWER_PATTERNS) {
    const w = world(new Env(), { oneChargePerOrder: false });
    // The network stays silent for as long as the charge keeps asking.
    injectAuthorize(w, [...pattern, ...pattern]);
    const result = await outcome(w.service.charge(chargeRequest()));
    w.network.heal();
    const status = result.ok ? `${result.value.status}${result.value.declineCode ? ` (${result.value.declineCode})` : ''}` : `rejected: ${result.code}`;
    // Settled from a look-up of the network's own record is right too.
    const settledFromRecord = status === 'succeeded' && w.state().cardCharged > 0;
    seen[pattern.join(', ')] = settledFromRecord ? 'pending' : status;
    expected[pattern.join(', ')] = 'pending';
  }
  expectSame(seen, expected, 'a charge whose authorization got no answer (some attempts never reached the network, some lost their reply) did not resolve pending');
});

bug('retry-key-per-attempt', 'a retry after a lost reply does not charge the card a second time', async () => {
  for (const card of ['card_visa', DECLINED_CARD]) {
    const w = world(new Env());
    w.network.inject({ operation: 'authorize', kind: 'lost-reply' });
    const payment = await w.service.charge(chargeRequest({ card }));
    expectSame(
      { status: payment.status, authorizationsCarriedOut: w.network.received.length, cardCharged: w.state().cardCharged },
      { status: card === DECLINED_CARD ? 'failed' : 'succeeded', authorizationsCarriedOut: 2, cardCharged: card === DECLINED_CARD ? 0 : 1 },
      'the network carried out the authorization, its reply was lost, and the retry was a new authorization: a card that was approved was charged twice',
    );
  }
});

bug('retry-key-per-attempt', 'after a lost reply and a store outage, reconcile finds the charge under the payment', async () => {
  const w = world(new Env(), { oneChargePerOrder: false });
  w.network.inject({ operation: 'authorize', kind: 'lost-reply' });
  // The store fails as the answer is recorded: the payment stays pending on file.
  w.store.inject({ operation: 'compareAndSet', kind: 'fail' });
  await outcome(w.service.charge(chargeRequest()));
  const settled = await w.service.reconcile(ORDER);
  expectSame(
    { status: settled.status, networkChargeId: settled.networkChargeId },
    { status: 'succeeded', networkChargeId: w.network.chargesFor(ORDER)[0]?.chargeId ?? null },
    'the card was charged (after a lost reply) and the store failed before the answer was recorded; reconcile, looking the payment up at the network, did not find that charge',
  );
});

bug('retry-budget-off-by-one', 'two authorizations that never reached the network are followed by a third attempt, which charges', async () => {
  const w = world(new Env());
  injectAuthorize(w, ['fail', 'fail']);
  const payment = await w.service.charge(chargeRequest());
  expectSame(
    { status: payment.status, attempts: w.network.sent.authorize, sleeps: w.sleeps },
    { status: 'succeeded', attempts: 3, sleeps: [500, 1_000] },
    'after two attempts without an answer the charge gave up, but the rule is two retries after the first attempt (500 ms, then 1 s)',
  );
});

bug('retry-budget-off-by-one', 'an authorization is attempted three times in all, never a fourth', async () => {
  for (const failures of [3, 4]) {
    const w = world(new Env());
    injectAuthorize(w, Array(failures).fill('fail'));
    await outcome(w.service.charge(chargeRequest()));
    expectSame(
      { attempts: w.network.sent.authorize, sleeps: w.sleeps },
      { attempts: 3, sleeps: [500, 1_000] },
      `with the network unreachable (${failures} timeouts planned), the charge did not make exactly three attempts with 500 ms and 1 s between them`,
    );
  }
});

guard('a 503, a 500 or a 409 from the network is retried after 500 ms; a 400 is final', async () => {
  const seen: Record<string, unknown> = {};
  for (const kind of ['unavailable', 'server-error', 'conflict', 'bad-request'] as const) {
    const w = world(new Env());
    w.network.inject({ operation: 'authorize', kind });
    const result = await outcome(w.service.charge(chargeRequest()));
    seen[kind] = { result: result.ok ? result.value.status : `rejected ${result.code}`, attempts: w.network.sent.authorize, sleeps: w.sleeps };
  }
  expectSame(
    seen,
    {
      unavailable: { result: 'succeeded', attempts: 2, sleeps: [500] },
      'server-error': { result: 'succeeded', attempts: 2, sleeps: [500] },
      conflict: { result: 'succeeded', attempts: 2, sleeps: [500] },
      'bad-request': { result: 'rejected invalid_request', attempts: 1, sleeps: [] },
    },
    'answers of the network were retried, or not, against the rules: no answer, 409 and 5xx are retried; other answers are final',
  );
});

guard('a retry is sent only once the backoff has been waited out', async () => {
  const w = world(new Env());
  w.network.inject({ operation: 'authorize', kind: 'unavailable' });
  await w.service.charge(chargeRequest());
  expectSame(w.network.receivedAt.map((at) => at - T0), [0, 500], 'an authorization was sent again before the 500 ms of backoff had passed');
});

/** How one charge attempt ended, in words for a diff. */
function ending(result: Awaited<ReturnType<typeof outcome<Payment>>>): string {
  return result.ok ? `resolved ${result.value.status}` : `rejected ${result.code}`;
}

/**
 * The store fails at one call of the charge (every call in turn, before and after it landed);
 * then the store is back, the checkout charges the order again, and fifteen minutes later the
 * reconciler runs. Whatever failed, the answers given and the final record agree with the card.
 */
bug('store-error-reported-as-decline', 'whichever store call of a charge fails, the answer never contradicts the card or the record', async () => {
  for (const card of ['card_visa', DECLINED_CARD]) {
    for (const kind of ['fail', 'fail-after-write'] as const) {
      for (const outage of [false, true]) {
        for (let index = 0; ; index++) {
          const w = world(new Env());
          w.payments.failCall(index, kind, outage);
          const first = await outcome(w.service.charge(chargeRequest({ card })));
          if (index >= w.payments.calls.length) break;
          const charged = w.state().cardCharged > 0;
          const where = `${w.payments.calls[index]!.operation} (store call ${index + 1} of the charge) ${kind === 'fail' ? 'failed' : 'landed, then failed'}${outage ? ', and the store stayed down' : ''}, card ${card}`;
          if (first.ok && first.value.status === 'failed' && charged) {
            fail(`the payments store failed (${where}) after the card was charged, and the checkout was told the payment failed: the customer pays again, or goes without what they paid for`, {
              expected: 'rejected store_unavailable (retry later), or the payment as it is on file',
              actual: ending(first),
              interleaving: w.env.trace,
            });
          }
          if (first.ok && first.value.status === 'succeeded' && !charged) fail(`the checkout was told the payment succeeded though the card was not charged (${where})`, { actual: ending(first), interleaving: w.env.trace });
          if (first.ok && first.value.status !== 'pending' && w.payment()?.status !== first.value.status) {
            fail(`the checkout was told the payment ${first.value.status}, but that is not what is on file (${where}): the next request for the order, the reconciler and support see something else`, {
              expected: { answer: 'rejected store_unavailable, or what is on file' },
              actual: { answer: ending(first), onFile: w.payment()?.status ?? 'no payment' },
              interleaving: w.env.trace,
            });
          }
          if (!first.ok && first.code !== 'store_unavailable') fail(`a store outage (${where}) was reported as ${first.code}`, { expected: 'store_unavailable', actual: first.code });
        }
      }
    }
  }
});

bug('retry-key-per-attempt', 'whichever store call of a charge fails, charging again and reconciling leave one record that agrees with the card', async () => {
  for (const card of ['card_visa', DECLINED_CARD]) {
    for (const kind of ['fail', 'fail-after-write'] as const) {
      for (let index = 0; ; index++) {
        const w = world(new Env());
        w.payments.failCall(index, kind);
        const first = await outcome(w.service.charge(chargeRequest({ card })));
        if (index >= w.payments.calls.length) break;
        const where = `${w.payments.calls[index]!.operation} (store call ${index + 1} of the charge) ${kind === 'fail' ? 'failed' : 'landed, then failed'}, card ${card}`;
        const again = await outcome(w.service.charge(chargeRequest({ card })));
        w.clock.advance(15 * MINUTE);
        const final = await outcome(w.service.reconcile(ORDER));
        const state = w.state();
        const agrees = state.status === (state.cardCharged > 0 ? 'succeeded' : 'failed') && state.cardCharged <= 1;
        if (!again.ok || !final.ok || !agrees) {
          fail(`after a store outage (${where}), charging the order again and reconciling did not leave one record that agrees with the card`, {
            expected: 'charged once and succeeded, or not charged and failed',
            actual: { first: ending(first), again: ending(again), reconcile: ending(final), ...state },
            interleaving: w.env.trace,
          });
        }
      }
    }
  }
});

guard('while the store is down, nothing is sent to the card network and the charge is refused with store_unavailable', async () => {
  for (const index of [0, 1]) {
    const w = world(new Env());
    // The order's look-up, then the write of the pending payment.
    w.payments.failCall(index, 'fail');
    const operation = index === 0 ? 'the look-up of the order' : 'the write of the pending payment';
    const result = await outcome(w.service.charge(chargeRequest()));
    expectSame(
      { result: ending(result), authorizationsSent: w.network.sent.authorize },
      { result: 'rejected store_unavailable', authorizationsSent: 0 },
      `with the payments store down at ${operation}, the charge did not stop before the card network with store_unavailable`,
    );
  }
});

guard('reconcile settles a pending payment from what the network did with it', async () => {
  const cases = [
    { network: 'approved', expected: 'succeeded' },
    { network: 'declined', expected: 'failed' },
  ] as const;
  for (const { network, expected } of cases) {
    const w = world(new Env(), { payments: { [ORDER]: pendingPayment() } });
    w.network.seed('pay_pending', { reference: ORDER, amount: 4_999, currency: 'usd', card: 'card_visa' }, network === 'approved' ? { status: 'approved', chargeId: 'ch_pending' } : { status: 'declined', declineCode: 'card_declined' });
    const payment = await w.service.reconcile(ORDER);
    expectSame(
      { returned: payment.status, onFile: w.payment()?.status, networkChargeId: payment.networkChargeId, declineCode: payment.declineCode },
      { returned: expected, onFile: expected, networkChargeId: network === 'approved' ? 'ch_pending' : null, declineCode: network === 'approved' ? null : 'card_declined' },
      `a pending payment the network had ${network} was not settled ${expected} by reconcile`,
    );
  }
});

function pendingPayment(extra: Partial<Payment> = {}): Payment {
  return {
    id: 'pay_pending', orderId: ORDER, amount: 4_999, currency: 'usd', card: 'card_visa', status: 'pending', declineCode: null,
    networkChargeId: null, amountRefunded: 0, refunds: {}, createdAt: Date.UTC(2026, 0, 15, 12, 0, 0), ...extra,
  };
}

guard('a pending payment the network never received fails only once it is ten minutes old', async () => {
  const seen: Record<string, string> = {};
  for (const age of [0, 10 * MINUTE - 1, 10 * MINUTE, 10 * MINUTE + 1]) {
    const w = world(new Env(), { payments: { [ORDER]: pendingPayment() } });
    w.clock.advance(age);
    const payment = await w.service.reconcile(ORDER);
    seen[`${age} ms`] = `${payment.status}${payment.declineCode ? ` (${payment.declineCode})` : ''}`;
  }
  expectSame(
    seen,
    { '0 ms': 'pending', '599999 ms': 'pending', '600000 ms': 'failed (authorization_abandoned)', '600001 ms': 'failed (authorization_abandoned)' },
    'a pending payment unknown to the network was not kept pending for ten minutes and failed from then on',
  );
});

guard('reconcile keeps a payment pending while the network cannot be asked, however old it is', async () => {
  for (const kind of ['fail', 'lost-reply'] as const) {
    const w = world(new Env(), { payments: { [ORDER]: pendingPayment() } });
    w.network.seed('pay_pending', { reference: ORDER, amount: 4_999, currency: 'usd', card: 'card_visa' }, { status: 'approved', chargeId: 'ch_pending' });
    w.clock.advance(60 * MINUTE);
    w.network.inject({ operation: 'lookup', kind, times: 6 });
    const payment = await w.service.reconcile(ORDER);
    expectSame({ status: payment.status }, { status: 'pending' }, 'a payment was settled though the network could not be asked what happened to it');
  }
});

guard('reconcile leaves a settled payment as it is, without asking the network', async () => {
  for (const status of ['succeeded', 'failed'] as const) {
    const on = pendingPayment({ status, networkChargeId: status === 'succeeded' ? 'ch_pending' : null, declineCode: status === 'failed' ? 'card_declined' : null });
    const w = world(new Env(), { payments: { [ORDER]: on } });
    if (status === 'succeeded') w.network.seed('pay_pending', { reference: ORDER, amount: 4_999, currency: 'usd', card: 'card_visa' }, { status: 'approved', chargeId: 'ch_pending' });
    w.clock.advance(60 * MINUTE);
    const payment = await w.service.reconcile(ORDER);
    expectThat(show(payment) === show(on) && w.network.sent.lookup === 0, `reconcile changed a ${status} payment or asked the network about it`, { expected: on, actual: payment });
  }
});
