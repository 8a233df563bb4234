/**
 * The card network of the store-outage world, with the semantics of a real acquirer: an
 * authorization or refund key is executed once and its first answer replayed, a key reused
 * with other parameters is refused, refunds never exceed the charge. Calls can be made to
 * fail like `FakeStore.inject`: before they reach the network, or after the network did the
 * work and the reply was lost (a timeout: was it processed?). Kept free of `@impl` imports,
 * so that test/exercises/store-outage.fakes.test.ts can exercise it directly.
 */
import { markWorld, type Env, type FakeStore, type Touch } from 'bugbash/harness';

type StoreOperation = 'get' | 'set' | 'setIfAbsent' | 'compareAndSet';

/** Test cards: approved unless one of these. */
export const VISA = 'card_visa';
export const DECLINED_CARD = 'card_chargeDeclined';
export const INSUFFICIENT_FUNDS_CARD = 'card_chargeDeclinedInsufficientFunds';

export interface AuthorizationRequest {
  idempotencyKey: string;
  requestId: string;
  reference: string;
  amount: number;
  currency: string;
  card: string;
}

export type NetworkCharge = { status: 'approved'; chargeId: string } | { status: 'declined'; declineCode: string };

export interface RefundRequest {
  idempotencyKey: string;
  chargeId: string;
  amount: number;
}

/** One planned fault of a network call. */
export interface NetworkFault {
  operation: 'authorize' | 'lookup' | 'refund';
  /** Only calls with this idempotency key (default: any). */
  key?: string;
  /**
   * `fail`: the request never reaches the network (connection timed out): nothing happens.
   * `lost-reply`: the network carries it out, then the reply is lost (read timed out).
   * Either way the caller gets `network_timeout` and cannot tell which.
   * The others are answers that refuse the request before anything happens: `unavailable`
   * (503), `server-error` (500), `conflict` (409, another request holds the object),
   * `bad-request` (400).
   */
  kind: 'fail' | 'lost-reply' | 'unavailable' | 'server-error' | 'conflict' | 'bad-request';
  /** How many matching calls it hits. Default 1. */
  times?: number;
}

/** No answer from the network: the caller cannot know whether the request was carried out. */
export class CardNetworkTimeout extends Error {
  readonly code = 'network_timeout';
  constructor(call: string) {
    super(`${call}: no answer from the card network`);
    this.name = 'CardNetworkTimeout';
  }
}

/** The network answered and refused the request (4xx): nothing happened. */
export class CardNetworkRefusal extends Error {
  constructor(
    readonly code: 'idempotency_error' | 'no_such_charge' | 'refund_exceeds_charge' | 'amount_invalid' | 'service_unavailable' | 'api_error' | 'lock_timeout' | 'invalid_request',
    readonly status: number,
    call: string,
  ) {
    super(`${call}: refused with ${code}`);
    this.name = 'CardNetworkRefusal';
  }
}

interface ChargeRecord {
  key: string;
  request: Omit<AuthorizationRequest, 'requestId' | 'idempotencyKey'>;
  answer: NetworkCharge;
  refunded: number;
  refundCount: number;
}

export class FakeCardNetwork {
  /** Every call that reached the network, in order (replays included). */
  readonly received: string[] = [];
  /** When each call that reached the network arrived (clock milliseconds), if a clock was given. */
  readonly receivedAt: number[] = [];
  /** Every call made, reached or not, by operation. */
  readonly sent: Record<NetworkFault['operation'], number> = { authorize: 0, lookup: 0, refund: 0 };
  private readonly byKey = new Map<string, ChargeRecord>();
  private readonly refundsByKey = new Map<string, { request: RefundRequest; refundId: string }>();
  private readonly faults: (NetworkFault & { left: number })[] = [];

  constructor(
    private readonly env: Env,
    private readonly clock?: { now(): number },
  ) {
    markWorld(this);
  }

  inject(fault: NetworkFault): this {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
    return this;
  }

  /** The network is healthy again: planned faults not yet used are dropped. */
  heal(): void {
    this.faults.length = 0;
  }

  /** A charge the network already made before the test starts (e.g. for a payment left pending). */
  seed(key: string, request: ChargeRecord['request'], answer: NetworkCharge, refunded = 0): void {
    this.byKey.set(key, { key, request: { ...request }, answer: { ...answer }, refunded, refundCount: refunded > 0 ? 1 : 0 });
  }

  authorize(request: AuthorizationRequest): Promise<NetworkCharge> {
    const { idempotencyKey: key, requestId: _requestId, ...params } = request;
    const call = `network.authorize(${params.amount} ${params.currency}, ${params.card}, key ${JSON.stringify(key)})`;
    return this.call('authorize', key, call, [{ resource: 'network', key: `charge:${key}`, write: true }], () => {
      const saved = this.byKey.get(key);
      if (saved) {
        if (stable(saved.request) !== stable(params)) throw new CardNetworkRefusal('idempotency_error', 400, call);
        return { ...saved.answer };
      }
      if (!Number.isInteger(params.amount) || params.amount <= 0) throw new CardNetworkRefusal('amount_invalid', 400, call);
      const answer: NetworkCharge =
        params.card === DECLINED_CARD
          ? { status: 'declined', declineCode: 'card_declined' }
          : params.card === INSUFFICIENT_FUNDS_CARD
            ? { status: 'declined', declineCode: 'insufficient_funds' }
            : { status: 'approved', chargeId: `ch_${key.replace(/^pay_/, '')}` };
      this.byKey.set(key, { key, request: { ...params }, answer, refunded: 0, refundCount: 0 });
      return { ...answer };
    });
  }

