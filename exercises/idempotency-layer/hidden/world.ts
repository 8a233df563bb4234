/**
 * The world the hidden suites build around the idempotency layer: a shared store of keys,
 * a clock, and a payments API behind the layer whose card charges the tests can count.
 */
import { Env, FakeClock, FakeStore } from 'bugbash/harness';
import { IdempotencyLayer } from '@impl/idempotency';
import { ApiError } from '@impl/types';
import type { ApiHandler, ApiRequest, ApiResponse, IdempotencyRecord } from '@impl/types';
import { IdempotencyLayer as RefIdempotencyLayer } from '@reference/idempotency';
import { ApiError as RefApiError } from '@reference/types';

export type Side = 'reference' | 'yours';

export const CHARGES = 'POST /v1/charges';
export const PAYMENT_INTENTS = 'POST /v1/payment_intents';

/** Customers whose payments behave in a particular way. */
export const ALICE = 'cus_alice';
export const BOB = 'cus_bob';
/** Their card is declined: a 402, no money moves. */
export const DECLINED = 'cus_declined';
/** Their card is charged, then the API fails writing the receipt: a 500 after money moved. */
export const FLAKY = 'cus_flaky';

/** A card charge that actually happened at the card network. */
export interface CardCharge {
  id: string;
  customer: string;
  amount: number;
  currency: string;
}

type ApiErrorClass = typeof ApiError | typeof RefApiError;

export type FailureMode = 'before-charge' | 'after-charge';

/** The payments API behind the layer. Every call is a step of the env. */
export class FakePaymentsApi implements ApiHandler {
  /** Charges made at the card network, in order. */
  readonly charges: CardCharge[] = [];
  private readonly failures: FailureMode[] = [];
  private hold: Promise<void> | undefined;
  private executionStarted: (() => void) | undefined;

  constructor(
    private readonly env: Env,
    private readonly ErrorClass: ApiErrorClass,
  ) {}

  /** The next executions fail unexpectedly, in the given ways. */
  failNext(...modes: FailureMode[]): void {
    this.failures.push(...modes);
  }

  /**
   * Makes the next executions wait (after charging) until `release` is called; resolves
   * `started` as soon as one is waiting.
   */
  holdExecutions(): { started: Promise<void>; release: () => void } {
    let release!: () => void;
    this.hold = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (this.executionStarted = resolve));
    return { started, release: () => { this.hold = undefined; release(); } };
  }

  async validate(request: ApiRequest): Promise<void> {
    await this.env.step(`payments API: validate ${request.endpoint}`, () => {
      const { amount, currency, customer } = request.params;
      if (request.endpoint !== CHARGES && request.endpoint !== PAYMENT_INTENTS) {
        throw new this.ErrorClass(404, 'invalid_request_error', 'resource_missing', `Unrecognized request URL (${request.endpoint}).`);
      }
      if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 50 || amount > 99_999_999) {
        throw new this.ErrorClass(400, 'invalid_request_error', 'amount_invalid', 'Invalid amount.');
      }
      if (typeof currency !== 'string' || !['usd', 'eur', 'gbp'].includes(currency)) {
        throw new this.ErrorClass(400, 'invalid_request_error', 'currency_invalid', 'Invalid currency.');
      }
      if (typeof customer !== 'string' || !customer.startsWith('cus_')) {
        throw new this.ErrorClass(400, 'invalid_request_error', 'resource_missing', 'No such customer.');
      }
    });
  }

  async execute(request: ApiRequest): Promise<ApiResponse> {
    const amount = request.params.amount as number;
    const currency = request.params.currency as string;
    const customer = request.params.customer as string;
    const failure = this.failures.shift();
    if (failure === 'before-charge') {
      await this.env.step('card network: unreachable', () => undefined);
      throw new Error('card network connection reset');
    }
    if (customer === DECLINED) {
      await this.env.step(`card network: ${customer}'s card declined`, () => undefined);
      return { status: 402, body: { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } } };
    }
    const charge = await this.env.step(`card network: charge ${amount} ${currency} to ${customer}`, () => {
      const made: CardCharge = { id: `ch_${this.charges.length + 1}`, customer, amount, currency };
      this.charges.push(made);
      return made;
    });
    if (this.hold) {
      this.executionStarted?.();
      await this.hold;
    }
    if (failure === 'after-charge' || customer === FLAKY) {
      await this.env.step('payments API: write receipt', () => {
        throw new Error('receipt store timed out');
      });
    }
    const object = request.endpoint === CHARGES ? 'charge' : 'payment_intent';
    const id = object === 'charge' ? charge.id : `pi_${charge.id.slice(3)}`;
    return { status: 200, body: { id, object, amount, currency, customer, status: 'succeeded' } };
  }
}

export interface Layer {
  handle(request: ApiRequest): Promise<ApiResponse>;
}

export interface World {
  env: Env;
  store: FakeStore<IdempotencyRecord>;
  clock: FakeClock;
  api: FakePaymentsApi;
  layer: Layer;
}

/** A fresh layer (yours, or the reference) over its own store, clock and payments API. */
export function buildWorld(env: Env = new Env(), side: Side = 'yours'): World {
  const store = new FakeStore<IdempotencyRecord>(env, 'idempotency_keys');
  const clock = new FakeClock();
  const api = new FakePaymentsApi(env, side === 'reference' ? RefApiError : ApiError);
  const layer: Layer = side === 'reference' ? new RefIdempotencyLayer(store, clock, api) : new IdempotencyLayer(store, clock, api);
  return { env, store, clock, api, layer };
}

/** A charge request as a client sends it. */
export function charge(
  key: string | undefined,
  params: Record<string, unknown> = { amount: 2000, currency: 'usd', customer: ALICE },
  options: { accountId?: string; endpoint?: string } = {},
): ApiRequest {
  return {
    accountId: options.accountId ?? 'acct_1',
    endpoint: options.endpoint ?? CHARGES,
    ...(key === undefined ? {} : { idempotencyKey: key }),
    params,
  };
}

/**
 * A response as a client reads it: error responses by status, type and code (messages are
 * free text), everything else exactly.
 */
export function view(response: ApiResponse): unknown {
  const body = response.body as { error?: { type?: unknown; code?: unknown } } | null;
  if (body && typeof body === 'object' && body.error && typeof body.error === 'object') {
    const { type, code } = body.error;
    return { status: response.status, error: code === undefined ? { type } : { type, code } };
  }
  return { status: response.status, body: response.body };
}

/** Runs one request through the layer inside the env, labelled for traces. */
export function send(world: World, label: string, request: ApiRequest): Promise<ApiResponse> {
  return world.env.run(label, () => world.layer.handle(request));
}

export const HOUR = 60 * 60 * 1000;
export const MINUTE = 60 * 1000;
