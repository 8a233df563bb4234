import { Env, bug, explore, expectSame, expectThat, guard } from 'bugbash/harness';
import { ACCOUNT, IBAN, MINUTE, T0, account, outcomeOf, world } from './world';

/** Every ordering of a scenario is explored, arrivals included. The timeout only bounds a busy machine. */
const EXPLORE_TIMEOUT = { timeout: 20_000 };

bug('batch-stale-balance', 'two workers running the batch of one account at once pay its balance out once', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('worker A', () => w.worker(0).payOut(ACCOUNT)),
      env.run('worker B', () => w.worker(1).payOut(ACCOUNT)),
    ]);
    expectSame(
      { bankReceived: w.state().bankReceived, available: w.account().available, reserved: w.account().reserved, results: results.map(outcomeOf).sort() },
      { bankReceived: 10_000, available: 0, reserved: 0, results: ['nothing paid', 'paid'] },
      'two payout workers ran the batch of an account with 100.00 usd at the same time: the bank account did not receive exactly 100.00 usd once',
    );
  });
}, EXPLORE_TIMEOUT);

bug('batch-stale-balance', 'a batch that starts while another worker pays the account out finds the balance already paid', async () => {
  await explore({}, async (env) => {
    const w = world(env, { accounts: [account({ available: 7_500 })] });
    const results = await env.outcomes([
      env.run('worker A', () => w.worker(0).payOut(ACCOUNT)),
      env.run('worker A, next round', () => w.worker(0).payOut(ACCOUNT)),
    ]);
    expectSame(
      { bankReceived: w.state().bankReceived, available: w.account().available, payouts: w.state().payouts },
      { bankReceived: 7_500, available: 0, payouts: ['paid'] },
      'two batch rounds of one account on the same worker paid its 75.00 usd other than once',
    );
    expectThat(results.some((r) => outcomeOf(r) === 'paid'), 'neither batch round paid the account out', { actual: results.map(outcomeOf) });
  });
}, EXPLORE_TIMEOUT);

guard('one batch pays the whole available balance out and settles the payout as paid', async () => {
  const w = world(new Env());
  const payout = await w.worker(0).payOut(ACCOUNT);
  expectSame(
    { status: payout?.status, amount: payout?.amount, bankAmount: payout?.bankAmount, bankCurrency: payout?.bankCurrency, onFile: w.payouts.peek(payout?.id ?? '')?.status, ...w.state() },
    { status: 'paid', amount: 10_000, bankAmount: 10_000, bankCurrency: 'usd', onFile: 'paid', available: 0, reserved: 0, inFlight: false, bankReceived: 10_000, payouts: ['paid'] },
    'a batch of an account with 100.00 usd available did not pay 100.00 usd and settle the payout as paid',
  );
  expectSame(w.bank.received.map((t) => ({ key: t.idempotencyKey, to: t.accountNumber })), [{ key: payout?.id, to: IBAN }], "the bank transfer was not sent once, to the account's bank account, under the payout's id");
  expectThat(w.locks.holder(`account:${ACCOUNT}`) === undefined, "the account's lease was still held after the batch", { actual: w.locks.holder(`account:${ACCOUNT}`) });
});

guard('a batch while another worker holds the account lease pays nothing', async () => {
  const w = world(new Env());
  w.locks.seed(`account:${ACCOUNT}`, 'worker_other', T0 + 2 * MINUTE);
  const result = await w.worker(0).payOut(ACCOUNT);
  expectSame({ result, bankCalls: w.bank.received.length, available: w.account().available }, { result: null, bankCalls: 0, available: 10_000 }, 'a batch ran on an account whose lease another worker holds');
  expectThat(w.locks.holder(`account:${ACCOUNT}`) === 'worker_other', "a batch that did not get the lease released another worker's lease", { actual: w.locks.holder(`account:${ACCOUNT}`) });
});

guard('a lease left by a worker that died expires, and the next batch pays the account out', async () => {
  const w = world(new Env());
  w.locks.seed(`account:${ACCOUNT}`, 'worker_dead', T0);
  const payout = await w.worker(1).payOut(ACCOUNT);
  expectSame({ status: payout?.status, bankReceived: w.state().bankReceived }, { status: 'paid', bankReceived: 10_000 }, 'a batch after the lease of a dead worker expired did not pay the account out');
});

guard('the batch holds the account lease for 5 minutes', async () => {
  const w = world(new Env());
  await w.worker(0).payOut(ACCOUNT);
  expectSame(w.locks.granted.map((g) => ({ name: g.name, ttlMs: g.ttlMs })), [{ name: `account:${ACCOUNT}`, ttlMs: 5 * MINUTE }], 'the batch did not take the account lease account:<id> for 5 minutes');
});

guard('an account with nothing available gets no payout and no bank transfer', async () => {
  const w = world(new Env(), { accounts: [account({ available: 0 })] });
  const result = await w.worker(0).payOut(ACCOUNT);
  expectSame({ result, bankCalls: w.bank.received.length, payouts: w.payouts.values().length }, { result: null, bankCalls: 0, payouts: 0 }, 'an account with a zero balance was paid out');
});

guard('a batch of an unknown account is refused with account_not_found', async () => {
  const w = world(new Env());
  let code: unknown;
  try {
    await w.worker(0).payOut('acct_missing');
  } catch (error) {
    code = (error as { code?: unknown }).code;
  }
  expectSame(code, 'account_not_found', 'a batch of an account that does not exist was not refused with account_not_found');
  expectThat(w.locks.holder('account:acct_missing') === undefined, 'a batch refused for an unknown account kept its lease', {});
});

guard('a second batch right after a paid one finds nothing to pay', async () => {
  const w = world(new Env(), { accounts: [account({ available: 4_321, reserved: 0 })] });
  await w.worker(0).payOut(ACCOUNT);
  await w.worker(1).payOut(ACCOUNT);
  expectSame(w.state(), { available: 0, reserved: 0, inFlight: false, bankReceived: 4_321, payouts: ['paid'] }, 'two batches in a row did not pay 43.21 usd out exactly once');
});
