/**
 * The services around the payout service in the hidden suites, with the semantics of the
 * real ones: a bank that carries out one transfer per idempotency key and refuses amounts it
 * cannot move (three-decimal currencies move in tens of their minor unit), a lease service
 * whose leases expire and are freed only by their owner, and an FX desk quoting fixed rates.
 * Kept free of `@impl` imports, so that test/exercises/multi-currency-payouts.fakes.test.ts
 * can exercise them directly.
 */
import { markWorld, type Env } from 'bugbash/harness';

/** ISO 4217 exponents of the currencies the bank moves. */
export const EXPONENTS: Record<string, number> = { usd: 2, eur: 2, gbp: 2, jpy: 0, krw: 0, kwd: 3, bhd: 3 };

export interface BankTransfer {
  idempotencyKey: string;
  accountNumber: string;
  amount: number;
  currency: string;
}

/** No answer from the bank: the caller cannot know whether the transfer was carried out. */
export class BankTimeout extends Error {
  readonly code = 'bank_timeout';
  constructor(call: string) {
    super(`${call}: no answer from the bank`);
    this.name = 'BankTimeout';
  }
}

/** The bank answered and refused the transfer: nothing was paid. */
export class BankRefusal extends Error {
  readonly status = 400;
  constructor(
    readonly code: 'amount_invalid' | 'account_closed' | 'idempotency_error' | 'currency_not_supported',
    call: string,
  ) {
    super(`${call}: refused with ${code}`);
    this.name = 'BankRefusal';
  }
}

export interface BankFault {
  /** Only transfers with this idempotency key (default: any). */
  key?: string;
  /** `fail`: never reached the bank. `lost-reply`: carried out, then the reply was lost. */
  kind: 'fail' | 'lost-reply';
  times?: number;
}

export interface PaidTransfer {
  transferId: string;
  key: string;
  accountNumber: string;
  amount: number;
  currency: string;
  returned: boolean;
}

export class FakeBank {
  /** Every transfer request that reached the bank, replays included. */
  readonly received: BankTransfer[] = [];
  private readonly byKey = new Map<string, PaidTransfer>();
  private readonly closed = new Set<string>();
  private readonly faults: (BankFault & { left: number })[] = [];

  constructor(private readonly env: Env) {
    markWorld(this);
  }

  inject(fault: BankFault): this {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
    return this;
  }

  /** Transfers to this bank account are refused with `account_closed`. */
  close(accountNumber: string): this {
    this.closed.add(accountNumber);
    return this;
  }

  /** A transfer paid before the test starts. */
  seed(transfer: Omit<PaidTransfer, 'transferId' | 'returned'>): void {
    this.byKey.set(transfer.key, { ...transfer, transferId: `tr_${transfer.key}`, returned: false });
  }

  /** The bank takes a paid transfer back (the test then delivers the return notice). */
  returnTransfer(key: string): void {
    const paid = this.byKey.get(key);
    if (!paid || paid.returned) throw new Error(`no paid transfer ${key} to return`);
    paid.returned = true;
  }

  send(transfer: BankTransfer): Promise<{ transferId: string }> {
    const { idempotencyKey: key, ...params } = transfer;
    const call = `bank.send(${params.amount} ${params.currency} to ${params.accountNumber}, key ${JSON.stringify(key)})`;
    const fault = this.faults.find((f) => f.left > 0 && (f.key === undefined || f.key === key));
    if (fault) fault.left -= 1;
    const touches = [{ resource: 'bank', key: params.accountNumber, write: true }];
    if (fault?.kind === 'fail') {
      return this.env.step(`${call}: no answer (never reached the bank)`, () => {
        throw new BankTimeout(call);
      }, [{ resource: 'bank', key: params.accountNumber, write: false }]);
    }
    return this.env.step(fault ? `${call}: carried out, reply lost` : call, () => {
      this.received.push({ ...transfer });
      let answer: { transferId: string } | undefined;
      let refusal: unknown;
      try {
        answer = this.carryOut(key, params, call);
      } catch (error) {
        refusal = error;
      }
      if (fault) throw new BankTimeout(call);
      if (refusal) throw refusal;
      return answer!;
    }, touches);
  }

  /** Transfers the bank paid, returned ones included. */
  paid(): PaidTransfer[] {
    return [...this.byKey.values()].map((t) => ({ ...t }));
  }

  /** What a bank account received and kept, in minor units of its currency. */
  netPaidTo(accountNumber: string): number {
    return this.paid()
      .filter((t) => t.accountNumber === accountNumber && !t.returned)
      .reduce((sum, t) => sum + t.amount, 0);
  }

