import { Env, compareWithReference, expectRejects, expectResolves, expectSame, fc, guard, bug } from 'bugbash/harness';
import { WalletLedger } from '@impl/ledger';
import { WalletLedger as RefWalletLedger } from '@reference/ledger';
import { buildWorld, type LedgerClass, type Wallets } from './world';

/** Explores many interleavings or command sequences: allow for a busy machine. */
const SLOW = { timeout: 10_000 };

const NO_FEES = { feeBps: 0, partnerShareBps: 0 };

const WALLETS: Wallets = {
  sam: { currency: 'usd', balance: 100_000 },
  yuki: { currency: 'jpy', balance: 1_000_000 },
  fatima: { currency: 'kwd', balance: 500_000 },
  eva: { currency: 'eur', balance: 100_000 },
};

async function convertOnce(from: string, to: string, amount: number) {
  const world = buildWorld(new Env(), WalletLedger, WALLETS, NO_FEES);
  const before = world.balances();
  await expectResolves(
    world.ledger.transfer({ from, to, amount, idempotencyKey: `fx-${from}-${to}` }),
    `a ${amount} transfer from ${from} to ${to} was rejected`,
  );
  const after = world.balances();
  return { credited: after[to] - before[to], net: world.netPerCurrency() };
}

bug('fx-minor-units', 'usd → jpy converts cents to whole yen', async () => {
  const result = await convertOnce('sam', 'yuki', 1_000);
  expectSame(
    result,
    { credited: 1_513, net: { eur: 0, jpy: 0, kwd: 0, usd: 0 } },
    'a 10.00 usd transfer to a jpy wallet at 151.37 jpy/usd should credit ¥1,513 (rounded down)',
  );
});

bug('fx-minor-units', 'jpy → usd and usd → kwd respect each currency\'s minor unit', async () => {
  const fromYen = await convertOnce('yuki', 'sam', 10_000);
  expectSame(fromYen.credited, 6_606, 'a ¥10,000 transfer to a usd wallet at 0.006606 usd/jpy should credit 66.06 usd (6606 cents)');
  const toDinar = await convertOnce('sam', 'fatima', 10_000);
  expectSame(toDinar.credited, 30_700, 'a 100.00 usd transfer to a kwd wallet at 0.307 kwd/usd should credit 30.700 kwd (30700 fils)');
});

type FxCommand = { from: string; to: string; amount: number; key: number };

bug('fx-minor-units', 'cross-currency transfers credit what the reference credits', async () => {
  const wallets = Object.keys(WALLETS);
  await compareWithReference<ReturnType<typeof buildWorld>, FxCommand>({
    symptom: 'cross-currency transfers diverged from the reference',
    seed: 23,
    runs: 30,
    commands: fc.array(
      fc.record({ from: fc.constantFrom(...wallets), to: fc.constantFrom(...wallets), amount: fc.integer({ min: 1, max: 20_000 }).map((n) => n * 10), key: fc.integer({ min: 0, max: 9 }) }),
      { minLength: 1, maxLength: 6 },
    ),
    create: (side, env) => buildWorld(env, (side === 'reference' ? RefWalletLedger : WalletLedger) as LedgerClass, WALLETS, { feeBps: 100, partnerShareBps: 0 }),
    apply: async (world, c) => {
      const transaction = await world.ledger.transfer({ from: c.from, to: c.to, amount: c.amount, idempotencyKey: `fx${c.key}` });
      return transaction.entries.map((e) => `${e.direction} ${e.accountId} ${e.amount} ${e.currency}`).sort();
    },
    state: (world) => world.balances(),
    describe: (c) => `transfer(${c.from} → ${c.to}, ${c.amount} minor units of ${WALLETS[c.from].currency}, key "fx${c.key}")   [fee 1%]`,
  });
}, SLOW);

guard('a cross-currency transfer worth less than one minor unit of the destination is rejected', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS, NO_FEES);
  await expectRejects(
    world.ledger.transfer({ from: 'yuki', to: 'sam', amount: 1, idempotencyKey: 'one-yen' }),
    'amount_too_small',
    'a ¥1 transfer to a usd wallet (0.66 of a cent) was not rejected with amount_too_small',
  );
  expectSame(world.walletBalances().yuki, 1_000_000, 'a rejected cross-currency transfer moved money');
});
