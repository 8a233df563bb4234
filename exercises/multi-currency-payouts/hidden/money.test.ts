import { Env, bug, expectSame, expectThat, guard } from 'bugbash/harness';
import type { Account } from '@impl/types';
import { ACCOUNT, IBAN, account, expectedConversion, world } from './world';

/** Pays out `available` of `from` to a bank account held in `to`, at `rate`; what the bank got and what is left. */
async function payOutAt(from: string, to: string, available: number, rate?: string, extra: Partial<Account> = {}) {
  const w = world(new Env(), { accounts: [account({ currency: from, available, bank: { accountNumber: IBAN, currency: to }, ...extra })] });
  if (rate) w.fx.setRate(from, to, rate);
  const payout = await w.worker(0).payOut(ACCOUNT);
  return {
    status: payout?.status ?? 'nothing paid',
    debited: payout?.amount ?? 0,
    bankReceived: w.bank.paid().reduce((sum, t) => sum + t.amount, 0),
    left: w.account().available,
    w,
    payout,
  };
}

const seen = ({ status, debited, bankReceived, left }: Awaited<ReturnType<typeof payOutAt>>) => ({ status, debited, bankReceived, left });

// ---- zero-decimal currencies: exponents in conversion ----------------------------------

bug('fx-exponent-shift', 'a dollar balance paid out to a yen bank account converts cents into whole yen', async () => {
  expectSame(seen(await payOutAt('usd', 'jpy', 10_000, '149.23')), { status: 'paid', debited: 10_000, bankReceived: 14_923, left: 0 },
    '100.00 usd at 149.23 jpy per usd did not pay ¥14,923');
  expectSame(seen(await payOutAt('usd', 'jpy', 10_025, '149.2')), { status: 'paid', debited: 10_025, bankReceived: 14_957, left: 0 },
    '100.25 usd at 149.2 jpy per usd did not pay ¥14,957 (149.2 × 100.25 = 14,957.3)');
});

bug('fx-exponent-shift', 'a dollar balance paid out to a won bank account converts cents into whole won', async () => {
  expectSame(seen(await payOutAt('usd', 'krw', 10_000, '1380.5')), { status: 'paid', debited: 10_000, bankReceived: 138_050, left: 0 },
    '100.00 usd at 1,380.5 krw per usd did not pay ₩138,050');
});

bug('fx-exponent-shift', 'a yen balance paid out to a dollar bank account converts whole yen into cents', async () => {
  expectSame(seen(await payOutAt('jpy', 'usd', 10_000, '0.0067')), { status: 'paid', debited: 10_000, bankReceived: 6_700, left: 0 },
    '¥10,000 at 0.0067 usd per jpy did not pay 67.00 usd');
  expectSame(seen(await payOutAt('krw', 'eur', 250_000, '0.00068')), { status: 'paid', debited: 250_000, bankReceived: 17_000, left: 0 },
    '₩250,000 at 0.00068 eur per krw did not pay 170.00 eur');
});

// ---- the rounding rule of conversions -------------------------------------------------

bug('fx-rounding-truncates', 'a converted amount is rounded to the nearest cent, halves up', async () => {
  expectSame(seen(await payOutAt('usd', 'eur', 1_100, '0.915')), { status: 'paid', debited: 1_100, bankReceived: 1_007, left: 0 },
    '11.00 usd at 0.915 eur per usd (10.065 eur exactly) did not pay 10.07 eur');
  expectSame(seen(await payOutAt('usd', 'gbp', 12_347, '0.7899')), { status: 'paid', debited: 12_347, bankReceived: 9_753, left: 0 },
    '123.47 usd at 0.7899 gbp per usd (97.528953 gbp) did not pay 97.53 gbp');
  expectSame(seen(await payOutAt('eur', 'usd', 53_000, '1.2345')), { status: 'paid', debited: 53_000, bankReceived: 65_429, left: 0 },
    '530.00 eur at 1.2345 usd per eur (654.285 usd exactly) did not pay 654.29 usd');
});

