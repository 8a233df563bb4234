import { Env, bug, expectSame, expectThat, guard } from 'bugbash/harness';
import { ACCOUNT, IBAN, T0, account, paidPayout, world } from './world';

async function codeOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return 'resolved';
}

bug('timeout-releases-reservation', 'a payout whose bank reply was lost stays pending and reserved, and the next batch sends it again: the bank pays once', async () => {
  const w = world(new Env());
  w.bank.inject({ kind: 'lost-reply' });
  const first = await w.worker(0).payOut(ACCOUNT);
  expectSame(
    { status: first?.status, available: w.account().available, reserved: w.account().reserved, inFlight: w.account().payoutInFlight === first?.id },
    { status: 'pending', available: 0, reserved: 10_000, inFlight: true },
    'after the bank paid 100.00 usd but its reply was lost, the payout was not left pending with its 100.00 usd reserved',
  );
  const second = await w.worker(1).payOut(ACCOUNT);
  expectSame(
    { sameKey: w.bank.received.map((t) => t.idempotencyKey === first?.id), second: second?.status, ...w.state() },
    { sameKey: [true, true], second: 'paid', available: 0, reserved: 0, inFlight: false, bankReceived: 10_000, payouts: ['paid'] },
    'the batch after a lost bank reply did not send the same payout again and settle it as paid: the bank account was paid other than once',
  );
});

bug('timeout-releases-reservation', 'a payout whose transfer never reached the bank stays pending and is paid once by the next batch', async () => {
  const w = world(new Env());
  w.bank.inject({ kind: 'fail' });
  const first = await w.worker(0).payOut(ACCOUNT);
  expectSame({ status: first?.status, reserved: w.account().reserved }, { status: 'pending', reserved: 10_000 }, 'a payout the bank did not answer was not left pending and reserved');
  await w.worker(0).payOut(ACCOUNT);
  expectSame(w.state(), { available: 0, reserved: 0, inFlight: false, bankReceived: 10_000, payouts: ['paid'] }, 'a payout the bank never received was not paid by the next batch as the same payout');
});

bug('timeout-releases-reservation', 'a payout left pending stays pending through further lost replies and is never paid twice', async () => {
  const w = world(new Env());
  w.bank.inject({ kind: 'lost-reply', times: 2 });
  await w.worker(0).payOut(ACCOUNT);
  const again = await w.worker(1).payOut(ACCOUNT);
  expectSame({ again: again?.status, reserved: w.account().reserved }, { again: 'pending', reserved: 10_000 }, 'a payout whose second send also got no answer was not kept pending and reserved');
  await w.worker(0).payOut(ACCOUNT);
  expectSame(w.state(), { available: 0, reserved: 0, inFlight: false, bankReceived: 10_000, payouts: ['paid'] }, 'a payout sent three times, two replies lost, was not paid exactly once');
});

guard('a payout the bank refuses is failed with its code and its amount goes back to the available balance', async () => {
  const w = world(new Env());
  w.bank.close(IBAN);
  const payout = await w.worker(0).payOut(ACCOUNT);
  expectSame(
    { status: payout?.status, failureCode: payout?.failureCode, onFile: w.payouts.peek(payout?.id ?? '')?.status, ...w.state() },
    { status: 'failed', failureCode: 'account_closed', onFile: 'failed', available: 10_000, reserved: 0, inFlight: false, bankReceived: 0, payouts: ['failed'] },
    'a payout refused by the bank (account_closed) was not failed with its 100.00 usd back in the available balance',
  );
});

guard('after a refused payout, the next batch pays the balance out again as a new payout', async () => {
  const w = world(new Env());
  w.bank.close(IBAN);
  await w.worker(0).payOut(ACCOUNT);
  const second = await w.worker(1).payOut(ACCOUNT);
  expectSame({ status: second?.status, failureCode: second?.failureCode, payouts: w.state().payouts, available: w.account().available }, { status: 'failed', failureCode: 'account_closed', payouts: ['failed', 'failed'], available: 10_000 }, 'the batch after a refused payout did not try again with a new payout');
});

