import { convert, splitFee, transferFee, validateAmount } from './money';
import { LedgerError, type Account, type Balance, type Direction, type Entry } from './types';
import type { FeeSchedule, LedgerDeps, Lease, Transaction, TransferRequest } from './types';

const MAX_KEY_LENGTH = 255;

/** House accounts, one per currency, provisioned by the treasury team. */
const platformFees = (currency: string) => `fees:platform:${currency}`;
const partnerFees = (currency: string) => `fees:partner:${currency}`;
const fxPool = (currency: string) => `fx:${currency}`;

/** An account's balance is the sum of its entries: credits add, debits subtract. */
export function balanceOf(account: Account): number {
  return account.entries.reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), 0);
}

function accountsOf(transaction: Transaction): string[] {
  return [...new Set(transaction.entries.map((e) => e.accountId))];
}

/** Double entry: in every currency a transaction touches, debits equal credits. */
function assertBalanced(entries: Entry[]): void {
  const net = new Map<string, number>();
  for (const e of entries) net.set(e.currency, (net.get(e.currency) ?? 0) + (e.direction === 'debit' ? e.amount : -e.amount));
  for (const [currency, difference] of net) {
    if (difference !== 0) throw new LedgerError('ledger_unbalanced', `${currency} debits and credits differ by ${difference}`);
  }
}

/**
 * The wallet ledger. Money moves only as transactions of immutable entries; balances are
 * derived from entries, never stored; a mistake is corrected by a reversal, not an edit.
 * Several instances run against the same database and lock service.
 */
export class WalletLedger {
  constructor(
    private readonly deps: LedgerDeps,
    private readonly fees: FeeSchedule,
  ) {}

  async balance(accountId: string): Promise<Balance> {
    const account = await this.account(accountId);
    return { accountId, currency: account.currency, amount: balanceOf(account) };
  }

  /** Moves `amount` from one wallet to another, at most once per idempotency key. */
  async transfer(request: TransferRequest): Promise<Transaction> {
    const { from, to, amount, idempotencyKey } = request;
    if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > MAX_KEY_LENGTH) {
      throw new LedgerError('idempotency_key_invalid', `idempotency keys are 1 to ${MAX_KEY_LENGTH} characters`);
    }
    if (from === to) throw new LedgerError('same_account', 'a wallet cannot transfer to itself');

    const fingerprint = JSON.stringify([from, to, amount]);
    // @bug transfer-idempotency
    const firstAttempt = (await this.deps.idempotency.get(idempotencyKey)) === undefined;
    if (!firstAttempt) return this.replay(idempotencyKey, fingerprint);

