/**
 * The services around a CheckoutSaga, as the hidden suites fake them: a card processor, an
 * inventory service, a carrier and an event bus that behave like the real ones (idempotency
 * keys with replay, lost responses, 503s, refusals of what the real service refuses), and
 * the saga and outbox tables as fake stores that can drop a write.
 *
 * Every downstream call is a step of the test's Env that declares what it touches, so it
 * shows up in traces and, under `explore`, lands when the scheduler says so. Nothing here
 * imports the implementation: the error class to throw is passed in.
 */
import { FakeStore, describeValue, markWorld, type Env, type Touch } from 'bugbash/harness';
import type { Charge, ChargeRequest, DomainEvent, LineItem, OutboxEvent, Refund, Reservation, SagaRecord, Shipment } from '@impl/types';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const DECLINED_CARD = 'pm_card_chargeDeclined';
/** Addresses containing this are rejected by the carrier with 400 address_invalid. */
export const UNDELIVERABLE = 'Nowhere';

/** How a scripted call fails, before or after the service did its work. */
export type Fault =
  /** 503: the service refused before doing anything. */
  | 'unavailable'
  /** 500: the service failed before doing anything. */
  | 'server-error'
  /** 409: another request with the same key is in progress (Stripe's lock_timeout). */
  | 'conflict'
  /** 429: too many requests — an answer, and final. */
  | 'rate-limited'
  /** No answer, and the request never reached the service. */
  | 'timeout'
  /** The service did the work, but the answer was lost on the way back (no answer). */
  | 'lost-response'
  /** The call goes through as usual: scripts a later call's fault. */
  | 'answers';

export type RemoteErrorClass = new (code: string, status?: number, shouldRetry?: boolean, message?: string) => Error;

/** A downstream call as one Env step; a failure is shown in the trace and then thrown. */
async function remote<T>(env: Env, description: string, touches: readonly Touch[], effect: () => T): Promise<T> {
  let failure: unknown;
  const value = await env.step(description, () => {
    try {
      return effect();
    } catch (error) {
      failure = error;
      const { code, status } = error as { code?: string; status?: number };
      return `failed: ${code}${status === undefined ? ' (no response)' : ` (${status})`}` as unknown as T;
    }
  }, touches);
  if (failure !== undefined) throw failure;
  return value;
}

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

/** Each service is one resource: its calls share counters (ids) and the scripted faults. */
const PAYMENTS: Touch[] = [{ resource: 'payments', write: true }];
const INVENTORY: Touch[] = [{ resource: 'inventory', write: true }];
const SHIPPING: Touch[] = [{ resource: 'shipping', write: true }];
const BUS: Touch[] = [{ resource: 'bus', write: true }];

class Script {
  private readonly queues = new Map<string, Fault[]>();
  add(operation: string, faults: Fault[]): void {
    this.queues.set(operation, [...(this.queues.get(operation) ?? []), ...faults]);
  }
  next(operation: string): Fault | undefined {
    return this.queues.get(operation)?.shift();
  }
  clear(): void {
    this.queues.clear();
  }
}

/** Applies the scripted fault that strikes before the service does anything. */
function before(fault: Fault | undefined, Remote: RemoteErrorClass): void {
  if (fault === 'unavailable') throw new Remote('service_unavailable', 503);
  if (fault === 'server-error') throw new Remote('api_error', 500);
  if (fault === 'conflict') throw new Remote('lock_timeout', 409);
  if (fault === 'rate-limited') throw new Remote('rate_limit', 429);
  if (fault === 'timeout') throw new Remote('network_timeout');
}

function after(fault: Fault | undefined, Remote: RemoteErrorClass): void {
  if (fault === 'lost-response') throw new Remote('network_timeout');
}

/** A card processor with Stripe's idempotency semantics. */
export class FakePayments {
  /** Every charge the processor actually executed, in order (replays are not new charges). */
  readonly charges: (Charge & { orderId: string })[] = [];
  readonly refunds: Refund[] = [];
  /** Every createCharge call made, including those that failed on the way. */
  chargeCalls = 0;
  private readonly chargesByKey = new Map<string, { request: ChargeRequest; charge: Charge }>();
  private readonly refundsByKey = new Map<string, { params: string; refund: Refund }>();
  private readonly script = new Script();

