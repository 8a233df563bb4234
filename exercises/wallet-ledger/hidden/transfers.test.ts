import { Env, compareWithReference, errorCode, expectRejects, expectResolves, expectSame, expectThat, fc, guard, bug } from 'bugbash/harness';
import { WalletLedger } from '@impl/ledger';
import { WalletLedger as RefWalletLedger } from '@reference/ledger';
import type { Transaction } from '@impl/types';
import { buildWorld, type LedgerClass, type Wallets } from './world';

/** Explores many interleavings or command sequences: allow for a busy machine. */
const SLOW = { timeout: 60_000 };

const WALLETS: Wallets = {
  alice: { currency: 'usd', balance: 10_000 },
  bob: { currency: 'usd', balance: 0 },
  kuwait: { currency: 'kwd', balance: 50_000 },
  kuwait2: { currency: 'kwd', balance: 0 },
};

function debitsAndCredits(transaction: Transaction): Record<string, { debits: number; credits: number }> {
  const out: Record<string, { debits: number; credits: number }> = {};
  for (const e of transaction.entries) {
    const side = (out[e.currency] ??= { debits: 0, credits: 0 });
    if (e.direction === 'debit') side.debits += e.amount;
    else side.credits += e.amount;
  }
  return out;
}

guard('a transfer debits the sender, credits the recipient net of the fee and books the fee split', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS);
  const transaction = await expectResolves(
    world.ledger.transfer({ from: 'alice', to: 'bob', amount: 5_000, idempotencyKey: 'order-1' }),
    'a 50.00 usd transfer from a wallet holding 100.00 was rejected',
  );
  const balances = world.balances();
  expectSame(
    { alice: balances.alice, bob: balances.bob, platform: balances['fees:platform:usd'], partner: balances['fees:partner:usd'] },
    { alice: 5_000, bob: 4_950, platform: 40, partner: 10 },
    'after a 50.00 usd transfer with a 1% fee (20% of it to the partner), the balances are wrong',
  );
  const sides = debitsAndCredits(transaction);
  expectThat(
    transaction.entries.length >= 2 && Object.values(sides).every((s) => s.debits === s.credits),
    'the posted transaction does not balance: its debits and credits differ',
    { expected: 'debits equal credits in every currency, at least two entries', actual: transaction.entries },
  );
  const balance = await world.ledger.balance('bob');
  expectSame(balance, { accountId: 'bob', currency: 'usd', amount: 4_950 }, 'balance() does not report what the entries add up to');
});

guard('a retried transfer with the same idempotency key returns the first result and moves money once', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS);
  const request = { from: 'alice', to: 'bob', amount: 2_500, idempotencyKey: 'order-2' };
  const first = await expectResolves(world.ledger.transfer(request), 'a valid transfer was rejected');
  const retry = await expectResolves(world.ledger.transfer({ ...request }), 'a retried transfer with the same idempotency key failed');
  expectSame(retry, first, 'a retry with the same idempotency key did not return the first transfer');
  expectSame(world.walletBalances().alice, 7_500, 'a retried transfer with the same idempotency key moved the money again');
});

guard('reusing an idempotency key with different parameters is an idempotency_error', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS);
  await world.ledger.transfer({ from: 'alice', to: 'bob', amount: 1_000, idempotencyKey: 'order-3' });
  await expectRejects(
    world.ledger.transfer({ from: 'alice', to: 'bob', amount: 1_500, idempotencyKey: 'order-3' }),
    'idempotency_error',
    'the same idempotency key with a different amount was not rejected',
  );
  expectSame(world.walletBalances().alice, 9_000, 'a rejected reuse of an idempotency key still moved money');
});

guard('a transfer the wallet cannot cover is rejected, moves nothing, and can be retried after a top-up', async () => {
  const world = buildWorld(new Env(), WalletLedger, { ...WALLETS, carol: { currency: 'usd', balance: 5_000 } });
  const request = { from: 'bob', to: 'alice', amount: 3_000, idempotencyKey: 'order-4' };
  await expectRejects(world.ledger.transfer(request), 'balance_insufficient', 'a transfer from an empty wallet was not rejected with balance_insufficient');
  const before = world.balances();
  expectSame(before.bob, 0, 'a rejected transfer still changed the sender\'s balance');
  await world.ledger.transfer({ from: 'carol', to: 'bob', amount: 4_000, idempotencyKey: 'top-up' });
  await expectResolves(world.ledger.transfer(request), 'after a top-up, retrying a transfer that had failed for lack of funds was refused');
  expectSame(world.walletBalances().bob, 3_960 - 3_000, 'the retried transfer after a top-up left the wrong balance');
});

