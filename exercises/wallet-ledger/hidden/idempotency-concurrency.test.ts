import { Env, bug, compareWithReference, errorCode, explore, expectSame, expectThat, fc, guard } from 'bugbash/harness';
import { WalletLedger } from '@impl/ledger';
import { WalletLedger as SecondInstance } from '@impl/ledger?instance=2';
import { WalletLedger as RefWalletLedger } from '@reference/ledger';
import type { Transaction } from '@impl/types';
import { buildWorld, type LedgerClass, type Wallets } from './world';

/** Explores every ordering: allow for a busy machine. */
const SLOW = { timeout: 60_000 };

/**
 * Fees and reversals play no part here: with no fee there is no fee split, so these tests
 * judge the idempotency key alone.
 */
const NO_FEES = { feeBps: 0, partnerShareBps: 0 };

/** Two ledger instances over the same database and lock service: a retry may reach either. */
const INSTANCES = [WalletLedger, SecondInstance];

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
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, WALLETS, NO_FEES);
    const request = { from: 'alice', to: 'carol', amount: 2_000, idempotencyKey: 'order-77' };
    const results = await env.outcomes([
      env.run('request', () => world.ledgers[0]!.transfer({ ...request })),
      env.run('client retry', () => world.ledgers[1]!.transfer({ ...request })),
    ]);
    const outcomes = describe(results);
    const acceptable = outcomes.every((o) => o === 'ok txn_order-77' || o === 'failed with idempotency_key_in_use') && outcomes.includes('ok txn_order-77');
    const balances = world.walletBalances();
    expectThat(
      acceptable && balances.alice === 8_000 && balances.carol === 2_000 && world.bookProblems().length === 0,
      'a client retry sent while the first request was still running moved the money a second time (or was refused wrongly)',
      {
        expected: { outcomes: 'the transfer, and for the retry either the same transfer or idempotency_key_in_use', alice: 8_000, carol: 2_000, problems: [] },
        actual: { outcomes, alice: balances.alice, carol: balances.carol, problems: world.bookProblems() },
      },
    );
  });
}, SLOW);

bug('transfer-idempotency', 'a retry racing the original never reports a failure for a transfer that went through', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, WALLETS, NO_FEES);
    const request = { from: 'alice', to: 'carol', amount: 6_000, idempotencyKey: 'order-78' };
    const racing = await env.outcomes([
      env.run('request', () => world.ledgers[0]!.transfer({ ...request })),
      env.run('client retry', () => world.ledgers[1]!.transfer({ ...request })),
    ]);
    const later = await env.outcomes([env.run('later retry', () => world.ledgers[0]!.transfer({ ...request }), { arrival: 'now' })]);
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

bug('transfer-idempotency', 'three requests with one key at once move the money once', async () => {
  await explore({ arrivals: 'now', orderings: 300, runs: 40 }, async (env) => {
    const world = buildWorld(env, INSTANCES, WALLETS, NO_FEES);
    const request = { from: 'alice', to: 'carol', amount: 1_000, idempotencyKey: 'order-79' };
    const results = await env.outcomes([0, 1, 2].map((i) => env.run(i === 0 ? 'request' : `retry ${i}`, () => world.ledgers[i % 2]!.transfer({ ...request }))));
    const outcomes = describe(results);
    expectThat(
      outcomes.every((o) => o === 'ok txn_order-79' || o === 'failed with idempotency_key_in_use') && world.walletBalances().carol === 1_000,
      'a request and two retries with the same idempotency key, sent at once, moved the money more than once',
      { expected: { outcomes: 'the transfer or idempotency_key_in_use', carol: 1_000 }, actual: { outcomes, carol: world.walletBalances().carol } },
    );
  });
}, SLOW);

bug('transfer-idempotency', 'one key sent at the same time for two different recipients executes at most once', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, WALLETS, NO_FEES);
    const results = await env.outcomes([
      env.run('to bob', () => world.ledgers[0]!.transfer({ from: 'alice', to: 'bob', amount: 2_000, idempotencyKey: 'order-80' })),
      env.run('to carol', () => world.ledgers[1]!.transfer({ from: 'alice', to: 'carol', amount: 2_000, idempotencyKey: 'order-80' })),
    ]);
    const outcomes = describe(results);
    const ok = outcomes.filter((o) => o === 'ok txn_order-80').length;
    const refusedRightly = outcomes.every((o) => o === 'ok txn_order-80' || o === 'failed with idempotency_error' || o === 'failed with idempotency_key_in_use');
    expectThat(
      ok === 1 && refusedRightly && world.walletBalances().alice === 8_000,
      'the same idempotency key was sent for a transfer to bob and one to carol at the same time: both were executed, or the second was answered with the first one\'s transfer',
      {
        expected: { outcomes: 'one transfer; the other idempotency_error (different parameters) or idempotency_key_in_use', alice: 8_000 },
        actual: { outcomes, alice: world.walletBalances().alice },
      },
    );
  });
}, SLOW);