bug('fx-rounding-truncates', 'conversions of large balances are exact: no floating-point rounding', async () => {
  // 994,732.41 usd × 1.02239639 = 1,017,010.8249999999... eur: rounds down, however close to the half it is.
  expectSame(seen(await payOutAt('usd', 'eur', 99_473_241, '1.02239639')), { status: 'paid', debited: 99_473_241, bankReceived: 101_701_082, left: 0 },
    '994,732.41 usd at 1.02239639 eur per usd (1,017,010.82499999 eur) did not pay 1,017,010.82 eur');
  expectSame(seen(await payOutAt('eur', 'gbp', 99_726_561, '1.29348959')), { status: 'paid', debited: 99_726_561, bankReceived: 128_995_268, left: 0 },
    '997,265.61 eur at 1.29348959 gbp per eur did not pay 1,289,952.68 gbp');
  expectSame(seen(await payOutAt('gbp', 'usd', 99_999_999, '1.00000001')), { status: 'paid', debited: 99_999_999, bankReceived: 100_000_000, left: 0 },
    '999,999.99 gbp at 1.00000001 usd per gbp (999,999.9999999999 usd) did not pay 1,000,000.00 usd');
});

bug('fx-rounding-truncates', 'conversions between two-decimal currencies agree with the exact rounding rule over many amounts and rates', async () => {
  // A fixed pseudo-random walk over amounts and rates (8 decimals at most), the same on every run.
  let seed = 20_260_504;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const pairs = [['usd', 'eur'], ['eur', 'gbp'], ['gbp', 'usd']] as const;
  const wrong: string[] = [];
  for (let i = 0; i < 120 && wrong.length < 3; i++) {
    const [from, to] = pairs[i % pairs.length]!;
    const amount = 10_000 + next(99_000_000);
    const decimals = 1 + next(8);
    const fraction = next(10 ** decimals);
    // Rates from 0.5 to 2: the converted amount stays far above every minimum payout.
    const whole = fraction < 10 ** decimals / 2 ? 1 : next(2);
    const rate = `${whole}.${String(fraction).padStart(decimals, '0')}`;
    const expected = expectedConversion(amount, from, to, rate);
    const got = (await payOutAt(from, to, amount, rate)).bankReceived;
    if (got !== expected) wrong.push(`${amount} ${from} at ${rate}: paid ${got} ${to}, the rule gives ${expected}`);
  }
  expectThat(wrong.length === 0, 'converted payout amounts differ from the exact amount rounded to the nearest cent, halves up', { actual: wrong });
});

guard('a converted payout records the quote and rate it was converted with and debits the balance in its own currency', async () => {
  const result = await payOutAt('usd', 'eur', 10_000, '0.9');
  expectSame(
    { quoteId: result.payout?.quoteId, rate: result.payout?.rate, currency: result.payout?.currency, bankCurrency: result.payout?.bankCurrency, debited: result.debited, quotes: result.w.fx.quotes.length },
    { quoteId: 'quote_1', rate: '0.9', currency: 'usd', bankCurrency: 'eur', debited: 10_000, quotes: 1 },
    'a converted payout did not record its quote, or did not debit the balance in the balance currency',
  );
});

guard('a payout to a bank account held in the balance currency asks for no FX quote', async () => {
  const result = await payOutAt('eur', 'eur', 5_000);
  expectSame({ quotes: result.w.fx.quotes.length, rate: result.payout?.rate, bankReceived: result.bankReceived }, { quotes: 0, rate: null, bankReceived: 5_000 }, 'a payout in the balance currency was converted');
});

guard('an account whose balance or bank account is in a currency we do not pay out in is refused with currency_not_supported', async () => {
  for (const [from, to] of [['chf', 'chf'], ['usd', 'chf']] as const) {
    let code: unknown;
    try {
      await payOutAt(from, to, 10_000, '0.88');
    } catch (error) {
      code = (error as { code?: unknown }).code;
    }
    expectSame(code, 'currency_not_supported', `a payout of a ${from} balance to a ${to} bank account was not refused with currency_not_supported`);
  }
});

// ---- three-decimal currencies: the last digit is 0 --------------------------------------

bug('three-decimal-step', 'a dinar balance is paid out in tens of fils and the odd fils stay in the balance', async () => {
  expectSame(seen(await payOutAt('kwd', 'kwd', 30_755)), { status: 'paid', debited: 30_750, bankReceived: 30_750, left: 5 },
    'a balance of 30.755 kwd did not pay out 30.750 kwd and keep 0.005 kwd');
  expectSame(seen(await payOutAt('bhd', 'bhd', 12_349)), { status: 'paid', debited: 12_340, bankReceived: 12_340, left: 9 },
    'a balance of 12.349 bhd did not pay out 12.340 bhd and keep 0.009 bhd');
});