guard('malformed amounts are rejected, never rounded, and move nothing', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS);
  const cases: Array<[unknown, string]> = [
    [0, 'amount_invalid'],
    [-500, 'amount_invalid'],
    [12.5, 'amount_invalid'],
    [Number.NaN, 'amount_invalid'],
    [Number.POSITIVE_INFINITY, 'amount_invalid'],
    ['500', 'amount_invalid'],
    [100_000_000, 'amount_too_large'],
  ];
  for (const [index, [amount, code]] of cases.entries()) {
    await expectRejects(
      world.ledger.transfer({ from: 'alice', to: 'bob', amount: amount as number, idempotencyKey: `bad-${index}` }),
      code,
      `a transfer of ${String(amount)} was not rejected with ${code}`,
    );
  }
  await expectRejects(
    world.ledger.transfer({ from: 'kuwait', to: 'kuwait2', amount: 1_235, idempotencyKey: 'kwd-odd' }),
    'amount_invalid',
    'a kwd amount not ending in 0 was accepted',
  );
  await expectResolves(world.ledger.transfer({ from: 'kuwait', to: 'kuwait2', amount: 1_230, idempotencyKey: 'kwd-ok' }), 'a valid kwd amount (1.230) was rejected');
  expectSame(world.walletBalances().alice, 10_000, 'a rejected transfer moved money');
});

guard('bad requests are rejected with the documented codes', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS);
  const attempts: Array<[string, () => Promise<unknown>, string]> = [
    ['an empty idempotency key', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 100, idempotencyKey: '' }), 'idempotency_key_invalid'],
    ['a 256-character idempotency key', () => world.ledger.transfer({ from: 'alice', to: 'bob', amount: 100, idempotencyKey: 'k'.repeat(256) }), 'idempotency_key_invalid'],
    ['a transfer to the same wallet', () => world.ledger.transfer({ from: 'alice', to: 'alice', amount: 100, idempotencyKey: 'self' }), 'same_account'],
    ['a transfer to an unknown wallet', () => world.ledger.transfer({ from: 'alice', to: 'nobody', amount: 100, idempotencyKey: 'ghost' }), 'account_not_found'],
    ['a transfer out of a house account', () => world.ledger.transfer({ from: 'funding:usd', to: 'bob', amount: 100, idempotencyKey: 'house' }), 'account_invalid'],
    ['the balance of an unknown account', () => world.ledger.balance('nobody'), 'account_not_found'],
  ];
  for (const [what, call, code] of attempts) await expectRejects(call, code, `${what} was not rejected with ${code}`);
  await expectResolves(world.ledger.transfer({ from: 'alice', to: 'bob', amount: 100, idempotencyKey: 'k'.repeat(255) }), 'a 255-character idempotency key was rejected');
  expectSame(world.walletBalances(), { alice: 9_900, bob: 99, kuwait: 50_000, kuwait2: 0 }, 'rejected requests changed balances');
});

// ─── fee split ────────────────────────────────────────────────────────────────

bug('fee-split-rounding', 'an odd fee split 50/50 still adds up: partner rounds down, the platform keeps the rest', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS, { feeBps: 200, partnerShareBps: 5_000 });
  const result = await outcomeOf(world.ledger.transfer({ from: 'alice', to: 'bob', amount: 250, idempotencyKey: 'fee-odd' }));
  const balances = world.balances();
  expectSame(
    { transfer: result, bob: balances.bob, platform: balances['fees:platform:usd'], partner: balances['fees:partner:usd'] },
    { transfer: 'succeeded', bob: 245, platform: 3, partner: 2 },
    'a 2.50 usd transfer with a 0.05 fee split 50/50 between platform and partner did not book 0.03 + 0.02',
  );
});

bug('fee-split-rounding', "the partner's share of the fee is rounded down, never up", async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS, { feeBps: 100, partnerShareBps: 2_000 });
  const result = await outcomeOf(world.ledger.transfer({ from: 'alice', to: 'bob', amount: 300, idempotencyKey: 'fee-small' }));
  const balances = world.balances();
  expectSame(
    { transfer: result, bob: balances.bob, platform: balances['fees:platform:usd'], partner: balances['fees:partner:usd'] },
    { transfer: 'succeeded', bob: 297, platform: 3, partner: 0 },
    "a 0.03 usd fee with a 20% partner share paid the partner 0.01 (0.6 of a cent, rounded up) instead of rounding the partner's share down",
  );
});

type FeeCommand = { from: string; to: string; amount: number };

bug('fee-split-rounding', 'fee splits on random transfers match the reference and never create or lose a cent', async () => {
  const wallets = ['alice', 'bob', 'carol'];
  await compareWithReference<ReturnType<typeof buildWorld>, FeeCommand>({
    symptom: 'fee accounts diverged from the reference: a fee split created, lost or misallocated a minor unit',
    seed: 11,
    runs: 30,
    commands: fc.array(
      fc.record({ from: fc.constantFrom(...wallets), to: fc.constantFrom(...wallets), amount: fc.integer({ min: 1, max: 3_000 }) }),
      { minLength: 1, maxLength: 8 },
    ),
    create: (side, env) =>
      buildWorld(env, (side === 'reference' ? RefWalletLedger : WalletLedger) as LedgerClass, {
        alice: { currency: 'usd', balance: 6_000 },
        bob: { currency: 'usd', balance: 6_000 },
        carol: { currency: 'usd', balance: 0 },
      }, { feeBps: 290, partnerShareBps: 3_500 }),
    // Every transfer has a key of its own: these sequences judge the fee split, not idempotency.
    apply: async (world, c) => summary(await world.ledger.transfer({ from: c.from, to: c.to, amount: c.amount, idempotencyKey: nextKey(world) })),
    state: (world) => world.balances(),
    describe: (c) => `transfer(${c.from} → ${c.to}, ${usd(c.amount)})   [fee 2.9%, partner share 35%]`,
  });
}, SLOW);