  constructor(
    private readonly env: Env,
    private readonly Remote: RemoteErrorClass,
  ) {
    markWorld(this);
  }

  fail(operation: 'createCharge' | 'findCharge' | 'createRefund', ...faults: Fault[]): void {
    this.script.add(operation, faults);
  }

  /** The network to the processor is healthy again: scripted faults not yet used are dropped. */
  recover(): void {
    this.script.clear();
  }

  createCharge(request: ChargeRequest, idempotencyKey: string): Promise<Charge> {
    return remote(this.env, `payments.createCharge(${request.amount} ${request.currency}, key ${JSON.stringify(idempotencyKey)})`, PAYMENTS, () => {
      this.chargeCalls += 1;
      const fault = this.script.next('createCharge');
      before(fault, this.Remote);
      let saved = this.chargesByKey.get(idempotencyKey);
      if (saved && stable(saved.request) !== stable(request)) {
        throw new this.Remote('idempotency_error', 400, false, 'Keys for idempotent requests can only be used with the same parameters they were first used with');
      }
      if (!saved) {
        const declined = request.paymentMethod === DECLINED_CARD;
        const charge: Charge = {
          id: `ch_${this.charges.length + 1}`,
          amount: request.amount,
          currency: request.currency,
          status: declined ? 'failed' : 'succeeded',
          ...(declined ? { failureCode: 'card_declined' } : {}),
        };
        this.charges.push({ ...charge, orderId: request.orderId });
        saved = { request: structuredClone(request), charge };
        this.chargesByKey.set(idempotencyKey, saved);
      }
      after(fault, this.Remote);
      if (saved.charge.status === 'failed') throw new this.Remote('card_declined', 402);
      return structuredClone(saved.charge);
    });
  }

  findCharge(idempotencyKey: string): Promise<Charge | undefined> {
    return remote(this.env, `payments.findCharge(key ${JSON.stringify(idempotencyKey)})`, PAYMENTS, () => {
      const fault = this.script.next('findCharge');
      before(fault, this.Remote);
      const found = this.chargesByKey.get(idempotencyKey)?.charge;
      after(fault, this.Remote);
      return found ? structuredClone(found) : undefined;
    });
  }

  createRefund(chargeId: string, amount: number, idempotencyKey: string): Promise<Refund> {
    return remote(this.env, `payments.createRefund(${chargeId}, ${amount}, key ${JSON.stringify(idempotencyKey)})`, PAYMENTS, () => {
      const fault = this.script.next('createRefund');
      before(fault, this.Remote);
      const params = stable({ chargeId, amount });
      let saved = this.refundsByKey.get(idempotencyKey);
      if (saved && saved.params !== params) throw new this.Remote('idempotency_error', 400, false);
      if (!saved) {
        const charge = this.charges.find((c) => c.id === chargeId && c.status === 'succeeded');
        if (!charge) throw new this.Remote('resource_missing', 404, false);
        const refunded = this.refundedOn(chargeId);
        if (refunded >= charge.amount) throw new this.Remote('charge_already_refunded', 400, false);
        if (!Number.isInteger(amount) || amount <= 0 || refunded + amount > charge.amount) {
          throw new this.Remote('amount_too_large', 400, false, `at most ${charge.amount - refunded} can be refunded`);
        }
        const refund: Refund = { id: `re_${this.refunds.length + 1}`, chargeId, amount };
        this.refunds.push(refund);
        saved = { params, refund };
        this.refundsByKey.set(idempotencyKey, saved);
      }
      after(fault, this.Remote);
      return structuredClone(saved.refund);
    });
  }

  refundedOn(chargeId: string): number {
    return this.refunds.filter((r) => r.chargeId === chargeId).reduce((sum, r) => sum + r.amount, 0);
  }

  /** Money taken from the customer's card: succeeded charges. */
  charged(): number {
    return this.charges.filter((c) => c.status === 'succeeded').reduce((sum, c) => sum + c.amount, 0);
  }

  refunded(): number {
    return this.refunds.reduce((sum, r) => sum + r.amount, 0);
  }
}

export class FakeInventory {
  private readonly stock: Map<string, number>;
  private readonly reservations = new Map<string, { orderId: string; items: LineItem[]; released: boolean }>();
  private readonly byKey = new Map<string, Reservation>();
  private readonly script = new Script();
  /** Every reserve call made, including those that failed on the way. */
  reserveCalls = 0;

