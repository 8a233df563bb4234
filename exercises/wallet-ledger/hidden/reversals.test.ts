import { Env, compareWithReference, errorCode, explore, expectRejects, expectResolves, expectSame, expectThat, fc, guard, bug } from 'bugbash/harness';
import { WalletLedger } from '@impl/ledger';
import { WalletLedger as RefWalletLedger } from '@reference/ledger';
import type { Transaction } from '@impl/types';
import { buildWorld, type LedgerClass, type Wallets } from './world';

/** Explores many interleavings or command sequences: allow for a busy machine. */
const SLOW = { timeout: 10_000 };

const WALLETS: Wallets = {
  alice: { currency: 'usd', balance: 10_000 },
  bob: { currency: 'usd', balance: 0 },
  carol: { currency: 'usd', balance: 0 },
};

guard('a reversal posts the opposite entries, restores every balance and leaves the original untouched', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS);
  const opening = world.balances();
  const original = await world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'order-1' });
  const reversal = await expectResolves(world.ledger.reverse(original.id), 'reversing a transfer failed');
  expectSame(world.balances(), opening, 'after a reversal, balances (wallets and fee accounts) are not back where they started');
  const flip = (d: string) => (d === 'debit' ? 'credit' : 'debit');
  expectSame(
    reversal.entries.map((e) => `${e.direction} ${e.accountId} ${e.amount}`).sort(),
    original.entries.map((e) => `${flip(e.direction)} ${e.accountId} ${e.amount}`).sort(),
    'the reversal is not the mirror image of the original entries',
  );
  expectThat(reversal.kind === 'reversal' && reversal.reverses === original.id, 'the reversal does not say which transaction it reverses', {
    expected: { kind: 'reversal', reverses: original.id },
    actual: { kind: reversal.kind, reverses: reversal.reverses },
  });
  const bob = world.accounts.peek('bob');
  expectSame(
    bob?.entries.map((e) => `${e.transactionId} ${e.direction} ${e.amount}`),
    [`${original.id} credit 4950`, `${reversal.id} debit 4950`],
    "bob's history should keep the original entry and add the reversing one: posted entries are never edited or removed",
  );
  expectSame(world.transactions.peek(original.id)?.entries, original.entries, "the original transaction's entries were changed");
});

guard('a transfer whose recipient already spent the money cannot be reversed', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS);
  const original = await world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'order-1' });
  await world.ledger.transfer({ from: 'bob', to: 'carol', amount: 4_000, idempotencyKey: 'order-2' });
  const before = world.balances();
  await expectRejects(world.ledger.reverse(original.id), 'balance_insufficient', 'a reversal that would overdraw the recipient was not rejected with balance_insufficient');
  expectSame(world.balances(), before, 'a rejected reversal changed balances');
});

guard('only existing transfers can be reversed', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS);
  await expectRejects(world.ledger.reverse('txn_nope'), 'transaction_not_found', 'reversing an unknown transaction was not rejected with transaction_not_found');
  const original = await world.ledger.transfer({ from: 'alice', to: 'bob', amount: 1_000, idempotencyKey: 'order-1' });
  const reversal = await world.ledger.reverse(original.id);
  await expectRejects(world.ledger.reverse(reversal.id), 'transaction_not_reversible', 'reversing a reversal was not rejected with transaction_not_reversible');
});

bug('reversal-not-recorded', 'a transfer can be reversed only once', async () => {
  const world = buildWorld(new Env(), WalletLedger, { ...WALLETS, bob: { currency: 'usd', balance: 20_000 } });
  const original = await world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'order-1' });
  await world.ledger.reverse(original.id);
  const afterFirst = world.balances();
  await expectRejects(world.ledger.reverse(original.id), 'transaction_already_reversed', 'reversing the same transfer a second time was not rejected with transaction_already_reversed');
  expectSame(world.balances(), afterFirst, 'a second reversal of the same transfer moved the money back again: the sender was refunded twice');
});

bug('reversal-not-recorded', 'two concurrent reversals of one transfer refund it once', async () => {
  await explore({ seed: 3, runs: 10 }, async (env) => {
    const world = buildWorld(env, WalletLedger, { ...WALLETS, bob: { currency: 'usd', balance: 20_000 } }, { feeBps: 0, partnerShareBps: 0 });
    const [funded] = await env.outcomes([env.run('transfer', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'order-1' }))]);
    if (funded.status !== 'fulfilled') throw funded.reason;
    const results = await env.outcomes([
      env.run('reversal A', () => world.ledger.reverse(funded.value.id)),
      env.run('reversal B', () => world.ledger.reverse(funded.value.id)),
    ]);
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'reversed' : errorCode(r.reason))).sort();
    expectSame(
      { outcomes: codes, alice: world.walletBalances().alice },
      { outcomes: ['reversed', 'transaction_already_reversed'], alice: 10_000 },
      'two reversals of the same transfer both went through: the sender was refunded twice',
    );
  });
}, SLOW);

type Command = { op: 'transfer'; from: string; to: string; amount: number; key: number } | { op: 'reverse'; key: number; ofReversal: boolean };

bug('reversal-not-recorded', 'transfers and reversals in any order keep the same books as the reference', async () => {
  const wallets = Object.keys(WALLETS);
  await compareWithReference<ReturnType<typeof buildWorld>, Command>({
    symptom: 'balances diverged from the reference after transfers and reversals',
    seed: 5,
    runs: 30,
    commands: fc.array(
      fc.oneof(
        fc.record({ op: fc.constant('transfer' as const), from: fc.constantFrom(...wallets), to: fc.constantFrom(...wallets), amount: fc.integer({ min: 1, max: 4_000 }), key: fc.integer({ min: 0, max: 2 }) }),
        fc.record({ op: fc.constant('reverse' as const), key: fc.integer({ min: 0, max: 2 }), ofReversal: fc.constantFrom(false, false, false, true) }),
      ),
      { minLength: 1, maxLength: 10 },
    ),
    create: (side, env) =>
      buildWorld(env, (side === 'reference' ? RefWalletLedger : WalletLedger) as LedgerClass, { ...WALLETS, bob: { currency: 'usd', balance: 10_000 } }, { feeBps: 150, partnerShareBps: 0 }),
    apply: async (world, c) => {
      const transaction: Transaction =
        c.op === 'transfer'
          ? await world.ledger.transfer({ from: c.from, to: c.to, amount: c.amount, idempotencyKey: `k${c.key}` })
          : await world.ledger.reverse(c.ofReversal ? `txn_k${c.key}_reversal` : `txn_k${c.key}`);
      return { id: transaction.id, kind: transaction.kind, entries: transaction.entries.map((e) => `${e.direction} ${e.accountId} ${e.amount}`).sort() };
    },
    state: (world) => world.balances(),
    describe: (c) =>
      c.op === 'transfer'
        ? `transfer(${c.from} → ${c.to}, ${(c.amount / 100).toFixed(2)} usd, key "k${c.key}")   [fee 1.5%]`
        : `reverse("${c.ofReversal ? `txn_k${c.key}_reversal` : `txn_k${c.key}`}")`,
  });
}, SLOW);
