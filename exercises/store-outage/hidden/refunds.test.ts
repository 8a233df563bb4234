import { Env, bug, expectRejects, expectSame, fail, guard, outcome } from 'bugbash/harness';
import type { Payment } from '@impl/types';
import { ORDER, paymentOnFile, seedNetwork, world } from './world';

/** A world with a $100.00 payment on file, succeeded and charged at the network. */
function refundWorld(extra: Partial<Payment> = {}) {
  const payment = paymentOnFile(undefined, extra);
  const w = world(new Env(), { payments: { [ORDER]: payment } });
  if (payment.status === 'succeeded') seedNetwork(w, payment);
  return w;
}

function refunded(w: ReturnType<typeof refundWorld>) {
  return { onFile: w.payment()?.amountRefunded, networkRefunded: w.network.chargesFor(ORDER)[0]?.refunded ?? 0 };
}

guard('partial refunds add up on the payment and at the network', async () => {
  const w = refundWorld();
  await w.service.refund(ORDER, 'rf_1', 2_500);
  const payment = await w.instance(1).refund(ORDER, 'rf_2', 3_000);
  expectSame(
    { amountRefunded: payment.amountRefunded, refunds: Object.fromEntries(Object.entries(payment.refunds).map(([id, r]) => [id, `${r.amount} ${r.status}`])), ...refunded(w) },
    { amountRefunded: 5_500, refunds: { rf_1: '2500 succeeded', rf_2: '3000 succeeded' }, onFile: 5_500, networkRefunded: 5_500 },
    'two partial refunds of $25.00 and $30.00 did not both end succeeded, recorded and refunded at the network',
  );
});

guard('a refund id sent again after it succeeded returns the payment without refunding again', async () => {
  const w = refundWorld();
  await w.service.refund(ORDER, 'rf_1', 2_500);
  const again = await w.instance(1).refund(ORDER, 'rf_1', 2_500);
  expectSame({ amountRefunded: again.amountRefunded, refundsSent: w.network.sent.refund, ...refunded(w) }, { amountRefunded: 2_500, refundsSent: 1, onFile: 2_500, networkRefunded: 2_500 }, 'a refund sent twice with the same refund id was refunded twice');
  await expectRejects(w.service.refund(ORDER, 'rf_1', 3_000), 'idempotency_error', 'a refund id reused with another amount was not refused with idempotency_error');
});

guard('only a succeeded payment can be refunded; unknown orders and invalid amounts are refused', async () => {
  for (const status of ['pending', 'failed'] as const) {
    const w = refundWorld({ status, networkChargeId: null });
    await expectRejects(w.service.refund(ORDER, 'rf_1', 1_000), 'payment_not_refundable', `a refund of a ${status} payment was not refused with payment_not_refundable`);
    expectSame(w.network.sent.refund, 0, `a refund of a ${status} payment reached the network`);
  }
  await expectRejects(refundWorld().service.refund('order_missing', 'rf_1', 1_000), 'payment_not_found', 'a refund of an unknown order was not refused with payment_not_found');
  for (const amount of [0, -1, 10.5, Number.NaN]) {
    await expectRejects(refundWorld().service.refund(ORDER, 'rf_1', amount), 'amount_invalid', `a refund of ${amount} was not refused with amount_invalid`);
  }
});

bug('full-remainder-refused', 'a refund of exactly what is left succeeds, and one minor unit more is refused', async () => {
  const seen: Record<string, string> = {};
  const whole = refundWorld();
  seen['10000 of 10000'] = await describe(whole.service.refund(ORDER, 'rf_all', 10_000));
  const parts = refundWorld();
  await parts.service.refund(ORDER, 'rf_1', 4_000);
  seen['6001 of the 6000 left'] = await describe(parts.service.refund(ORDER, 'rf_2', 6_001));
  seen['6000 of the 6000 left'] = await describe(parts.service.refund(ORDER, 'rf_3', 6_000));
  seen['1 more'] = await describe(parts.service.refund(ORDER, 'rf_4', 1));
  expectSame(
    seen,
    { '10000 of 10000': 'amountRefunded 10000', '6001 of the 6000 left': 'refund_exceeds_unrefunded', '6000 of the 6000 left': 'amountRefunded 10000', '1 more': 'refund_exceeds_unrefunded' },
    'refunding a payment down to exactly zero was refused, or a refund past what is left went through',
  );
});

bug('full-remainder-refused', 'a refund still pending counts against what is left, and the exact rest can still be refunded', async () => {
  const w = refundWorld();
  w.network.inject({ operation: 'refund', kind: 'fail', times: 6 });
  const pending = await w.service.refund(ORDER, 'rf_1', 6_000);
  w.network.heal();
  const seen = {
    first: pending.refunds.rf_1?.status,
    '6000 more': await describe(w.service.refund(ORDER, 'rf_2', 6_000)),
    'the 4000 left': await describe(w.instance(1).refund(ORDER, 'rf_3', 4_000)),
  };
  expectSame(
    seen,
    { first: 'pending', '6000 more': 'refund_exceeds_unrefunded', 'the 4000 left': 'amountRefunded 4000' },
    'with a refund of $60.00 of a $100.00 payment still pending at the network, another $60.00 was let through, or the $40.00 left was refused',
  );
});

async function describe(call: Promise<Payment>): Promise<string> {
  const result = await outcome(call);
  return result.ok ? `amountRefunded ${result.value.amountRefunded}` : result.code;
}

bug('refund-key-per-call', 'a refund whose replies were lost, sent again with the same refund id, refunds the customer once', async () => {
  const w = refundWorld();
  w.network.inject({ operation: 'refund', kind: 'lost-reply', times: 6 });
  const first = await w.service.refund(ORDER, 'rf_1', 3_000);
  w.network.heal();
  expectSame(first.refunds.rf_1?.status, 'pending', 'a refund whose replies were all lost was not left pending');
  const again = await w.instance(1).refund(ORDER, 'rf_1', 3_000);
  expectSame(
    { amountRefunded: again.amountRefunded, status: again.refunds.rf_1?.status, ...refunded(w) },
    { amountRefunded: 3_000, status: 'succeeded', onFile: 3_000, networkRefunded: 3_000 },
    'a refund of $30.00 whose reply was lost was sent again with the same refund id and the network refunded the customer again',
  );
});

bug('refund-key-per-call', 'whichever store call of a refund fails, sending the refund id again refunds it exactly once', async () => {
  for (const kind of ['fail', 'fail-after-write'] as const) {
    for (let index = 0; ; index++) {
      const w = refundWorld();
      w.payments.failCall(index, kind);
      const first = await outcome(w.service.refund(ORDER, 'rf_1', 3_000));
      if (index >= w.payments.calls.length) break;
      const where = `${w.payments.calls[index]!.operation} (store call ${index + 1} of the refund) ${kind === 'fail' ? 'failed' : 'landed, then failed'}`;
      if (!first.ok && first.code !== 'store_unavailable') fail(`a store outage (${where}) was reported as ${first.code}`, { expected: 'store_unavailable', actual: first.code });
      const again = await outcome(w.service.refund(ORDER, 'rf_1', 3_000));
      const state = { again: again.ok ? `amountRefunded ${again.value.amountRefunded}` : again.code, ...refunded(w) };
      expectSame(state, { again: 'amountRefunded 3000', onFile: 3_000, networkRefunded: 3_000 }, `after a store outage (${where}), sending the refund again did not leave exactly one refund of $30.00, recorded and at the network`);
    }
  }
});