bug('transfer-idempotency', 'a key whose transfer failed is released: a retry racing the failure never blocks it for good', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, { ...WALLETS, dave: { currency: 'usd', balance: 500 } }, NO_FEES);
    const request = { from: 'dave', to: 'carol', amount: 1_000, idempotencyKey: 'order-81' };
    const racing = await env.outcomes([
      env.run('request', () => world.ledgers[0]!.transfer({ ...request })),
      env.run('client retry', () => world.ledgers[1]!.transfer({ ...request })),
    ]);
    await env.outcomes([env.run('top-up', () => world.ledgers[0]!.transfer({ from: 'alice', to: 'dave', amount: 1_000, idempotencyKey: 'top-up' }), { arrival: 'now' })]);
    const later = await env.outcomes([env.run('retry after top-up', () => world.ledgers[1]!.transfer({ ...request }), { arrival: 'now' })]);
    const outcomes = describe([...racing, ...later]);
    expectThat(
      outcomes.slice(0, 2).every((o) => o === 'failed with balance_insufficient' || o === 'failed with idempotency_key_in_use') && outcomes[2] === 'ok txn_order-81' && world.walletBalances().carol === 1_000,
      'a 10.00 usd transfer from a wallet holding 5.00 failed while a retry raced it; after a top-up, the next retry was not executed',
      {
        expected: { outcomes: ['balance_insufficient or idempotency_key_in_use', 'balance_insufficient or idempotency_key_in_use', 'ok txn_order-81'], carol: 1_000 },
        actual: { outcomes, carol: world.walletBalances().carol },
      },
    );
  });
}, SLOW);

type Command = { from: string; to: string; amount: number; key: number };

bug('transfer-idempotency', 'transfers and retries with reused keys, one after another, behave like the reference', async () => {
  const wallets = Object.keys(WALLETS);
  await compareWithReference<ReturnType<typeof buildWorld>, Command>({
    symptom: 'transfers with reused idempotency keys diverged from the reference',
    seed: 17,
    runs: 60,
    commands: fc.array(
      fc.record({ from: fc.constantFrom(...wallets), to: fc.constantFrom(...wallets), amount: fc.constantFrom(500, 1_000, 7_000, 12_000), key: fc.integer({ min: 0, max: 2 }) }),
      { minLength: 2, maxLength: 8 },
    ),
    create: (side, env) => buildWorld(env, side === 'reference' ? (RefWalletLedger as LedgerClass) : INSTANCES, WALLETS, NO_FEES),
    apply: async (world, c) => {
      // Requests alternate between the instances, as a load balancer would send them.
      const ledger = world.ledgers[c.key % world.ledgers.length]!;
      const transaction = await ledger.transfer({ from: c.from, to: c.to, amount: c.amount, idempotencyKey: `k${c.key}` });
      return { id: transaction.id, entries: transaction.entries.map((e) => `${e.direction} ${e.accountId} ${e.amount}`).sort() };
    },
    state: (world) => world.walletBalances(),
    describe: (c) => `transfer(${c.from} → ${c.to}, ${(c.amount / 100).toFixed(2)} usd, key "k${c.key}")`,
  });
}, SLOW);

guard('a retry sent to another instance after the transfer completed returns it and moves nothing', async () => {
  const world = buildWorld(new Env(), INSTANCES, WALLETS, NO_FEES);
  const request = { from: 'alice', to: 'carol', amount: 2_500, idempotencyKey: 'order-82' };
  const first = await world.ledgers[0]!.transfer({ ...request });
  const retry = await world.ledgers[1]!.transfer({ ...request }).then((t) => t, (e: unknown) => `failed with ${errorCode(e)}`);
  expectSame({ retry, alice: world.walletBalances().alice }, { retry: first, alice: 7_500 }, 'a retry that reached another ledger instance did not return the saved transfer (or moved money again)');
});
