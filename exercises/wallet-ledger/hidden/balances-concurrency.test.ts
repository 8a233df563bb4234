import { Env, bug, errorCode, explore, expectSame, expectThat } from 'bugbash/harness';
import { WalletLedger } from '@impl/ledger';
import { WalletLedger as SecondInstance } from '@impl/ledger?instance=2';
import type { Transaction, TransferRequest } from '@impl/types';
import { buildWorld, type World, type Wallets } from './world';

/** Explores every ordering: allow for a busy machine. */
const SLOW = { timeout: 60_000 };

/** Fees play no part in most of these races; leaving them out keeps each transfer to a few store calls. */
const NO_FEES = { feeBps: 0, partnerShareBps: 0 };
const FEES = { feeBps: 100, partnerShareBps: 2_000 };

/** Two ledger instances over the same database and lock service, as in production. */
const INSTANCES = [WalletLedger, SecondInstance];

const WALLETS: Wallets = {
  alice: { currency: 'usd', balance: 10_000 },
  bob: { currency: 'usd', balance: 10_000 },
  carol: { currency: 'usd', balance: 0 },
};

function describe(results: PromiseSettledResult<Transaction>[]): string[] {
  return results.map((r) => (r.status === 'fulfilled' ? `ok ${r.value.id}` : `failed with ${errorCode(r.reason)}`));
}

/** Runs transfers at once, the n-th on instance n mod 2. */
function transfers(env: Env, world: World, requests: Array<[string, TransferRequest]>) {
  return env.outcomes(requests.map(([label, request], i) => env.run(label, () => world.ledgers[i % world.ledgers.length]!.transfer(request))));
}

/** Whether every posted transaction is on its accounts exactly once (reversal links are judged elsewhere). */
function books(world: World) {
  return { problems: world.bookProblems({ links: false }), moneyCreatedOrLost: world.netPerCurrency() };
}

// ─── lock ordering ────────────────────────────────────────────────────────────

bug('lock-order-deadlock', 'two transfers between the same wallets in opposite directions both complete', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, WALLETS, { fees: NO_FEES, invariants: 'safety' });
    const results = await transfers(env, world, [
      ['alice → bob', { from: 'alice', to: 'bob', amount: 1_000, idempotencyKey: 'ab' }],
      ['bob → alice', { from: 'bob', to: 'alice', amount: 1_500, idempotencyKey: 'ba' }],
    ]);
    expectSame(describe(results), ['ok txn_ab', 'ok txn_ba'], 'two opposite transfers between alice and bob did not both succeed');
  });
}, SLOW);

bug('lock-order-deadlock', 'a ring of transfers A → B → C → A completes', async () => {
  // Started together and stepped in turn: each transfer takes its first lock before any takes its second.
  const env = new Env();
  const world = buildWorld(env, INSTANCES, { ...WALLETS, carol: { currency: 'usd', balance: 10_000 } }, { fees: NO_FEES, invariants: 'safety' });
  const results = await transfers(env, world, [
    ['alice → bob', { from: 'alice', to: 'bob', amount: 1_000, idempotencyKey: 'ab' }],
    ['bob → carol', { from: 'bob', to: 'carol', amount: 1_000, idempotencyKey: 'bc' }],
    ['carol → alice', { from: 'carol', to: 'alice', amount: 1_000, idempotencyKey: 'ca' }],
  ]);
  expectSame(describe(results), ['ok txn_ab', 'ok txn_bc', 'ok txn_ca'], 'three concurrent transfers alice → bob → carol → alice did not all succeed');
}, SLOW);

bug('lock-order-deadlock', 'opposite cross-currency transfers between different wallets both complete (they share the FX pools)', async () => {
  await explore({ arrivals: 'now', orderings: 300, runs: 40 }, async (env) => {
    const world = buildWorld(env, INSTANCES, {
      sam: { currency: 'usd', balance: 100_000 },
      ann: { currency: 'usd', balance: 0 },
      yuki: { currency: 'jpy', balance: 1_000_000 },
      ken: { currency: 'jpy', balance: 0 },
    }, { fees: NO_FEES, invariants: 'safety' });
    const results = await transfers(env, world, [
      ['sam (usd) → ken (jpy)', { from: 'sam', to: 'ken', amount: 1_000, idempotencyKey: 'usd-jpy' }],
      ['yuki (jpy) → ann (usd)', { from: 'yuki', to: 'ann', amount: 10_000, idempotencyKey: 'jpy-usd' }],
    ]);
    expectSame(
      describe(results),
      ['ok txn_usd-jpy', 'ok txn_jpy-usd'],
      'a usd → jpy transfer and a jpy → usd transfer between four different wallets, sent at the same time, did not both succeed',
    );
  });
}, SLOW);

