/**
 * The world around the ledgers under test: their database tables, the shared lock service,
 * FX rates and clock, all built on the harness Env so the scheduler decides when each call
 * lands. Several ledger instances can run over the same tables and locks, as the brief says
 * they do in production; every instance is tracked so the explorer sees in-process state.
 */
import { FakeClock, FakeStore, type Env } from 'bugbash/harness';
import type { Account, FeeSchedule, IdempotencyRecord, LedgerDeps, Transaction } from '@impl/types';
import type { WalletLedger } from '@impl/ledger';
import { FakeLocks, FakeRates, RATES } from './fakes';

export { FakeLocks, FakeRates, RATES } from './fakes';

export type LedgerClass = new (deps: LedgerDeps, fees: FeeSchedule) => WalletLedger;

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
function openingRows(wallets: Wallets, currencies: string[]): Record<string, Account> {
  const rows: Record<string, Account> = {};
  const all = new Set([...currencies, ...Object.values(wallets).map((w) => w.currency)]);
  for (const currency of all) {
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

export interface WorldOptions {
  fees?: FeeSchedule;
  rates?: Record<string, number>;
  /**
   * Invariants checked after every write. `all` (default): wallets never negative, posted
   * entries never edited or removed, transactions immutable and balanced, no entry posted
   * twice. `safety`: every one but "entries never edited or removed" — for tests of another
   * bug that run on code whose locking is broken (the lock-order tests), so a lost update is
   * blamed on the balance-check bug's own tests only.
   */
  invariants?: 'all' | 'safety' | 'none';
  /** Extra currencies whose house accounts exist without any wallet. */
  currencies?: string[];
}

export interface World {
  /** The first instance (most tests need one). */
  ledger: WalletLedger;
  /** Every instance, in the order given: all share the tables and the lock service. */
  ledgers: WalletLedger[];
  accounts: FakeStore<Account>;
  transactions: FakeStore<Transaction>;
  idempotency: FakeStore<IdempotencyRecord>;
  locks: FakeLocks;
  clock: FakeClock;
  /** Every account's balance (credits minus debits), read straight from the table. */
  balances(): Record<string, number>;
  /** Wallet balances only. */
  walletBalances(): Record<string, number>;
  /** Per currency, the sum of every account's balance: 0 unless money was created or lost. */
  netPerCurrency(): Record<string, number>;
  /**
   * What is wrong with the books once everything settled (empty when nothing): every posted
   * transaction's entries appear on its accounts exactly once, every entry on an account
   * belongs to a posted transaction, and (unless `links` is false) reversal links point both ways.
   */
  bookProblems(options?: { links?: boolean }): string[];
}

export const STANDARD_FEES: FeeSchedule = { feeBps: 100, partnerShareBps: 2_000 };

export function buildWorld(
  env: Env,
  Ledger: LedgerClass | LedgerClass[],
  wallets: Wallets,
  feesOrOptions: FeeSchedule | WorldOptions = {},
  rates: Record<string, number> = RATES,
): World {
  const options: WorldOptions = 'feeBps' in feesOrOptions ? { fees: feesOrOptions as FeeSchedule, rates } : { rates, ...(feesOrOptions as WorldOptions) };
  const fees = options.fees ?? STANDARD_FEES;
  const accounts = new FakeStore<Account>(env, 'accounts', openingRows(wallets, options.currencies ?? []));
  const transactions = new FakeStore<Transaction>(env, 'transactions');
  const idempotency = new FakeStore<IdempotencyRecord>(env, 'idempotency');
  const clock = new FakeClock();
  const locks = new FakeLocks(env);
  const fxRates = new FakeRates(env, options.rates ?? RATES);
  const classes = Array.isArray(Ledger) ? Ledger : [Ledger];
  const ledgers = classes.map((Class) => env.track(new Class({ accounts, transactions, idempotency, locks, rates: fxRates, clock }, fees)));

  const balances = () => {
    const out: Record<string, number> = {};
    for (const [id, account] of Object.entries(accounts.snapshot())) out[id] = sumEntries(account);
    return out;
  };
  const world: World = {
    ledger: ledgers[0]!,
    ledgers,
    accounts,
    transactions,
    idempotency,
    locks,
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
    bookProblems: (options) => bookProblems(accounts.snapshot(), transactions.snapshot(), options?.links ?? true),
  };
  if (options.invariants !== 'none') declareInvariants(env, accounts, transactions, options.invariants ?? 'all');
  return world;
}

/**
 * The rules of the brief that hold at every moment, checked after every write. One check
 * reads both tables once (each read copies them), so exploring thousands of orderings stays cheap.
 */
function declareInvariants(env: Env, accounts: FakeStore<Account>, transactions: FakeStore<Transaction>, level: 'all' | 'safety'): void {
  let seenAccounts: Record<string, Account> = accounts.snapshot();
  let seenTransactions: Record<string, Transaction> = {};
  const rules = {
    negative: 'a wallet never goes below zero',
    entries: 'posted entries are never edited or removed: an account row only ever gains entries',
    immutable: 'a posted transaction is never edited or removed (only the reversal link is added, once)',
    balanced: 'every transaction balances: at least two entries, debits equal credits in each currency',
    twice: 'no transaction is posted twice: an account never holds more of its entries than the transaction has',
  };
  const check = (): string | true => {
    // Only writes to the two tables can break these rules (lock and idempotency writes cannot).
    const last = env.trace.at(-1) ?? '';
    if (!/\b(accounts|transactions)\.(set|delete|setIfAbsent|compareAndSet)\(/.test(last)) return true;
    const accountRows = accounts.snapshot();
    const transactionRows = transactions.snapshot();
    const fail = (rule: keyof typeof rules, why: string) => `${rules[rule]}: ${why}`;
    for (const account of Object.values(accountRows)) {
      if (account.kind === 'wallet' && sumEntries(account) < 0) return fail('negative', `${account.id} is at ${sumEntries(account)}`);
    }
    if (level === 'all') {
      for (const [id, before] of Object.entries(seenAccounts)) {
        const after = accountRows[id];
        if (!after) return fail('entries', `account ${id} was deleted`);
        if (after.currency !== before.currency || after.kind !== before.kind) return fail('entries', `account ${id} changed its currency or kind`);
        const lost = before.entries.findIndex((entry, i) => entryKey(entry) !== (after.entries[i] ? entryKey(after.entries[i]!) : undefined));
        if (lost >= 0) {
          return fail('entries', `${id} had ${before.entries.length} entries; entry ${lost + 1} (${entryKey(before.entries[lost]!)}) is gone or changed (the row now holds ${after.entries.length})`);
        }
      }
    }
    for (const [id, before] of Object.entries(seenTransactions)) {
      const after = transactionRows[id];
      if (!after) return fail('immutable', `transaction ${id} was deleted`);
      if (canonical({ ...before, reversedBy: undefined }) !== canonical({ ...after, reversedBy: undefined })) return fail('immutable', `transaction ${id} was changed`);
      if (before.reversedBy !== undefined && after.reversedBy !== before.reversedBy) {
        return fail('immutable', `the reversal link of ${id} changed from ${before.reversedBy} to ${String(after.reversedBy)}`);
      }
    }
    for (const transaction of Object.values(transactionRows)) {
      if (transaction.entries.length < 2) return fail('balanced', `${transaction.id} has ${transaction.entries.length} entries`);
      const net = new Map<string, number>();
      for (const e of transaction.entries) net.set(e.currency, (net.get(e.currency) ?? 0) + (e.direction === 'debit' ? e.amount : -e.amount));
      for (const [currency, difference] of net) if (difference !== 0) return fail('balanced', `${transaction.id}: ${currency} debits and credits differ by ${difference}`);
    }
    for (const account of Object.values(accountRows)) {
      const counts = new Map<string, number>();
      for (const e of account.entries) counts.set(e.transactionId, (counts.get(e.transactionId) ?? 0) + 1);
      for (const [id, count] of counts) {
        const row = transactionRows[id];
        if (!row) continue;
        const expected = row.entries.filter((e) => e.accountId === account.id).length;
        if (count > expected) return fail('twice', `${account.id} holds ${count} entries of ${id}, which has ${expected} for it`);
      }
    }
    seenAccounts = accountRows;
    seenTransactions = transactionRows;
    return true;
  };
  env.invariant('the books must hold at every moment', check);
}

function bookProblems(accounts: Record<string, Account>, transactions: Record<string, Transaction>, links: boolean): string[] {
  const problems: string[] = [];
  const posted = new Map<string, string[]>();
  for (const account of Object.values(accounts)) {
    for (const e of account.entries) {
      if (e.transactionId.startsWith('txn_opening_')) continue;
      if (!transactions[e.transactionId]) problems.push(`${account.id} holds an entry of ${e.transactionId}, which was never recorded as a transaction`);
      const list = posted.get(e.transactionId) ?? [];
      list.push(entryKey(e));
      posted.set(e.transactionId, list);
    }
  }
  for (const transaction of Object.values(transactions)) {
    const onAccounts = (posted.get(transaction.id) ?? []).sort();
    const own = transaction.entries.map(entryKey).sort();
    if (canonical(onAccounts) !== canonical(own)) {
      problems.push(`${transaction.id} has ${own.length} entries, but its accounts hold ${onAccounts.length} of them${onAccounts.length > own.length ? ' (posted more than once)' : ''}`);
    }
    if (!links) continue;
    if (transaction.reversedBy !== undefined && transactions[transaction.reversedBy]?.reverses !== transaction.id) {
      problems.push(`${transaction.id} says it was reversed by ${transaction.reversedBy}, which is not a posted reversal of it`);
    }
    if (transaction.kind === 'reversal' && transaction.reverses !== undefined && transactions[transaction.reverses]?.reversedBy !== transaction.id) {
      problems.push(`${transaction.id} reverses ${transaction.reverses}, but ${transaction.reverses} does not record it (reversedBy)`);
    }
  }
  return [...new Set(problems)];
}

function entryKey(e: { transactionId: string; accountId: string; direction: string; amount: number; currency: string }): string {
  return `${e.transactionId} ${e.accountId} ${e.direction} ${e.amount} ${e.currency}`;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => a.localeCompare(b))) : v));
}

function sumEntries(account: Account): number {
  return account.entries.reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), 0);
}
