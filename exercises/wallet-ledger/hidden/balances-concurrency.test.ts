import { Env, bug, errorCode, explore, expectSame, expectThat } from 'bugbash/harness';
import { WalletLedger } from '@impl/ledger';
import type { Transaction } from '@impl/types';
import { buildWorld, type Wallets } from './world';

/** Explores many interleavings or command sequences: allow for a busy machine. */
const SLOW = { timeout: 10_000 };

/** Fees play no part in these races; leaving them out keeps each transfer to a few store calls. */
const NO_FEES = { feeBps: 0, partnerShareBps: 0 };

const WALLETS: Wallets = {
  alice: { currency: 'usd', balance: 10_000 },
  bob: { currency: 'usd', balance: 10_000 },
  carol: { currency: 'usd', balance: 0 },
};

function describe(results: PromiseSettledResult<Transaction>[]): string[] {
  return results.map((r) => (r.status === 'fulfilled' ? `ok ${r.value.id}` : `failed with ${errorCode(r.reason)}`));
}

// ─── lock ordering ────────────────────────────────────────────────────────────

bug('lock-order-deadlock', 'two transfers between the same wallets in opposite directions both complete', async () => {
  const env = new Env();
  const world = buildWorld(env, WalletLedger, WALLETS, NO_FEES);
  const results = await env.outcomes([
    env.run('alice → bob', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 1_000, idempotencyKey: 'ab' })),
    env.run('bob → alice', () => world.ledger.transfer({ from: 'bob', to: 'alice', amount: 1_500, idempotencyKey: 'ba' })),
  ]);
  expectSame(describe(results), ['ok txn_ab', 'ok txn_ba'], 'two opposite transfers between alice and bob did not both succeed');
});

bug('lock-order-deadlock', 'a ring of transfers A → B → C → A completes', async () => {
  const env = new Env();
  const world = buildWorld(env, WalletLedger, { ...WALLETS, carol: { currency: 'usd', balance: 10_000 } }, NO_FEES);
  const results = await env.outcomes([
    env.run('alice → bob', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 1_000, idempotencyKey: 'ab' })),
    env.run('bob → carol', () => world.ledger.transfer({ from: 'bob', to: 'carol', amount: 1_000, idempotencyKey: 'bc' })),
    env.run('carol → alice', () => world.ledger.transfer({ from: 'carol', to: 'alice', amount: 1_000, idempotencyKey: 'ca' })),
  ]);
  expectSame(describe(results), ['ok txn_ab', 'ok txn_bc', 'ok txn_ca'], 'three concurrent transfers alice → bob → carol → alice did not all succeed');
});

// ─── balance checks under concurrency ─────────────────────────────────────────

bug('stale-balance-check', 'two concurrent transfers cannot together spend more than the wallet holds', async () => {
  await explore({ seed: 7, runs: 15 }, async (env) => {
    const world = buildWorld(env, WalletLedger, WALLETS, NO_FEES);
    const results = await env.outcomes([
      env.run('transfer A', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 6_000, idempotencyKey: 'pay-a' })),
      env.run('transfer B', () => world.ledger.transfer({ from: 'alice', to: 'carol', amount: 6_000, idempotencyKey: 'pay-b' })),
    ]);
    const outcomes = describe(results).map((o) => o.replace(/^ok .*/, 'ok')).sort();
    expectSame(
      { outcomes, alice: world.walletBalances().alice, moneyCreatedOrLost: world.netPerCurrency() },
      { outcomes: ['failed with balance_insufficient', 'ok'], alice: 4_000, moneyCreatedOrLost: { usd: 0 } },
      'two concurrent 60.00 usd transfers from a wallet holding 100.00 both went through (or the books no longer add up)',
    );
  });
}, SLOW);

bug('stale-balance-check', 'two concurrent transfers into one wallet both land', async () => {
  await explore({ seed: 8, runs: 15 }, async (env) => {
    const world = buildWorld(env, WalletLedger, WALLETS, NO_FEES);
    const results = await env.outcomes([
      env.run('transfer A', () => world.ledger.transfer({ from: 'alice', to: 'carol', amount: 2_000, idempotencyKey: 'pay-a' })),
      env.run('transfer B', () => world.ledger.transfer({ from: 'bob', to: 'carol', amount: 3_000, idempotencyKey: 'pay-b' })),
    ]);
    expectSame(
      { outcomes: describe(results), balances: world.walletBalances(), moneyCreatedOrLost: world.netPerCurrency() },
      { outcomes: ['ok txn_pay-a', 'ok txn_pay-b'], balances: { alice: 8_000, bob: 7_000, carol: 5_000 }, moneyCreatedOrLost: { usd: 0 } },
      "two concurrent transfers into the same wallet both succeeded but one credit is missing from the recipient's balance",
    );
  });
}, SLOW);

bug('stale-balance-check', 'a transfer racing a reversal cannot overdraw the recipient', async () => {
  await explore({ seed: 9, runs: 12 }, async (env) => {
    const world = buildWorld(env, WalletLedger, { ...WALLETS, bob: { currency: 'usd', balance: 0 } }, NO_FEES);
    const [funded] = await env.outcomes([env.run('funding', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'fund' }))]);
    if (funded.status !== 'fulfilled') throw funded.reason;
    const results = await env.outcomes([
      env.run('reversal', () => world.ledger.reverse(funded.value.id)),
      env.run('spend', () => world.ledger.transfer({ from: 'bob', to: 'carol', amount: 3_000, idempotencyKey: 'spend' })),
    ]);
    const outcomes = describe(results).map((o) => o.replace(/^ok .*/, 'ok'));
    const bob = world.walletBalances().bob;
    expectThat(
      outcomes.filter((o) => o === 'ok').length === 1 && bob >= 0 && world.netPerCurrency().usd === 0,
      'bob received 50.00, then a reversal of that transfer and a 30.00 spend from bob ran at the same time: both went through, or the books no longer add up',
      { expected: 'exactly one of them succeeds, the other fails with balance_insufficient; no money created or lost', actual: { outcomes, bob, moneyCreatedOrLost: world.netPerCurrency() } },
    );
  });
}, SLOW);