bug('lock-order-deadlock', 'opposite cross-currency transfers between the same two wallets both complete, fees included', async () => {
  await explore({ arrivals: 'now', orderings: 300, runs: 40 }, async (env) => {
    const world = buildWorld(env, INSTANCES, {
      sam: { currency: 'usd', balance: 100_000 },
      yuki: { currency: 'jpy', balance: 1_000_000 },
    }, { fees: FEES, invariants: 'safety' });
    const results = await transfers(env, world, [
      ['sam → yuki', { from: 'sam', to: 'yuki', amount: 1_000, idempotencyKey: 'sy' }],
      ['yuki → sam', { from: 'yuki', to: 'sam', amount: 10_000, idempotencyKey: 'ys' }],
    ]);
    expectSame(describe(results), ['ok txn_sy', 'ok txn_ys'], 'a usd → jpy and a jpy → usd transfer between sam and yuki, sent at the same time, did not both succeed');
  });
}, SLOW);

// ─── balance checks under concurrency ─────────────────────────────────────────

bug('stale-balance-check', 'two concurrent transfers cannot together spend more than the wallet holds', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, WALLETS, NO_FEES);
    const results = await transfers(env, world, [
      ['transfer A', { from: 'alice', to: 'bob', amount: 6_000, idempotencyKey: 'pay-a' }],
      ['transfer B', { from: 'alice', to: 'carol', amount: 6_000, idempotencyKey: 'pay-b' }],
    ]);
    const outcomes = describe(results).map((o) => o.replace(/^ok .*/, 'ok')).sort();
    expectSame(
      { outcomes, alice: world.walletBalances().alice, ...books(world) },
      { outcomes: ['failed with balance_insufficient', 'ok'], alice: 4_000, problems: [], moneyCreatedOrLost: { usd: 0 } },
      'two concurrent 60.00 usd transfers from a wallet holding 100.00 both went through (or the books no longer add up)',
    );
  });
}, SLOW);

bug('stale-balance-check', 'two concurrent transfers into one wallet both land', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, WALLETS, NO_FEES);
    const results = await transfers(env, world, [
      ['transfer A', { from: 'alice', to: 'carol', amount: 2_000, idempotencyKey: 'pay-a' }],
      ['transfer B', { from: 'bob', to: 'carol', amount: 3_000, idempotencyKey: 'pay-b' }],
    ]);
    expectSame(
      { outcomes: describe(results), balances: world.walletBalances(), ...books(world) },
      { outcomes: ['ok txn_pay-a', 'ok txn_pay-b'], balances: { alice: 8_000, bob: 7_000, carol: 5_000 }, problems: [], moneyCreatedOrLost: { usd: 0 } },
      "two concurrent transfers into the same wallet both succeeded but one credit is missing from the recipient's balance",
    );
  });
}, SLOW);

bug('stale-balance-check', 'concurrent transfers between different wallets both book their fees (the fee accounts are shared)', async () => {
  await explore({ arrivals: 'now', orderings: 300, runs: 40 }, async (env) => {
    const world = buildWorld(env, INSTANCES, { ...WALLETS, dave: { currency: 'usd', balance: 0 } }, FEES);
    const results = await transfers(env, world, [
      ['alice → carol', { from: 'alice', to: 'carol', amount: 5_000, idempotencyKey: 'pay-a' }],
      ['bob → dave', { from: 'bob', to: 'dave', amount: 3_000, idempotencyKey: 'pay-b' }],
    ]);
    const balances = world.balances();
    expectSame(
      { outcomes: describe(results), platform: balances['fees:platform:usd'], partner: balances['fees:partner:usd'], ...books(world) },
      { outcomes: ['ok txn_pay-a', 'ok txn_pay-b'], platform: 40 + 24, partner: 10 + 6, problems: [], moneyCreatedOrLost: { usd: 0 } },
      'two transfers between four different wallets ran at the same time: a fee went missing from the platform or partner account',
    );
  });
}, SLOW);