  constructor(
    private readonly env: Env,
    private readonly Remote: RemoteErrorClass,
    stock: Record<string, number>,
  ) {
    this.stock = new Map(Object.entries(stock));
    markWorld(this);
  }

  fail(operation: 'reserve' | 'release', ...faults: Fault[]): void {
    this.script.add(operation, faults);
  }

  reserve(orderId: string, items: LineItem[], idempotencyKey: string): Promise<Reservation> {
    return remote(this.env, `inventory.reserve(${orderId}, key ${JSON.stringify(idempotencyKey)})`, INVENTORY, () => {
      this.reserveCalls += 1;
      const fault = this.script.next('reserve');
      before(fault, this.Remote);
      let reservation = this.byKey.get(idempotencyKey);
      if (!reservation) {
        if (items.some((item) => (this.stock.get(item.sku) ?? 0) < item.quantity)) {
          throw new this.Remote('insufficient_stock', 422, false);
        }
        for (const item of items) this.stock.set(item.sku, (this.stock.get(item.sku) ?? 0) - item.quantity);
        reservation = { id: `res_${this.reservations.size + 1}`, orderId };
        this.reservations.set(reservation.id, { orderId, items: structuredClone(items), released: false });
        this.byKey.set(idempotencyKey, reservation);
      }
      after(fault, this.Remote);
      return structuredClone(reservation);
    });
  }

  release(reservationId: string, idempotencyKey: string): Promise<void> {
    return remote(this.env, `inventory.release(${reservationId}, key ${JSON.stringify(idempotencyKey)})`, INVENTORY, () => {
      const fault = this.script.next('release');
      before(fault, this.Remote);
      const reservation = this.reservations.get(reservationId);
      if (!reservation) throw new this.Remote('reservation_not_found', 404, false);
      if (!reservation.released) {
        reservation.released = true;
        for (const item of reservation.items) this.stock.set(item.sku, (this.stock.get(item.sku) ?? 0) + item.quantity);
      }
      after(fault, this.Remote);
    });
  }