const keys = new WeakMap<object, number>();
function nextKey(world: object): string {
  const n = (keys.get(world) ?? 0) + 1;
  keys.set(world, n);
  return `t${n}`;
}

/** partner = ⌊fee × share / 10 000⌋ in integers, the platform the rest (the brief's rule). */
function exactSplit(fee: number, partnerShareBps: number) {
  const partner = Math.floor((fee * partnerShareBps - ((fee * partnerShareBps) % 10_000)) / 10_000);
  return { platform: fee - partner, partner };
}

/**
 * Fees whose partner share lands exactly on a whole cent (or half a cent), where a
 * floating-point transcription of the rule rounds the wrong way, plus every small fee.
 */
function feesToTry(partnerShareBps: number): number[] {
  const fees = new Set<number>();
  for (let fee = 1; fee <= 25; fee++) fees.add(fee);
  const transcriptions = [
    (fee: number) => Math.floor(fee * (partnerShareBps / 10_000)),
    (fee: number) => Math.floor((fee / 10_000) * partnerShareBps),
    (fee: number) => Math.floor(fee * (partnerShareBps / 100) / 100),
    (fee: number) => fee - Math.ceil(fee * ((10_000 - partnerShareBps) / 10_000)),
  ];
  for (const transcription of transcriptions) {
    let found = 0;
    for (let fee = 26; fee <= 99_999 && found < 3; fee++) {
      if (transcription(fee) !== exactSplit(fee, partnerShareBps).partner) {
        fees.add(fee);
        found += 1;
      }
    }
  }
  return [...fees].sort((a, b) => a - b);
}

bug('fee-split-rounding', 'every fee is split exactly: the partner gets its share rounded down, the platform the rest, at every rounding boundary', async () => {
  for (const partnerShareBps of [5_000, 3_500, 2_000, 700, 5_700, 2_900, 1]) {
    const wrong: unknown[] = [];
    for (const fee of feesToTry(partnerShareBps)) {
      // A fresh ledger each time keeps every transfer as cheap as the first.
      const world = buildWorld(new Env(), WalletLedger, { alice: { currency: 'usd', balance: 100_000_000 }, bob: { currency: 'usd', balance: 0 } }, { feeBps: 100, partnerShareBps });
      // A 1% fee on 100 × fee cents is exactly `fee` cents.
      const amount = fee * 100;
      const expected = exactSplit(fee, partnerShareBps);
      let actual: unknown;
      try {
        const transaction = await world.ledger.transfer({ from: 'alice', to: 'bob', amount, idempotencyKey: `fee-${fee}` });
        const credited = (account: string) => transaction.entries.filter((e) => e.accountId === account && e.direction === 'credit').reduce((sum, e) => sum + e.amount, 0);
        actual = { platform: credited('fees:platform:usd'), partner: credited('fees:partner:usd') };
      } catch (error) {
        actual = `failed with ${errorCode(error)}`;
      }
      if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push({ fee: usd(fee), partnerShare: `${partnerShareBps / 100}%`, expected, actual });
      if (wrong.length >= 3) break;
    }
    expectThat(wrong.length === 0, `a fee split with a ${partnerShareBps / 100}% partner share did not give the partner its share rounded down and the platform exactly the rest`, {
      expected: 'partner = fee × share rounded down, platform = fee − partner',
      actual: wrong,
    });
  }
}, SLOW);

function usd(cents: number): string {
  return `${(cents / 100).toFixed(2)} usd`;
}

function summary(transaction: Transaction) {
  return { id: transaction.id, entries: transaction.entries.map((e) => `${e.direction} ${e.accountId} ${e.amount} ${e.currency}`).sort() };
}

async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'succeeded';
  } catch (error) {
    return `failed with ${errorCode(error)}`;
  }
}

guard('a transfer of exactly the balance empties the wallet; one cent more is refused', async () => {
  const world = buildWorld(new Env(), WalletLedger, { ...WALLETS, rich: { currency: 'usd', balance: 99_999_999 } });
  const exact = await outcomeOf(world.ledger.transfer({ from: 'alice', to: 'bob', amount: 10_000, idempotencyKey: 'all-of-it' }));
  const alice = world.walletBalances().alice;
  const oneMore = await outcomeOf(world.ledger.transfer({ from: 'bob', to: 'alice', amount: 9_901, idempotencyKey: 'one-more' }));
  const largest = await outcomeOf(world.ledger.transfer({ from: 'rich', to: 'alice', amount: 99_999_999, idempotencyKey: 'largest' }));
  expectSame(
    { exact, alice, oneMore, largest },
    { exact: 'succeeded', alice: 0, oneMore: 'failed with balance_insufficient', largest: 'succeeded' },
    'a transfer of exactly the wallet\'s balance (or of the largest amount, 999,999.99) was refused, or one cent more than the balance went through',
  );
});
