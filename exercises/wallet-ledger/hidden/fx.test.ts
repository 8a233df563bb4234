import { Env, compareWithReference, expectRejects, expectResolves, expectSame, fc, guard, bug } from 'bugbash/harness';
import { WalletLedger } from '@impl/ledger';
import { WalletLedger as RefWalletLedger } from '@reference/ledger';
import { buildWorld, type LedgerClass, type Wallets } from './world';
import { RATES, exactConverter, roundingBoundaries } from './fakes';
import { errorCode, expectThat } from 'bugbash/harness';

/** Explores many interleavings or command sequences: allow for a busy machine. */
const SLOW = { timeout: 60_000 };

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

type FxCommand = { from: string; to: string; amount: number };

bug('fx-minor-units', 'cross-currency transfers credit what the reference credits', async () => {
  const wallets = Object.keys(WALLETS);
  await compareWithReference<ReturnType<typeof buildWorld>, FxCommand>({
    symptom: 'cross-currency transfers diverged from the reference',
    seed: 23,
    runs: 30,
    commands: fc.array(
      fc.record({ from: fc.constantFrom(...wallets), to: fc.constantFrom(...wallets), amount: fc.integer({ min: 1, max: 20_000 }).map((n) => n * 10) }),
      { minLength: 1, maxLength: 6 },
    ),
    create: (side, env) => buildWorld(env, (side === 'reference' ? RefWalletLedger : WalletLedger) as LedgerClass, WALLETS, { feeBps: 100, partnerShareBps: 0 }),
    // Every transfer has a key of its own: these sequences judge conversion, not idempotency.
    apply: async (world, c) => {
      const transaction = await world.ledger.transfer({ from: c.from, to: c.to, amount: c.amount, idempotencyKey: `fx${world.transactions.values().length}` });
      return transaction.entries.map((e) => `${e.direction} ${e.accountId} ${e.amount} ${e.currency}`).sort();
    },
    state: (world) => world.balances(),
    describe: (c) => `transfer(${c.from} → ${c.to}, ${c.amount} minor units of ${WALLETS[c.from].currency})   [fee 1%]`,
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

const DIGITS: Record<string, number> = { usd: 2, eur: 2, jpy: 0, kwd: 3 };
const MAX_AMOUNT = 99_999_999;

/**
 * Amounts worth converting for one pair: where the exact result is a whole minor unit or a
 * hair below one — the only places a floating-point transcription of the formula can round
 * the wrong way — preferring those where common transcriptions do, plus an even spread.
 */
function amountsToTry(from: string, to: string, rate: number): number[] {
  const df = DIGITS[from]!;
  const dt = DIGITS[to]!;
  const exact = exactConverter(df, dt, rate);
  const valid = (x: number) => df !== 3 || x % 10 === 0;
  const boundaries = roundingBoundaries(df, dt, rate, MAX_AMOUNT, 2, 1_500).filter(valid);
  const transcriptions = [
    (x: number) => Math.floor(((x * rate) / 1e6) * 10 ** dt / 10 ** df),
    (x: number) => Math.floor(x * (rate / 1e6) * 10 ** (dt - df)),
    (x: number) => Math.floor((x / 10 ** df) * (rate / 1e6) * 10 ** dt),
    (x: number) => Math.floor((x * rate * 10 ** dt) / (1e6 * 10 ** df)),
    (x: number) => Math.floor((((x * 10 ** dt) / 10 ** df) * rate) / 1e6),
    (x: number) => Math.trunc((x * rate) / 10 ** (6 + df - dt)),
  ];
  const chosen = new Set<number>();
  for (const transcription of transcriptions) {
    let found = 0;
    for (const x of boundaries) {
      if (found >= 2) break;
      if (transcription(x) !== exact(x)) {
        chosen.add(x);
        found += 1;
      }
    }
  }
  const spread = Math.max(1, Math.floor(boundaries.length / 3));
  for (let i = 0; i < boundaries.length; i += spread) chosen.add(boundaries[i]!);
  if (boundaries.length > 0) chosen.add(boundaries.at(-1)!);
  chosen.add(valid(MAX_AMOUNT) ? MAX_AMOUNT : MAX_AMOUNT - 9);
  return [...chosen].sort((a, b) => a - b);
}

bug('fx-minor-units', 'conversions are exact at every rounding boundary, for every pair of currencies, up to the largest amount', async () => {
  const currencyOf: Record<string, string> = { sam: 'usd', yuki: 'jpy', fatima: 'kwd', eva: 'eur' };
  const rich: Wallets = Object.fromEntries(Object.entries(currencyOf).map(([id, currency]) => [id, { currency, balance: 100_000_000 }]));
  const wrong: unknown[] = [];
  for (const [from, fromCurrency] of Object.entries(currencyOf)) {
    for (const [to, toCurrency] of Object.entries(currencyOf)) {
      if (from === to || wrong.length >= 3) continue;
      const rate = RATES[`${fromCurrency}>${toCurrency}`]!;
      const exact = exactConverter(DIGITS[fromCurrency]!, DIGITS[toCurrency]!, rate);
      for (const amount of amountsToTry(fromCurrency, toCurrency, rate)) {
        // A fresh ledger each time keeps every transfer as cheap as the first.
        const world = buildWorld(new Env(), WalletLedger, { [from]: rich[from]!, [to]: rich[to]! }, NO_FEES);
        const expected = exact(amount) > 0 ? exact(amount) : 'failed with amount_too_small';
        let actual: unknown;
        try {
          const transaction = await world.ledger.transfer({ from, to, amount, idempotencyKey: `sweep-${amount}` });
          actual = transaction.entries.filter((e) => e.accountId === to).reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), 0);
        } catch (error) {
          actual = `failed with ${errorCode(error)}`;
        }
        if (actual !== expected) wrong.push({ transfer: `${amount} minor units of ${fromCurrency} → ${toCurrency}`, rate, expected, actual });
        if (wrong.length >= 3) break;
      }
    }
  }
  expectThat(wrong.length === 0, 'cross-currency transfers credited the wrong amount: x × rate / 1,000,000 × 10^digits(to) / 10^digits(from), rounded down, in exact arithmetic', {
    expected: 'the exact conversion, rounded down',
    actual: wrong,
  });
}, SLOW);

bug('fx-minor-units', 'the smallest transfer that converts to one minor unit goes through; one less is amount_too_small', async () => {
  const world = buildWorld(new Env(), WalletLedger, WALLETS, NO_FEES);
  const outcomes: Record<string, unknown> = {};
  for (const [from, amount] of [['yuki', 1], ['yuki', 2], ['sam', 1], ['yuki', 494], ['yuki', 493]] as const) {
    const to = from === 'yuki' && amount >= 400 ? 'fatima' : from === 'yuki' ? 'sam' : 'yuki';
    outcomes[`${amount} ${from} → ${to}`] = await world.ledger.transfer({ from, to, amount, idempotencyKey: `small-${from}-${amount}` }).then(
      (t) => t.entries.filter((e) => e.accountId === to).reduce((s, e) => s + e.amount, 0),
      (e: unknown) => errorCode(e),
    );
  }
  expectSame(
    outcomes,
    { '1 yuki → sam': 'amount_too_small', '2 yuki → sam': 1, '1 sam → yuki': 1, '494 yuki → fatima': 1_001, '493 yuki → fatima': 999 },
    'small cross-currency transfers were priced wrongly (¥2 at 0.006606 buys 1 cent; 1 cent at 151.37 buys ¥1; ¥494 at 0.002028 buys 1.001 kwd)',
  );
});
