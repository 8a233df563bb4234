import { randomUUID } from 'node:crypto';
import { currencyRules, payableAmount } from './currency';
import { convert } from './fx';
import { PayoutError, type Account, type Payout, type PayoutDependencies } from './types';

/** Longer than any batch takes, bank call included; a worker that dies frees the account after it. */
const LOCK_TTL_MS = 5 * 60 * 1000;

/** Every change to an account's balance is made under this lease. */
function accountLock(accountId: string): string {
  return `account:${accountId}`;
}

function isNoAnswer(error: unknown): boolean {
  return (error as { code?: unknown })?.code === 'bank_timeout';
}

/**
 * Pays connected accounts' available balances out to their bank accounts, converting at an
 * FX quote when the bank account is held in another currency. Several workers run the daily
 * batch at once; the account lease makes one of them the account's batch.
 */
export class PayoutService {
  constructor(private readonly deps: PayoutDependencies) {}

  /** Resolves with the payout this run sent or settled, or null when it had nothing to do. */
  async payOut(accountId: string): Promise<Payout | null> {
    // @bug batch-stale-balance
    const account = await this.loadAccount(accountId);
    if (account.available <= 0 && !account.payoutInFlight) return null;
    const lock = accountLock(accountId);
    const owner = `worker_${randomUUID()}`;
    if (!(await this.deps.locks.tryAcquire(lock, owner, LOCK_TTL_MS))) return null;
    try {
      // @bug batch-stale-balance
      if (account.payoutInFlight) return await this.send(account, await this.loadPayout(account.payoutInFlight));

      const payout = await this.prepare(account);
      if (!payout) return null;
      await this.deps.payouts.set(payout.id, payout);
      const reserved: Account = {
        ...account,
        available: account.available - payout.amount,
        reserved: account.reserved + payout.amount,
        payoutInFlight: payout.id,
      };
      await this.deps.accounts.set(accountId, reserved);
      return await this.send(reserved, payout);
    } finally {
      await this.deps.locks.release(lock, owner);
    }
  }

  /** A return notice from the bank (a closed account, incorrect details). */
  async handleReturn(payoutId: string, code: string): Promise<Payout> {
    const payout = await this.loadPayout(payoutId);
    // @bug return-of-failed-payout
    if (payout.status === 'returned') return payout;
    if (payout.status === 'pending') throw new PayoutError('payout_in_flight', `Payout ${payoutId} is not settled yet`);

    const owner = `return_${randomUUID()}`;
    // @bug return-wrong-lock
    const lock = `return:${payoutId}`;
    if (!(await this.deps.locks.tryAcquire(lock, owner, LOCK_TTL_MS))) {
      throw new PayoutError('account_busy', `Account ${payout.accountId} is being paid out; send the notice again later`);
    }
    try {
      const returned: Payout = { ...payout, status: 'returned', failureCode: code };
      // @bug return-redelivery-race
      await this.deps.payouts.set(payoutId, returned);
      const account = await this.loadAccount(payout.accountId);
      await this.deps.accounts.set(account.id, { ...account, available: account.available + payout.amount });
      return returned;
    } finally {
      await this.deps.locks.release(lock, owner);
    }
  }

  /** The payout of an account's available balance, or null when it is below the bank's minimum. */
  private async prepare(account: Account): Promise<Payout | null> {
    const amount = payableAmount(account.available, account.currency);
    if (amount <= 0) return null;
    const bankCurrency = account.bank.currency;
    let bankAmount = amount;
    let quote = null;
    if (bankCurrency !== account.currency) {
      quote = await this.deps.fx.quote(account.currency, bankCurrency);
      bankAmount = convert(amount, quote);
    }
    // @bug minimum-payout-boundary
    if (bankAmount <= currencyRules(bankCurrency).minimum) return null;
    return {
      id: `po_${randomUUID()}`,
      accountId: account.id,
      amount,
      currency: account.currency,
      bankAmount,
      bankCurrency,
      quoteId: quote?.id ?? null,
      rate: quote?.rate ?? null,
      status: 'pending',
      failureCode: null,
      createdAt: this.deps.clock.now(),
    };
  }

  private async send(account: Account, payout: Payout): Promise<Payout> {
    try {
      await this.deps.bank.send({
        idempotencyKey: payout.id,
        accountNumber: account.bank.accountNumber,
        amount: payout.bankAmount,
        currency: payout.bankCurrency,
      });
    } catch (error) {
      // @bug timeout-releases-reservation
      if (isNoAnswer(error)) return this.settle(account, payout, 'failed', 'bank_timeout');
      // A refusal is final: nothing reached the bank account, so the reservation goes back to the balance.
      return this.settle(account, payout, 'failed', String((error as { code?: unknown })?.code ?? 'bank_error'));
    }
    return this.settle(account, payout, 'paid', null);
  }

  /** Takes the payout off the reservation: paid out, or back to the available balance. */
  private async settle(account: Account, payout: Payout, status: 'paid' | 'failed', failureCode: string | null): Promise<Payout> {
    await this.deps.accounts.set(account.id, {
      ...account,
      available: status === 'failed' ? account.available + payout.amount : account.available,
      reserved: account.reserved - payout.amount,
      payoutInFlight: null,
    });
    const settled: Payout = { ...payout, status, failureCode };
    await this.deps.payouts.set(payout.id, settled);
    return settled;
  }

  private async loadAccount(accountId: string): Promise<Account> {
    const account = await this.deps.accounts.get(accountId);
    if (!account) throw new PayoutError('account_not_found', `No account ${accountId}`);
    return account;
  }

  private async loadPayout(payoutId: string): Promise<Payout> {
    const payout = await this.deps.payouts.get(payoutId);
    if (!payout) throw new PayoutError('payout_not_found', `No payout ${payoutId}`);
    return payout;
  }
}