  lookup(key: string): Promise<NetworkCharge | undefined> {
    return this.call('lookup', key, `network.lookup(key ${JSON.stringify(key)})`, [{ resource: 'network', key: `charge:${key}`, write: false }], () => {
      const saved = this.byKey.get(key);
      return saved ? { ...saved.answer } : undefined;
    });
  }

  refund(request: RefundRequest): Promise<{ refundId: string }> {
    const call = `network.refund(${request.chargeId}, ${request.amount}, key ${JSON.stringify(request.idempotencyKey)})`;
    // Refunds of one charge read and write its refunded total; refunds of other charges are independent.
    return this.call('refund', request.idempotencyKey, call, [{ resource: 'network', key: `refunds:${request.chargeId}`, write: true }], () => {
      const saved = this.refundsByKey.get(request.idempotencyKey);
      if (saved) {
        if (stable(saved.request) !== stable(request)) throw new CardNetworkRefusal('idempotency_error', 400, call);
        return { refundId: saved.refundId };
      }
      const charge = [...this.byKey.values()].find((c) => c.answer.status === 'approved' && c.answer.chargeId === request.chargeId);
      if (!charge) throw new CardNetworkRefusal('no_such_charge', 404, call);
      if (!Number.isInteger(request.amount) || request.amount <= 0) throw new CardNetworkRefusal('amount_invalid', 400, call);
      if (charge.refunded + request.amount > charge.request.amount) throw new CardNetworkRefusal('refund_exceeds_charge', 400, call);
      charge.refunded += request.amount;
      charge.refundCount += 1;
      const refundId = `re_${request.chargeId.replace(/^ch_/, '')}_${charge.refundCount}`;
      this.refundsByKey.set(request.idempotencyKey, { request: { ...request }, refundId });
      return { refundId };
    });
  }

  /** Approved charges, one per authorization key that was approved. */
  charges(): { key: string; reference: string; chargeId: string; amount: number; refunded: number }[] {
    return [...this.byKey.values()].flatMap((c) =>
      c.answer.status === 'approved' ? [{ key: c.key, reference: c.request.reference, chargeId: c.answer.chargeId, amount: c.request.amount, refunded: c.refunded }] : [],
    );
  }

  /** Approved charges for an order (by the merchant reference). */
  chargesFor(reference: string) {
    return this.charges().filter((c) => c.reference === reference);
  }

  /** Money taken from the customer's card for an order, net of refunds. */
  netChargedFor(reference: string): number {
    return this.chargesFor(reference).reduce((sum, c) => sum + c.amount - c.refunded, 0);
  }

  private call<T>(operation: NetworkFault['operation'], key: string, description: string, touches: readonly Touch[], effect: () => T): Promise<T> {
    this.sent[operation] += 1;
    const fault = this.faults.find((f) => f.left > 0 && f.operation === operation && (f.key === undefined || f.key === key));
    if (fault) fault.left -= 1;
    if (fault?.kind === 'fail') {
      return this.env.step(`${description}: no answer (never reached the network)`, () => {
        throw new CardNetworkTimeout(description);
      }, touches.map((t) => ({ ...t, write: false })));
    }
    const answered = fault ? ANSWERS[fault.kind as keyof typeof ANSWERS] : undefined;
    if (answered) {
      return this.env.step(`${description}: refused with ${answered[1]} ${answered[0]}`, () => {
        this.received.push(description);
        if (this.clock) this.receivedAt.push(this.clock.now());
        throw new CardNetworkRefusal(answered[0], answered[1], description);
      }, touches.map((t) => ({ ...t, write: false })));
    }
    return this.env.step(fault ? `${description}: carried out, reply lost` : description, () => {
      this.received.push(description);
      if (this.clock) this.receivedAt.push(this.clock.now());
      if (!fault) return effect();
      try {
        effect();
      } catch {
        // Refused, but the reply was lost all the same.
      }
      throw new CardNetworkTimeout(description);
    }, touches);
  }
}

/** Faults that are answers: the network refuses before doing anything. */
const ANSWERS = {
  unavailable: ['service_unavailable', 503],
  'server-error': ['api_error', 500],
  conflict: ['lock_timeout', 409],
  'bad-request': ['invalid_request', 400],
} as const;

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${k}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The payments table, as the service sees it: every call goes to a FakeStore, and the test can
 * make the n-th call (0-based, counted from when it asks) fail, before or after it landed.
 */
export class FlakyTable<V> {
  calls: { operation: StoreOperation; key: string }[] = [];
  private failAt?: { index: number; kind: 'fail' | 'fail-after-write'; outage: boolean };

  constructor(readonly store: FakeStore<V>) {
    markWorld(this);
  }

  /** The `index`-th store call from now fails (and, with `outage`, every call after it, until `heal`). */
  failCall(index: number, kind: 'fail' | 'fail-after-write', outage = false): void {
    this.failAt = { index: this.calls.length + index, kind, outage };
  }

  /** The store is back. */
  heal(): void {
    this.failAt = undefined;
  }

  get(key: string) {
    return this.route('get', key, () => this.store.get(key));
  }
  set(key: string, value: V) {
    return this.route('set', key, () => this.store.set(key, value));
  }
  setIfAbsent(key: string, value: V) {
    return this.route('setIfAbsent', key, () => this.store.setIfAbsent(key, value));
  }
  compareAndSet(key: string, expected: V, next: V) {
    return this.route('compareAndSet', key, () => this.store.compareAndSet(key, expected, next));
  }

  private route<T>(operation: StoreOperation, key: string, call: () => Promise<T>): Promise<T> {
    const failAt = this.failAt;
    if (failAt && (failAt.index === this.calls.length || (failAt.outage && failAt.index < this.calls.length))) {
      this.store.inject({ operation, key, kind: failAt.kind });
    }
    this.calls.push({ operation, key });
    return call();
  }
}