    let transaction: Transaction;
    try {
      transaction = await this.book(request);
    } catch (error) {
      // Nothing was posted, so the key is released: the client may retry, e.g. after a top-up.
      await this.deps.idempotency.delete(idempotencyKey);
      throw error;
    }
    await this.deps.idempotency.set(idempotencyKey, { fingerprint, transaction });
    return transaction;
  }

  /** Undoes a transfer by posting the opposite entries. The original stays as it was posted. */
  async reverse(transactionId: string): Promise<Transaction> {
    const original = await this.deps.transactions.get(transactionId);
    if (!original) throw new LedgerError('transaction_not_found', `no transaction ${transactionId}`);
    if (original.kind !== 'transfer') throw new LedgerError('transaction_not_reversible', 'only transfers can be reversed');

    const accountIds = accountsOf(original);
    return this.withLocks(accountIds, async () => {
      // Read again under the locks: another reversal may have finished since.
      const current = (await this.deps.transactions.get(transactionId)) ?? original;
      if (current.reversedBy) {
        throw new LedgerError('transaction_already_reversed', `${transactionId} was reversed by ${current.reversedBy}`);
      }
      const id = `${transactionId}_reversal`;
      const flip = (direction: Direction): Direction => (direction === 'debit' ? 'credit' : 'debit');
      const reversal: Transaction = {
        id,
        kind: 'reversal',
        postedAt: this.deps.clock.now(),
        entries: current.entries.map((e) => ({ ...e, transactionId: id, direction: flip(e.direction) })),
        reverses: transactionId,
      };
      await this.post(reversal, await this.load(accountIds));
      // @bug reversal-not-recorded
      current.reversedBy = id;
      return reversal;
    });
  }

  private async replay(idempotencyKey: string, fingerprint: string): Promise<Transaction> {
    const saved = await this.deps.idempotency.get(idempotencyKey);
    if (saved && saved.fingerprint !== fingerprint) {
      throw new LedgerError('idempotency_error', 'keys for idempotent requests can only be used with the same parameters');
    }
    if (!saved?.transaction) {
      throw new LedgerError('idempotency_key_in_use', 'a transfer with this key is still being processed; retry later');
    }
    return saved.transaction;
  }

  /** Prices the transfer (fee, FX) and posts it. */
  private async book(request: TransferRequest): Promise<Transaction> {
    const source = await this.account(request.from);
    const destination = await this.account(request.to);
    if (source.kind !== 'wallet' || destination.kind !== 'wallet') {
      throw new LedgerError('account_invalid', 'transfers move money between wallets only');
    }
    validateAmount(request.amount, source.currency);

    const id = `txn_${request.idempotencyKey}`;
    const entry = (accountId: string, direction: Direction, amount: number, currency: string): Entry =>
      ({ transactionId: id, accountId, direction, amount, currency });
    const fee = transferFee(request.amount, this.fees.feeBps);
    const { platform, partner } = splitFee(fee, this.fees.partnerShareBps);
    const net = request.amount - fee;

    const entries = [entry(source.id, 'debit', request.amount, source.currency)];
    if (source.currency === destination.currency) {
      entries.push(entry(destination.id, 'credit', net, destination.currency));
    } else {
      // The source currency is sold into its FX pool; the destination currency is bought from its own.
      const rate = await this.deps.rates.quote(source.currency, destination.currency);
      const converted = convert(net, source.currency, destination.currency, rate);
      if (converted <= 0) throw new LedgerError('amount_too_small', 'the amount converts to less than one minor unit');
      entries.push(
        entry(fxPool(source.currency), 'credit', net, source.currency),
        entry(fxPool(destination.currency), 'debit', converted, destination.currency),
        entry(destination.id, 'credit', converted, destination.currency),
      );
    }
    if (platform > 0) entries.push(entry(platformFees(source.currency), 'credit', platform, source.currency));
    if (partner > 0) entries.push(entry(partnerFees(source.currency), 'credit', partner, source.currency));
    assertBalanced(entries);

    const transaction: Transaction = { id, kind: 'transfer', postedAt: this.deps.clock.now(), entries };
    const accountIds = accountsOf(transaction);
    // @bug stale-balance-check
    const accounts = await this.load(accountIds);
    return this.withLocks(accountIds, async () => this.post(transaction, accounts));
  }

  /** Appends the transaction's entries to its accounts. The caller holds every account's lock. */
  private async post(transaction: Transaction, accounts: Account[]): Promise<Transaction> {
    const updated = accounts.map((account) => ({
      ...account,
      entries: [...account.entries, ...transaction.entries.filter((e) => e.accountId === account.id)],
    }));
    for (const account of updated) {
      if (account.kind === 'wallet' && balanceOf(account) < 0) {
        throw new LedgerError('balance_insufficient', `${account.id} does not have enough funds`);
      }
    }
    await this.deps.transactions.set(transaction.id, transaction);
    for (const account of updated) await this.deps.accounts.set(account.id, account);
    return transaction;
  }

  private async withLocks<T>(accountIds: string[], work: () => Promise<T>): Promise<T> {
    const leases: Lease[] = [];
    try {
      // @bug lock-order-deadlock
      for (const id of accountIds) leases.push(await this.deps.locks.acquire(`account:${id}`));
      return await work();
    } finally {
      for (const lease of leases.reverse()) await lease.release();
    }
  }

  private async account(id: string): Promise<Account> {
    const account = await this.deps.accounts.get(id);
    if (!account) throw new LedgerError('account_not_found', `no account ${id}`);
    return account;
  }

  private load(accountIds: string[]): Promise<Account[]> {
    return Promise.all(accountIds.map((id) => this.account(id)));
  }
}
