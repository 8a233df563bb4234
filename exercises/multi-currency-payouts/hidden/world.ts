/**
 * The world around the payout service in the hidden suites: the accounts and payouts tables
 * (FakeStore), the lease service, FX desk and bank of ./fakes over a hand-moved clock, and two
 * payout workers built from separate module instances over all of them (the brief says several
 * workers run the batch at once), both tracked.
 */
import { FakeClock, FakeStore, markWorld, type Env } from 'bugbash/harness';
import { PayoutService } from '@impl/payouts';
// A separate copy of the module, with its own module-level state, as a second worker process has.
import { PayoutService as SecondWorker } from '@impl/payouts?instance=2';
import type { Account, Payout, PayoutDependencies } from '@impl/types';
import { FakeBank, FakeFx, FakeLocks } from './fakes';

export { BankRefusal, BankTimeout, exactConversion, expectedConversion } from './fakes';

export const MINUTE = 60 * 1000;
export const T0 = Date.UTC(2026, 4, 4, 6, 0, 0);
export const ACCOUNT = 'acct_1';
export const IBAN = 'NL91ABNA0417164300';

export interface Service {
  payOut(accountId: string): Promise<Payout | null>;
  handleReturn(payoutId: string, code: string): Promise<Payout>;
}

/** An account with 100.00 usd available, paid out to a usd bank account, unless said otherwise. */
export function account(extra: Partial<Account> = {}): Account {
  return { id: ACCOUNT, currency: 'usd', available: 10_000, reserved: 0, bank: { accountNumber: IBAN, currency: extra.currency ?? 'usd' }, payoutInFlight: null, ...extra };
}

/** A payout the bank already paid, of `amount` in the account's currency (no conversion). */
export function paidPayout(id: string, amount: number, extra: Partial<Payout> = {}): Payout {
  return {
    id, accountId: ACCOUNT, amount, currency: 'usd', bankAmount: amount, bankCurrency: 'usd',
    quoteId: null, rate: null, status: 'paid', failureCode: null, createdAt: T0 - 24 * 60 * MINUTE, ...extra,
  };
}

export interface WorldOptions {
  accounts?: Account[];
  /** Payouts on file; those `paid` are paid at the bank too. */
  payouts?: Payout[];
}

export function world(env: Env, options: WorldOptions = {}) {
  const accounts = new FakeStore<Account>(env, 'accounts', Object.fromEntries((options.accounts ?? [account()]).map((a) => [a.id, a])), {
    describe: (a) => `${a.id}: available ${a.available}, reserved ${a.reserved}${a.payoutInFlight ? `, in flight ${a.payoutInFlight}` : ''}`,
  });
  const payouts = new FakeStore<Payout>(env, 'payouts', Object.fromEntries((options.payouts ?? []).map((p) => [p.id, p])), {
    describe: (p) => `${p.id}: ${p.status}, ${p.amount} ${p.currency} → ${p.bankAmount} ${p.bankCurrency}`,
  });
  const clock = new FakeClock(T0);
  const locks = new FakeLocks(env, clock);
  const fx = new FakeFx(env);
  const bank = new FakeBank(env);
  for (const a of accounts.values()) {
    for (const p of payouts.values().filter((p) => p.accountId === a.id && (p.status === 'paid' || p.status === 'returned'))) {
      bank.seed({ key: p.id, accountNumber: a.bank.accountNumber, amount: p.bankAmount, currency: p.bankCurrency });
      if (p.status === 'returned') bank.returnTransfer(p.id);
    }
  }
  const deps = markWorld({ accounts, payouts, locks, fx, bank, clock }) as unknown as PayoutDependencies;
  type ServiceClass = new (deps: PayoutDependencies) => Service;
  const workers = [
    env.track(new (PayoutService as unknown as ServiceClass)(deps)),
    env.track(new (SecondWorker as unknown as ServiceClass)(deps)),
  ];

  /** What has ever been in an account, in its currency: its balance and what was paid out of it. */
  const funds = new Map<string, number>();
  for (const a of accounts.values()) {
    const paidOut = payouts.values().filter((p) => p.accountId === a.id && p.status === 'paid').reduce((sum, p) => sum + p.amount, 0);
    funds.set(a.id, a.available + a.reserved + paidOut);
  }

  // Rules about every moment, checked after every write of every test.
  env.invariant("an account's available or reserved balance went below zero", () => {
    const wrong = accounts.values().filter((a) => a.available < 0 || a.reserved < 0);
    return wrong.length === 0 || wrong.map((a) => `${a.id}: available ${a.available}, reserved ${a.reserved}`).join(', ');
  });
  env.invariant('an account holds and has been paid more than it ever had', () => {
    const wrong = accounts.values().flatMap((a) => {
      const paid = payouts.values().filter((p) => p.accountId === a.id && p.status === 'paid').reduce((sum, p) => sum + p.amount, 0);
      const total = a.available + a.reserved + paid;
      return total > funds.get(a.id)! ? [`${a.id}: available ${a.available} + reserved ${a.reserved} + paid out ${paid} = ${total}, but it only ever had ${funds.get(a.id)}`] : [];
    });
    return wrong.length === 0 || wrong.join(', ');
  });
  env.invariant("the bank paid an account's bank account more than the account ever had", () => {
    const wrong = accounts.values().flatMap((a) => {
      if (a.bank.currency !== a.currency) return [];
      const net = bank.netPaidTo(a.bank.accountNumber);
      return net > funds.get(a.id)! ? [`${a.bank.accountNumber} received ${net} ${a.currency}; ${a.id} only ever had ${funds.get(a.id)}`] : [];
    });
    return wrong.length === 0 || wrong.join(', ');
  });
  env.invariant('a payout is recorded as failed though the bank paid it', () => {
    const paidKeys = new Set(bank.paid().map((t) => t.key));
    const wrong = payouts.values().filter((p) => p.status === 'failed' && paidKeys.has(p.id));
    return wrong.length === 0 || wrong.map((p) => `${p.id} is failed (${p.failureCode}) but the bank paid it`).join(', ');
  });

  return {
    env,
    accounts,
    payouts,
    clock,
    locks,
    fx,
    bank,
    worker: (n: number) => workers[n % workers.length]!,
    account: (id = ACCOUNT) => accounts.peek(id)!,
    /** How an account stands, for diffs. */
    state: (id = ACCOUNT) => {
      const a = accounts.peek(id)!;
      return {
        available: a.available,
        reserved: a.reserved,
        inFlight: a.payoutInFlight !== null,
        bankReceived: bank.netPaidTo(a.bank.accountNumber),
        payouts: payouts.values().filter((p) => p.accountId === id && p.createdAt >= T0).map((p) => p.status).sort(),
      };
    },
  };
}

export type World = ReturnType<typeof world>;

export function outcomeOf(result: PromiseSettledResult<Payout | null>): string {
  if (result.status === 'rejected') return `rejected ${(result.reason as { code?: string })?.code ?? String(result.reason)}`;
  return result.value === null ? 'nothing paid' : result.value.status;
}