bug('return-of-failed-payout', "a return notice for a payout the bank refused leaves the balance as it is: the reservation went back once", async () => {
  const w = world(new Env());
  w.bank.close(IBAN);
  const payout = (await w.worker(0).payOut(ACCOUNT))!;
  const answered = await w.worker(1).handleReturn(payout.id, 'account_closed');
  expectSame(
    { answered: answered.status, onFile: w.payouts.peek(payout.id)?.status, available: w.account().available, reserved: w.account().reserved },
    { answered: 'failed', onFile: 'failed', available: 10_000, reserved: 0 },
    'a return notice for a refused payout of 100.00 usd, whose amount was already back in the balance, was not answered with the failed payout as it is',
  );
});

guard('a return notice credits a paid payout back once, and answers a repeated notice with the returned payout', async () => {
  const w = world(new Env(), { accounts: [account({ available: 1_000 })], payouts: [paidPayout('po_old', 2_500)] });
  w.bank.returnTransfer('po_old');
  const first = await w.worker(0).handleReturn('po_old', 'account_closed');
  const again = await w.worker(1).handleReturn('po_old', 'account_closed');
  expectSame(
    { first: first.status, failureCode: first.failureCode, again: again.status, available: w.account().available, reserved: w.account().reserved },
    { first: 'returned', failureCode: 'account_closed', again: 'returned', available: 3_500, reserved: 0 },
    'a returned payout of 25.00 usd, notified twice, was not credited back once',
  );
});

guard('returned funds are paid out by the next batch', async () => {
  const w = world(new Env(), { accounts: [account({ available: 1_000 })], payouts: [paidPayout('po_old', 2_500)] });
  w.bank.returnTransfer('po_old');
  await w.worker(0).handleReturn('po_old', 'account_closed');
  const payout = await w.worker(0).payOut(ACCOUNT);
  expectSame({ status: payout?.status, amount: payout?.amount, available: w.account().available }, { status: 'paid', amount: 3_500, available: 0 }, 'the batch after a return did not pay out the returned 25.00 usd with the rest of the balance');
});

guard('a return notice for a payout still in flight is refused with payout_in_flight and changes nothing', async () => {
  const inFlight = paidPayout('po_in_flight', 10_000, { status: 'pending', createdAt: T0 });
  const w = world(new Env(), { accounts: [account({ available: 0, reserved: 10_000, payoutInFlight: inFlight.id })], payouts: [inFlight] });
  const payout = inFlight;
  const code = await codeOf(w.worker(1).handleReturn(payout.id, 'account_closed'));
  expectSame({ code, available: w.account().available, reserved: w.account().reserved, onFile: w.payouts.peek(payout.id)?.status }, { code: 'payout_in_flight', available: 0, reserved: 10_000, onFile: 'pending' }, 'a return notice for a pending payout was not refused with payout_in_flight');
});

guard('a return notice for an unknown payout is refused with payout_not_found', async () => {
  const w = world(new Env());
  expectSame(await codeOf(w.worker(0).handleReturn('po_missing', 'account_closed')), 'payout_not_found', 'a return notice for a payout that does not exist was not refused with payout_not_found');
});

bug('return-wrong-lock', "a return notice while a batch holds the account's lease is refused with account_busy, and credited when sent again", async () => {
  const w = world(new Env(), { accounts: [account({ available: 1_000 })], payouts: [paidPayout('po_old', 2_500)] });
  w.bank.returnTransfer('po_old');
  w.locks.seed(`account:${ACCOUNT}`, 'worker_batch', w.clock.now() + 60_000);
  const code = await codeOf(w.worker(0).handleReturn('po_old', 'account_closed'));
  expectSame({ code, available: w.account().available, onFile: w.payouts.peek('po_old')?.status }, { code: 'account_busy', available: 1_000, onFile: 'paid' },
    "a return notice that arrived while another worker held the account's lease changed the balance instead of being refused with account_busy");
  w.locks.seed(`account:${ACCOUNT}`, 'worker_batch', w.clock.now());
  const again = await w.worker(1).handleReturn('po_old', 'account_closed');
  expectThat(again.status === 'returned' && w.account().available === 3_500, 'the return notice sent again once the lease was free was not credited', { actual: { status: again.status, available: w.account().available } });
});
