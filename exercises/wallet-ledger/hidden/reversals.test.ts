import { Env, compareWithReference, errorCode, explore, expectRejects, expectResolves, expectSame, expectThat, fc, guard, bug } from 'bugbash/harness';
import { WalletLedger } from '@impl/ledger';
import { WalletLedger as RefWalletLedger } from '@reference/ledger';
import type { Transaction } from '@impl/types';
import { WalletLedger as SecondInstance } from '@impl/ledger?instance=2';
import { buildWorld, type LedgerClass, type Wallets } from './world';

/** Two ledger instances over the same database and lock service, as in production. */
const INSTANCES = [WalletLedger, SecondInstance];

/** Explores many interleavings or command sequences: allow for a busy machine. */
const SLOW = { timeout: 60_000 };

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
  await explore({}, async (env) => {
    const world = buildWorld(env, INSTANCES, { ...WALLETS, bob: { currency: 'usd', balance: 20_000 } }, { feeBps: 0, partnerShareBps: 0 });
    const [funded] = await env.outcomes([env.run('transfer', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'order-1' }))]);
    if (funded.status !== 'fulfilled') throw funded.reason;
    const results = await env.outcomes([
      env.run('reversal A', () => world.ledgers[0]!.reverse(funded.value.id)),
      env.run('reversal B', () => world.ledgers[1]!.reverse(funded.value.id)),
    ]);
    const codes = results.map((r) => (r.status === 'fulfilled' ? 'reversed' : errorCode(r.reason))).sort();
    expectSame(
      { outcomes: codes, alice: world.walletBalances().alice, problems: world.bookProblems() },
      { outcomes: ['reversed', 'transaction_already_reversed'], alice: 10_000, problems: [] },
      'two reversals of the same transfer both went through: the sender was refunded twice',
    );
  });
}, SLOW);

type Command = { op: 'transfer'; from: string; to: string; amount: number } | { op: 'reverse'; index: number; ofReversal: boolean };

bug('reversal-not-recorded', 'transfers and reversals in any order keep the same books as the reference', async () => {
  const wallets = Object.keys(WALLETS);
  const ids = new WeakMap<object, string[]>();
  const idsOf = (world: object) => {
    if (!ids.has(world)) ids.set(world, []);
    return ids.get(world)!;
  };
  await compareWithReference<ReturnType<typeof buildWorld>, Command>({
    symptom: 'balances diverged from the reference after transfers and reversals',
    seed: 5,
    runs: 40,
    commands: fc.array(
      fc.oneof(
        fc.record({ op: fc.constant('transfer' as const), from: fc.constantFrom(...wallets), to: fc.constantFrom(...wallets), amount: fc.integer({ min: 1, max: 4_000 }) }),
        fc.record({ op: fc.constant('reverse' as const), index: fc.integer({ min: 0, max: 3 }), ofReversal: fc.constantFrom(false, false, false, true) }),
      ),
      { minLength: 1, maxLength: 10 },
    ),
    create: (side, env) =>
      buildWorld(env, side === 'reference' ? (RefWalletLedger as LedgerClass) : INSTANCES, { ...WALLETS, bob: { currency: 'usd', balance: 10_000 } }, { feeBps: 150, partnerShareBps: 0 }),
    // Every transfer has a key of its own (these sequences judge reversals, not idempotency);
    // a reversal names the n-th transfer, whichever instance it reaches.
    apply: async (world, c) => {
      const transfers = idsOf(world);
      let transaction: Transaction;
      if (c.op === 'transfer') {
        const key = `k${transfers.length}`;
        transfers.push(`txn_${key}`);
        transaction = await world.ledger.transfer({ from: c.from, to: c.to, amount: c.amount, idempotencyKey: key });
      } else {
        const id = `txn_k${c.index}`;
        transaction = await world.ledgers[c.index % world.ledgers.length]!.reverse(c.ofReversal ? `${id}_reversal` : id);
      }
      return { id: transaction.id, kind: transaction.kind, entries: transaction.entries.map((e) => `${e.direction} ${e.accountId} ${e.amount}`).sort() };
    },
    state: (world) => world.balances(),
    describe: (c) =>
      c.op === 'transfer'
        ? `transfer(${c.from} → ${c.to}, ${(c.amount / 100).toFixed(2)} usd)   [fee 1.5%]`
        : `reverse("${c.ofReversal ? `txn_k${c.index}_reversal` : `txn_k${c.index}`}")`,
  });
}, SLOW);

bug('reversal-not-recorded', 'a reversed transfer records its reversal, and no instance reverses it again', async () => {
  const world = buildWorld(new Env(), INSTANCES, { ...WALLETS, bob: { currency: 'usd', balance: 20_000 } });
  const original = await world.ledgers[0]!.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'order-9' });
  const reversal = await world.ledgers[0]!.reverse(original.id);
  const stored = world.transactions.peek(original.id);
  const again = await world.ledgers[1]!.reverse(original.id).then(() => 'reversed again', (e: unknown) => errorCode(e));
  expectSame(
    { reversedBy: stored?.reversedBy, secondAttemptOnAnotherInstance: again, alice: world.walletBalances().alice, problems: world.bookProblems() },
    { reversedBy: reversal.id, secondAttemptOnAnotherInstance: 'transaction_already_reversed', alice: 10_000, problems: [] },
    'after a reversal, the stored transfer does not say it was reversed (reversedBy), or another ledger instance reversed it again',
  );
});

bug('reversal-not-recorded', 'a reversal refused for lack of funds is not recorded: it succeeds once the recipient has the money again', async () => {
  const world = buildWorld(new Env(), INSTANCES, { ...WALLETS, dave: { currency: 'usd', balance: 10_000 } }, { feeBps: 0, partnerShareBps: 0 });
  const original = await world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'order-10' });
  await world.ledger.transfer({ from: 'bob', to: 'carol', amount: 4_000, idempotencyKey: 'spent' });
  const refused = await world.ledger.reverse(original.id).then(() => 'reversed', (e: unknown) => errorCode(e));
  const linkAfterRefusal = world.transactions.peek(original.id)?.reversedBy;
  await world.ledger.transfer({ from: 'dave', to: 'bob', amount: 4_000, idempotencyKey: 'refill' });
  const retried = await world.ledgers[1]!.reverse(original.id).then((t) => t.id, (e: unknown) => errorCode(e));
  expectSame(
    { refused, linkAfterRefusal, retried, alice: world.walletBalances().alice, problems: world.bookProblems() },
    { refused: 'balance_insufficient', linkAfterRefusal: undefined, retried: `${original.id}_reversal`, alice: 10_000, problems: [] },
    'a reversal refused because the recipient had spent the money left the transfer marked as reversed: once the recipient had the money again, it could not be reversed',
  );
});
