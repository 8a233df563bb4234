/**
 * The world around a ledger under test: its database tables, lock service, FX rates and
 * clock, all built on the harness Env so the scheduler decides when each call lands.
 */
import { FakeClock, FakeStore, type Env } from 'bugbash/harness';
import type { Account, FeeSchedule, IdempotencyRecord, Lease, LedgerDeps, Transaction } from '@impl/types';
import type { WalletLedger } from '@impl/ledger';

export type LedgerClass = new (deps: LedgerDeps, fees: FeeSchedule) => WalletLedger;

/** A lock service that grants each key to one holder at a time, in request order. */
export class FakeLocks {
  private readonly held = new Set<string>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly env: Env) {}

  async acquire(key: string): Promise<Lease> {
    await this.env.step(`locks.acquire(${JSON.stringify(key)})`, () => this.take(key));
    let released = false;
    return {
      release: () =>
        this.env.step(`locks.release(${JSON.stringify(key)})`, () => {
          if (released) return;
          released = true;
          this.give(key);
        }),
    };
  }

  private take(key: string): Promise<void> | void {
    if (!this.held.has(key)) {
      this.held.add(key);
      return;
    }
    const who = this.env.currentLabel();
    this.env.trace.push(`${who ? `${who}: ` : ''}waiting for ${JSON.stringify(key)}, held by another transaction`);
    return new Promise<void>((resolve) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push(resolve);
      this.waiting.set(key, queue);
    });
  }

  private give(key: string): void {
    const next = this.waiting.get(key)?.shift();
    if (next) next();
    else this.held.delete(key);
  }
}

/** Rates in the ledger's format: units of `to` per unit of `from`, times 1 000 000. */
export const RATES: Record<string, number> = {
  'usd>jpy': 151_370_000,
  'jpy>usd': 6_606,
  'usd>kwd': 307_000,
  'kwd>usd': 3_257_329,
  'usd>eur': 921_500,
  'eur>usd': 1_085_187,
  'eur>jpy': 164_260_000,
  'jpy>eur': 6_087,
  'kwd>jpy': 493_000_000,
  'jpy>kwd': 2_028,
  'eur>kwd': 333_100,
  'kwd>eur': 3_002_101,
};

export class FakeRates {
  constructor(
    private readonly env: Env,
    private readonly rates: Record<string, number> = RATES,
  ) {}

  quote(from: string, to: string): Promise<number> {
    return this.env.step(`rates.quote(${from} → ${to})`, () => {
      const rate = this.rates[`${from}>${to}`];
      if (rate === undefined) throw new Error(`no rate for ${from} → ${to}`);
      return rate;
    });
  }
}

/** Wallets to open, with their currency and opening balance in minor units. */
export type Wallets = Record<string, { currency: string; balance: number }>;

/** The house accounts of a currency, as the ledger's brief names them. */
export function houseAccounts(currency: string): string[] {
  return [`fees:platform:${currency}`, `fees:partner:${currency}`, `fx:${currency}`, `funding:${currency}`];
}

/**
 * Opening balances are posted as real double-entry transactions from the currency's
 * funding account, so every currency's accounts sum to zero from the start.
 */
function openingRows(wallets: Wallets): Record<string, Account> {
  const rows: Record<string, Account> = {};
  const currencies = new Set(Object.values(wallets).map((w) => w.currency));
  for (const currency of currencies) {
    for (const id of houseAccounts(currency)) rows[id] = { id, currency, kind: 'house', entries: [] };
  }
  for (const [id, { currency, balance }] of Object.entries(wallets)) {
    const transactionId = `txn_opening_${id}`;
    rows[id] = { id, currency, kind: 'wallet', entries: [] };
    if (balance === 0) continue;
    rows[id].entries.push({ transactionId, accountId: id, direction: 'credit', amount: balance, currency });
    rows[`funding:${currency}`].entries.push({ transactionId, accountId: `funding:${currency}`, direction: 'debit', amount: balance, currency });
  }
  return rows;
}

export interface World {
  ledger: WalletLedger;
  accounts: FakeStore<Account>;
  transactions: FakeStore<Transaction>;
  idempotency: FakeStore<IdempotencyRecord>;
  clock: FakeClock;
  /** Every account's balance (credits minus debits), read straight from the table. */
  balances(): Record<string, number>;
  /** Wallet balances only. */
  walletBalances(): Record<string, number>;
  /** Per currency, the sum of every account's balance: 0 unless money was created or lost. */
  netPerCurrency(): Record<string, number>;
}

export const STANDARD_FEES: FeeSchedule = { feeBps: 100, partnerShareBps: 2_000 };

export function buildWorld(env: Env, Ledger: LedgerClass, wallets: Wallets, fees: FeeSchedule = STANDARD_FEES, rates: Record<string, number> = RATES): World {
  const accounts = new FakeStore<Account>(env, 'accounts', openingRows(wallets));
  const transactions = new FakeStore<Transaction>(env, 'transactions');
  const idempotency = new FakeStore<IdempotencyRecord>(env, 'idempotency');
  const clock = new FakeClock();
  const ledger = new Ledger({ accounts, transactions, idempotency, locks: new FakeLocks(env), rates: new FakeRates(env, rates), clock }, fees);
  const balances = () => {
    const out: Record<string, number> = {};
    for (const [id, account] of Object.entries(accounts.snapshot())) out[id] = sumEntries(account);
    return out;
  };
  return {
    ledger,
    accounts,
    transactions,
    idempotency,
    clock,
    balances,
    walletBalances: () => {
      const out: Record<string, number> = {};
      for (const [id, account] of Object.entries(accounts.snapshot())) if (account.kind === 'wallet') out[id] = sumEntries(account);
      return out;
    },
    netPerCurrency: () => {
      const out: Record<string, number> = {};
      for (const account of Object.values(accounts.snapshot())) out[account.currency] = (out[account.currency] ?? 0) + sumEntries(account);
      return out;
    },
  };
}

function sumEntries(account: Account): number {
  return account.entries.reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), 0);
}