bug('three-decimal-step', 'a conversion into a three-decimal currency is rounded to the nearest ten fils, halves up, in one step', async () => {
  expectSame(seen(await payOutAt('kwd', 'bhd', 10_000, '1.2263')), { status: 'paid', debited: 10_000, bankReceived: 12_260, left: 0 },
    '10.000 kwd at 1.2263 bhd per kwd (12.2630 bhd) did not pay 12.260 bhd');
  expectSame(seen(await payOutAt('kwd', 'bhd', 10_000, '1.22646')), { status: 'paid', debited: 10_000, bankReceived: 12_260, left: 0 },
    '10.000 kwd at 1.22646 bhd per kwd (12.2646 bhd) did not pay 12.260 bhd (rounded once to tens of fils, not to fils and then to tens)');
});

guard('balances in currencies that move in single minor units are paid out to the last one', async () => {
  for (const [currency, balance] of [['usd', 4_321], ['eur', 5_001], ['gbp', 7_777], ['jpy', 1_235], ['krw', 12_345]] as const) {
    expectSame(seen(await payOutAt(currency, currency, balance)), { status: 'paid', debited: balance, bankReceived: balance, left: 0 }, `a balance of ${balance} ${currency} minor units was not paid out in full`);
  }
});

guard('an account with nothing available and a bank account in another currency asks for no quote', async () => {
  const result = await payOutAt('usd', 'jpy', 0, '149.23');
  expectSame({ status: result.status, quotes: result.w.fx.quotes.length }, { status: 'nothing paid', quotes: 0 }, 'an empty balance was converted, or paid out');
});

guard('a balance already in tens of fils is paid out in full', async () => {
  expectSame(seen(await payOutAt('kwd', 'kwd', 30_000)), { status: 'paid', debited: 30_000, bankReceived: 30_000, left: 0 }, 'a balance of 30.000 kwd was not paid out in full');
});

// ---- minimum payouts -------------------------------------------------------------------

bug('minimum-payout-boundary', 'a balance of exactly the minimum payout is paid out', async () => {
  expectSame(seen(await payOutAt('usd', 'usd', 100)), { status: 'paid', debited: 100, bankReceived: 100, left: 0 }, 'a balance of exactly 1.00 usd, the minimum payout, was not paid out');
  expectSame(seen(await payOutAt('jpy', 'jpy', 100)), { status: 'paid', debited: 100, bankReceived: 100, left: 0 }, 'a balance of exactly ¥100, the minimum payout, was not paid out');
  expectSame(seen(await payOutAt('krw', 'krw', 1_000)), { status: 'paid', debited: 1_000, bankReceived: 1_000, left: 0 }, 'a balance of exactly ₩1,000, the minimum payout, was not paid out');
  for (const [currency, minimum, shown] of [['eur', 100, '1.00 eur'], ['gbp', 100, '1.00 gbp'], ['kwd', 1_000, '1.000 kwd'], ['bhd', 1_000, '1.000 bhd']] as const) {
    expectSame(seen(await payOutAt(currency, currency, minimum)), { status: 'paid', debited: minimum, bankReceived: minimum, left: 0 }, `a balance of exactly ${shown}, the minimum payout, was not paid out`);
  }
});

bug('minimum-payout-boundary', 'a balance one minor unit below the minimum payout stays in the account; one above is paid out', async () => {
  expectSame(seen(await payOutAt('usd', 'usd', 99)), { status: 'nothing paid', debited: 0, bankReceived: 0, left: 99 }, 'a balance of 0.99 usd, below the 1.00 usd minimum, was paid out');
  expectSame(seen(await payOutAt('jpy', 'jpy', 99)), { status: 'nothing paid', debited: 0, bankReceived: 0, left: 99 }, 'a balance of ¥99, below the ¥100 minimum, was paid out');
  expectSame(seen(await payOutAt('krw', 'krw', 999)), { status: 'nothing paid', debited: 0, bankReceived: 0, left: 999 }, 'a balance of ₩999, below the ₩1,000 minimum, was paid out');
  for (const [currency, balance, shown] of [['eur', 99, '0.99 eur'], ['gbp', 99, '0.99 gbp']] as const) {
    expectSame(seen(await payOutAt(currency, currency, balance)), { status: 'nothing paid', debited: 0, bankReceived: 0, left: balance }, `a balance of ${shown}, below the minimum, was paid out`);
  }
  expectSame(seen(await payOutAt('usd', 'usd', 101)), { status: 'paid', debited: 101, bankReceived: 101, left: 0 }, 'a balance of 1.01 usd was not paid out');
  const below = await payOutAt('usd', 'usd', 99);
  expectThat(below.w.payouts.values().length === 0 && below.w.account().reserved === 0, 'a balance below the minimum left a payout or a reservation behind', { actual: below.w.state() });
});
