/**
 * The payment gateway of the subscription-billing world, with the semantics of a real one:
 * an idempotency key is executed once and its first answer replayed to every later request
 * with that key, a key reused with other parameters is refused, amounts must be positive
 * integers. A customer's card can be set to decline its next charges, and calls can be made
 * to get no answer: before they reach the gateway, or after it charged (the reply was lost).
 * Kept free of `@impl` imports, so that test/exercises/subscription-billing.fakes.test.ts can
 * exercise it directly.
 */
import { markWorld, FakeClock, type Env } from 'bugbash/harness';

export interface GatewayChargeRequest {
  idempotencyKey: string;
  customer: string;
  amount: number;
  currency: string;
  invoice: string;
}

export type GatewayResult = { status: 'succeeded'; charge: string } | { status: 'failed'; decline_code: string };

/** No answer from the gateway: the caller cannot know whether the charge was made. */
export class GatewayTimeout extends Error {
  readonly code = 'gateway_timeout';
  constructor(call: string) {
    super(`${call}: no answer from the payment gateway`);
    this.name = 'GatewayTimeout';
  }
}

/** The gateway answered and refused the request: nothing was charged. */
export class GatewayRefusal extends Error {
  constructor(
    readonly code: 'idempotency_error' | 'invalid_request',
    call: string,
  ) {
    super(`${call}: refused with ${code} (400)`);
    this.name = 'GatewayRefusal';
  }
}

export interface GatewayFault {
  /** `fail`: the request never reached the gateway. `lost-reply`: it was carried out, the reply lost. */
  kind: 'fail' | 'lost-reply';
  times?: number;
}

/** A charge the gateway made (replays are not charges). */
export interface MadeCharge {
  charge: string;
  key: string;
  invoice: string;
  customer: string;
  amount: number;
}

export class FakeGateway {
  /** Every request that reached the gateway, replays included. */
  readonly received: GatewayChargeRequest[] = [];
  /** Every charge made, in order. */
  readonly charges: MadeCharge[] = [];
  /** Declines answered (not replays), by customer. */
  readonly declined: { customer: string; key: string; code: string }[] = [];
  private readonly byKey = new Map<string, { request: Omit<GatewayChargeRequest, 'idempotencyKey'>; result: GatewayResult }>();
  private readonly declines = new Map<string, string[]>();
  private readonly faults: { kind: GatewayFault['kind']; left: number }[] = [];

  constructor(private readonly env: Env) {
    markWorld(this);
  }

  /** The customer's card declines its next `times` new charges with `code`. */
  decline(customer: string, code = 'card_declined', times = 1): this {
    this.declines.set(customer, [...(this.declines.get(customer) ?? []), ...Array<string>(times).fill(code)]);
    return this;
  }

  inject(fault: GatewayFault): this {
    this.faults.push({ kind: fault.kind, left: fault.times ?? 1 });
    return this;
  }

  /** Charges made for one invoice. */
  chargesOf(invoice: string): MadeCharge[] {
    return this.charges.filter((charge) => charge.invoice === invoice);
  }

  charge(request: GatewayChargeRequest): Promise<GatewayResult> {
    const { idempotencyKey: key, ...params } = request;
    const call = `gateway.charge(${params.amount} ${params.currency}, ${params.customer}, key ${JSON.stringify(key)})`;
    const fault = this.faults.find((f) => f.left > 0);
    if (fault) fault.left -= 1;
    const kind = fault?.kind;
    const description = kind === 'fail' ? `${call} → no answer (never arrived)` : kind === 'lost-reply' ? `${call} → charged, reply lost` : call;
    return this.env.step(
      description,
      () => {
        if (kind === 'fail') throw new GatewayTimeout(call);
        this.received.push({ ...request });
        const result = this.execute(key, params, call);
        if (kind === 'lost-reply') throw new GatewayTimeout(call);
        return result;
      },
      [{ resource: 'gateway', key: params.customer, write: true }],
    );
  }

  private execute(key: string, params: Omit<GatewayChargeRequest, 'idempotencyKey'>, call: string): GatewayResult {
    const saved = this.byKey.get(key);
    if (saved) {
      if (JSON.stringify(saved.request) !== JSON.stringify(params)) throw new GatewayRefusal('idempotency_error', call);
      return { ...saved.result };
    }
    if (!Number.isInteger(params.amount) || params.amount <= 0) throw new GatewayRefusal('invalid_request', call);
    const queue = this.declines.get(params.customer) ?? [];
    const code = queue.shift();
    let result: GatewayResult;
    if (code !== undefined) {
      result = { status: 'failed', decline_code: code };
      this.declined.push({ customer: params.customer, key, code });
    } else {
      result = { status: 'succeeded', charge: `ch_${this.charges.length + 1}` };
      this.charges.push({ charge: result.charge, key, invoice: params.invoice, customer: params.customer, amount: params.amount });
    }
    this.byKey.set(key, { request: { ...params }, result });
    return { ...result };
  }
}

/** A worker's clock that moves on by `stepMs` every time it is read, as time passes between two workers' reads. */
export class TickingClock extends FakeClock {
  constructor(
    start: number,
    private readonly stepMs: number,
  ) {
    super(start);
  }

  override now(): number {
    const now = super.now();
    this.advance(this.stepMs);
    return now;
  }
}

/** The brief's proration share, exact in big integers: amount × days / periodDays, half up. */
export function exactShare(amount: number, days: number, periodDays: number): number {
  const numerator = 2n * BigInt(amount) * BigInt(days) + BigInt(periodDays);
  return Number(numerator / (2n * BigInt(periodDays)));
}