bug('stale-balance-check', 'concurrent cross-currency transfers between different wallets both land in the FX pools', async () => {
  await explore({ arrivals: 'now', orderings: 300, runs: 40 }, async (env) => {
    const world = buildWorld(env, INSTANCES, {
      sam: { currency: 'usd', balance: 100_000 },
      ann: { currency: 'usd', balance: 100_000 },
      yuki: { currency: 'jpy', balance: 0 },
      ken: { currency: 'jpy', balance: 0 },
    }, NO_FEES);
    const results = await transfers(env, world, [
      ['sam → yuki', { from: 'sam', to: 'yuki', amount: 1_000, idempotencyKey: 'fx-a' }],
      ['ann → ken', { from: 'ann', to: 'ken', amount: 2_000, idempotencyKey: 'fx-b' }],
    ]);
    const balances = world.balances();
    expectSame(
      // What the yen wallets received must have been bought from the jpy pool, whatever the rate arithmetic.
      { outcomes: describe(results), fxUsd: balances['fx:usd'], jpyBoughtFromThePool: -balances['fx:jpy']!, jpyReceived: balances.yuki! + balances.ken!, bothReceived: balances.yuki! > 0 && balances.ken! > 0, ...books(world) },
      { outcomes: ['ok txn_fx-a', 'ok txn_fx-b'], fxUsd: 3_000, jpyBoughtFromThePool: balances.yuki! + balances.ken!, jpyReceived: balances.yuki! + balances.ken!, bothReceived: true, problems: [], moneyCreatedOrLost: { jpy: 0, usd: 0 } },
      'two usd → jpy transfers between four different wallets ran at the same time: one of them is missing from the FX pools',
    );
  });
}, SLOW);

bug('stale-balance-check', 'a transfer racing a reversal cannot overdraw the recipient', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, { ...WALLETS, bob: { currency: 'usd', balance: 0 } }, NO_FEES);
    const [funded] = await env.outcomes([env.run('funding', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'fund' }))]);
    if (funded.status !== 'fulfilled') throw funded.reason;
    const results = await env.outcomes([
      env.run('reversal', () => world.ledgers[0]!.reverse(funded.value.id)),
      env.run('spend', () => world.ledgers[1]!.transfer({ from: 'bob', to: 'carol', amount: 3_000, idempotencyKey: 'spend' })),
    ]);
    const outcomes = describe(results).map((o) => o.replace(/^ok .*/, 'ok'));
    const bob = world.walletBalances().bob;
    expectThat(
      outcomes.filter((o) => o === 'ok').length === 1 && bob >= 0 && world.netPerCurrency().usd === 0 && world.bookProblems({ links: false }).length === 0,
      'bob received 50.00, then a reversal of that transfer and a 30.00 spend from bob ran at the same time: both went through, or the books no longer add up',
      { expected: 'exactly one of them succeeds, the other fails with balance_insufficient; no money created or lost', actual: { outcomes, bob, ...books(world) } },
    );
  });
}, SLOW);

bug('stale-balance-check', "a transfer that waits while the sender's balance changes and changes back does not erase what happened meanwhile", async () => {
  // A → B → A: alice pays bob 60.00 and bob pays it straight back while alice's transfer to carol waits.
  await explore({ arrivals: 'now', orderings: 300, runs: 40 }, async (env) => {
    const world = buildWorld(env, INSTANCES, { ...WALLETS, bob: { currency: 'usd', balance: 0 } }, NO_FEES);
    const results = await env.outcomes([
      env.run('alice → carol', () => world.ledgers[0]!.transfer({ from: 'alice', to: 'carol', amount: 1_000, idempotencyKey: 'waits' })),
      env.run('alice → bob, then bob → alice', async () => {
        await world.ledgers[1]!.transfer({ from: 'alice', to: 'bob', amount: 6_000, idempotencyKey: 'there' });
        return world.ledgers[1]!.transfer({ from: 'bob', to: 'alice', amount: 6_000, idempotencyKey: 'back' });
      }),
    ]);
    const balances = world.walletBalances();
    expectSame(
      { outcomes: describe(results), balances, ...books(world) },
      { outcomes: ['ok txn_waits', 'ok txn_back'], balances: { alice: 9_000, bob: 0, carol: 1_000 }, problems: [], moneyCreatedOrLost: { usd: 0 } },
      "while a transfer waited, alice's balance went down and back up again; afterwards the books do not hold every transfer that succeeded",
    );
  });
}, SLOW);