  private carryOut(key: string, params: Omit<BankTransfer, 'idempotencyKey'>, call: string): { transferId: string } {
    const saved = this.byKey.get(key);
    if (saved) {
      if (saved.accountNumber !== params.accountNumber || saved.amount !== params.amount || saved.currency !== params.currency) {
        throw new BankRefusal('idempotency_error', call);
      }
      return { transferId: saved.transferId };
    }
    const exponent = EXPONENTS[params.currency];
    if (exponent === undefined) throw new BankRefusal('currency_not_supported', call);
    if (!Number.isInteger(params.amount) || params.amount <= 0) throw new BankRefusal('amount_invalid', call);
    // Three-decimal currencies move in tens of their minor unit: the last digit must be 0.
    if (exponent === 3 && params.amount % 10 !== 0) throw new BankRefusal('amount_invalid', call);
    if (this.closed.has(params.accountNumber)) throw new BankRefusal('account_closed', call);
    const paid: PaidTransfer = { transferId: `tr_${key}`, key, ...params, returned: false };
    this.byKey.set(key, paid);
    return { transferId: paid.transferId };
  }
}

interface Lease {
  owner: string;
  expiresAt: number;
}

/** Leases over a shared clock: a lease is free once released by its owner or once expired. */
export class FakeLocks {
  private readonly leases = new Map<string, Lease>();
  /** Every lease granted, in order: name, owner and the TTL asked for. */
  readonly granted: { name: string; owner: string; ttlMs: number }[] = [];

  constructor(
    private readonly env: Env,
    private readonly clock: { now(): number },
  ) {
    markWorld(this);
  }

  /** A lease held before the test starts (e.g. by a worker that died). */
  seed(name: string, owner: string, expiresAt: number): void {
    this.leases.set(name, { owner, expiresAt });
  }

  tryAcquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.env.step(`locks.tryAcquire(${JSON.stringify(name)})`, () => {
      const lease = this.leases.get(name);
      if (lease && lease.expiresAt > this.clock.now()) return false;
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`lease TTL must be positive, got ${ttlMs}`);
      this.leases.set(name, { owner, expiresAt: this.clock.now() + ttlMs });
      this.granted.push({ name, owner, ttlMs });
      return true;
    }, [{ resource: 'locks', key: name, write: true }]);
  }

  release(name: string, owner: string): Promise<void> {
    return this.env.step(`locks.release(${JSON.stringify(name)})`, () => {
      if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
    }, [{ resource: 'locks', key: name, write: true }]);
  }

  /** Who holds the lease now, if anyone. */
  holder(name: string): string | undefined {
    const lease = this.leases.get(name);
    return lease && lease.expiresAt > this.clock.now() ? lease.owner : undefined;
  }
}

export interface FxQuote {
  id: string;
  from: string;
  to: string;
  rate: string;
}

/** Firm quotes at the rates a test sets, one quote id per request. */
export class FakeFx {
  private readonly rates = new Map<string, string>();
  readonly quotes: FxQuote[] = [];

  constructor(private readonly env: Env) {
    markWorld(this);
  }

  setRate(from: string, to: string, rate: string): this {
    this.rates.set(`${from}:${to}`, rate);
    return this;
  }

  quote(from: string, to: string): Promise<FxQuote> {
    return this.env.step(`fx.quote(${from} → ${to})`, () => {
      const rate = this.rates.get(`${from}:${to}`);
      if (!rate) throw Object.assign(new Error(`no rate for ${from} → ${to}`), { code: 'rate_unavailable' });
      const quote = { id: `quote_${this.quotes.length + 1}`, from, to, rate };
      this.quotes.push(quote);
      return { ...quote };
    }, [{ resource: 'fx', key: `${from}:${to}`, write: true }]);
  }
}

/** `amount` minor units of `from` at `rate`, exactly, in minor units of `to` (as a fraction n/d). */
export function exactConversion(amount: number, from: string, to: string, rate: string): { n: bigint; d: bigint } {
  const [whole, decimals = ''] = rate.split('.');
  let n = BigInt(amount) * BigInt(whole! + decimals);
  let d = 10n ** BigInt(decimals.length);
  const shift = EXPONENTS[to]! - EXPONENTS[from]!;
  if (shift >= 0) n *= 10n ** BigInt(shift);
  else d *= 10n ** BigInt(-shift);
  return { n, d };
}

/** The oracle: `exactConversion` rounded to the nearest multiple of `step`, halves up. */
export function expectedConversion(amount: number, from: string, to: string, rate: string): number {
  const { n, d } = exactConversion(amount, from, to, rate);
  const step = BigInt(EXPONENTS[to] === 3 ? 10 : 1);
  const q = n / (d * step);
  const remainder = n - q * d * step;
  return Number((2n * remainder >= d * step ? q + 1n : q) * step);
}
