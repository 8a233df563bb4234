import { bug, errorCode, explore, expectThat } from 'bugbash/harness';
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

// ─── idempotency under concurrency ────────────────────────────────────────────

bug('transfer-idempotency', 'two concurrent requests with one idempotency key move the money once', async () => {
  await explore({ seed: 4, runs: 15 }, async (env) => {
    const world = buildWorld(env, WalletLedger, WALLETS, NO_FEES);
    const request = { from: 'alice', to: 'carol', amount: 2_000, idempotencyKey: 'order-77' };
    const results = await env.outcomes([
      env.run('request', () => world.ledger.transfer({ ...request })),
      env.run('client retry', () => world.ledger.transfer({ ...request })),
    ]);
    const outcomes = describe(results);
    const acceptable = outcomes.every((o) => o === 'ok txn_order-77' || o === 'failed with idempotency_key_in_use') && outcomes.includes('ok txn_order-77');
    const balances = world.walletBalances();
    expectThat(
      acceptable && balances.alice === 8_000 && balances.carol === 2_000,
      'a client retry sent while the first request was still running moved the money a second time',
      {
        expected: { outcomes: 'the transfer, and for the retry either the same transfer or idempotency_key_in_use', alice: 8_000, carol: 2_000 },
        actual: { outcomes, alice: balances.alice, carol: balances.carol },
      },
    );
  });
}, SLOW);

bug('transfer-idempotency', 'a retry racing the original never reports a failure for a transfer that went through', async () => {
  await explore({ seed: 5, runs: 12 }, async (env) => {
    const world = buildWorld(env, WalletLedger, WALLETS, NO_FEES);
    const request = { from: 'alice', to: 'carol', amount: 6_000, idempotencyKey: 'order-78' };
    const racing = await env.outcomes([
      env.run('request', () => world.ledger.transfer({ ...request })),
      env.run('client retry', () => world.ledger.transfer({ ...request })),
    ]);
    const later = await env.outcomes([env.run('later retry', () => world.ledger.transfer({ ...request }))]);
    const outcomes = describe([...racing, ...later]);
    const acceptable = outcomes.every((o) => o === 'ok txn_order-78' || o === 'failed with idempotency_key_in_use') && outcomes[2] === 'ok txn_order-78';
    expectThat(
      acceptable && world.walletBalances().alice === 4_000,
      'retries of a 60.00 usd transfer that went through were answered with an error (or moved money again); a later retry did not return the transfer',
      {
        expected: { outcomes: 'the transfer, or idempotency_key_in_use while it is still running; afterwards always the transfer', alice: 4_000 },
        actual: { outcomes, alice: world.walletBalances().alice },
      },
    );
  });
}, SLOW);