  /** Units on the shelf (not held by a live reservation), by sku. */
  available(): Record<string, number> {
    return Object.fromEntries([...this.stock.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Reservations still holding stock. */
  held(): number {
    return [...this.reservations.values()].filter((r) => !r.released).length;
  }
}

export class FakeShipping {
  readonly shipments: { id: string; orderId: string }[] = [];
  private readonly byKey = new Map<string, Shipment>();
  private readonly script = new Script();

  constructor(
    private readonly env: Env,
    private readonly Remote: RemoteErrorClass,
  ) {
    markWorld(this);
  }

  fail(...faults: Fault[]): void {
    this.script.add('createShipment', faults);
  }

  createShipment(orderId: string, address: string, _items: LineItem[], idempotencyKey: string): Promise<Shipment> {
    return remote(this.env, `shipping.createShipment(${orderId}, key ${JSON.stringify(idempotencyKey)})`, SHIPPING, () => {
      const fault = this.script.next('createShipment');
      before(fault, this.Remote);
      let shipment = this.byKey.get(idempotencyKey);
      if (!shipment) {
        if (address.includes(UNDELIVERABLE)) throw new this.Remote('address_invalid', 400, false);
        const n = this.shipments.length + 1;
        shipment = { id: `shp_${n}`, trackingNumber: `1Z999AA1${String(n).padStart(8, '0')}` };
        this.shipments.push({ id: shipment.id, orderId });
        this.byKey.set(idempotencyKey, shipment);
      }
      after(fault, this.Remote);
      return structuredClone(shipment);
    });
  }
}

/** A broker that delivers whatever it is given (no deduplication). */
export class FakeBus {
  readonly published: DomainEvent[] = [];
  private readonly script = new Script();

  constructor(
    private readonly env: Env,
    private readonly Remote: RemoteErrorClass,
  ) {
    markWorld(this);
  }

  fail(...faults: Fault[]): void {
    this.script.add('publish', faults);
  }

  publish(event: DomainEvent): Promise<void> {
    return remote(this.env, `bus.publish(${event.id})`, BUS, () => {
      const fault = this.script.next('publish');
      before(fault, this.Remote);
      this.published.push(structuredClone(event));
      after(fault, this.Remote);
    });
  }

  /** How many times each event id was published. */
  deliveries(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const event of this.published) counts[event.id] = (counts[event.id] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** A write that fails: before it lands (nothing written) or after (written, but the caller is told it failed). */
export type WriteFailure = 'fail' | 'fail-after-write';

export class StoreConnectionError extends Error {
  override name = 'StoreConnectionError';
  constructor(store: string) {
    super(`${store}: connection reset by peer`);
  }
}

/**
 * The first write (set, setIfAbsent or compareAndSet, whichever the code uses) that matches a
 * planned failure fails like a dropped connection. Reads are never failed.
 */
class DoomedWrites<V> {
  private readonly planned: { when: (key: string, value: V) => boolean; kind: WriteFailure }[] = [];

  constructor(
    private readonly env: Env,
    private readonly store: string,
  ) {}

  plan(when: (key: string, value: V) => boolean, kind: WriteFailure): void {
    this.planned.push({ when, kind });
  }

  async write<T>(key: string, value: V, write: () => Promise<T>): Promise<T> {
    const index = this.planned.findIndex((p) => p.when(key, value));
    if (index < 0) return write();
    const { kind } = this.planned.splice(index, 1)[0]!;
    if (kind === 'fail') {
      await this.env.step(`${this.store} write ${JSON.stringify(key)} ${describeValue(value)} → connection reset, nothing written`, () => undefined, [
        { resource: this.store, key, write: false },
      ]);
    } else {
      await write();
      this.env.note(`${this.store} write ${JSON.stringify(key)} landed, then the connection reset`);
    }
    throw new StoreConnectionError(this.store);
  }
}

/** The outbox table: a fake store that can also list the rows not sent yet. */
export class FakeOutbox extends FakeStore<OutboxEvent> {
  private readonly doomed: DoomedWrites<OutboxEvent>;

  constructor(
    private readonly world: Env,
    initial: Record<string, OutboxEvent> = {},
  ) {
    super(world, 'outbox', initial);
    this.doomed = new DoomedWrites(world, 'outbox');
  }

  /** The first write of the row `id` fails (see WriteFailure). */
  failWrite(id: string, kind: WriteFailure = 'fail'): void {
    this.doomed.plan((key) => key === id, kind);
  }

  /** A table scan: conflicts with every write to the outbox. */
  unsent(): Promise<OutboxEvent[]> {
    return this.world.step(
      'outbox.unsent()',
      () =>
        Object.values(this.snapshot())
          .filter((event) => event.status !== 'sent')
          .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id)),
      [{ resource: 'outbox', write: false }],
    );
  }

  override set(key: string, value: OutboxEvent): Promise<void> {
    return this.doomed.write(key, value, () => super.set(key, value));
  }

  override setIfAbsent(key: string, value: OutboxEvent): Promise<boolean> {
    return this.doomed.write(key, value, () => super.setIfAbsent(key, value));
  }

  override compareAndSet(key: string, expected: OutboxEvent | undefined, next: OutboxEvent): Promise<boolean> {
    return this.doomed.write(key, next, () => super.compareAndSet(key, expected, next));
  }

  /** Status of every row, by id. */
  statuses(): Record<string, OutboxEvent['status']> {
    return Object.fromEntries(Object.entries(this.snapshot()).map(([id, event]) => [id, event.status]));
  }
}

/** The saga table, with the option of making one write fail (the store or the worker died). */
export class FlakySagaStore extends FakeStore<SagaRecord> {
  private readonly doomed: DoomedWrites<SagaRecord>;

  constructor(world: Env) {
    super(world, 'sagas');
    this.doomed = new DoomedWrites(world, 'sagas');
  }

  /** The first write whose new value matches `when` fails, as if the connection dropped. */
  failWrite(when: (record: SagaRecord) => boolean, kind: WriteFailure = 'fail'): void {
    this.doomed.plan((_key, record) => when(record), kind);
  }

  override set(key: string, value: SagaRecord): Promise<void> {
    return this.doomed.write(key, value, () => super.set(key, value));
  }

  override setIfAbsent(key: string, value: SagaRecord): Promise<boolean> {
    return this.doomed.write(key, value, () => super.setIfAbsent(key, value));
  }

  override compareAndSet(key: string, expected: SagaRecord | undefined, next: SagaRecord): Promise<boolean> {
    return this.doomed.write(key, next, () => super.compareAndSet(key, expected, next));
  }
}
