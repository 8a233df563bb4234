/**
 * The payments API behind the idempotency layer, as the hidden suites fake it: it validates
 * requests like the real charges endpoint, charges cards at a card network whose charges
 * the tests can count, and fails the way a real API does (a 500 after the card was charged).
 *
 * Independent of the implementation under test (no `@impl` import), so it has unit tests of
 * its own (test/exercises/idempotency-layer.fakes.test.ts).
 */
import { markWorld, type Env, type FakeClock, type Touch } from 'bugbash/harness';

export const CHARGES = 'POST /v1/charges';
export const PAYMENT_INTENTS = 'POST /v1/payment_intents';

/** Customers whose payments behave in a particular way. */
export const ALICE = 'cus_alice';
export const BOB = 'cus_bob';
/** Their card is declined: a 402, no money moves. */
export const DECLINED = 'cus_declined';
/** Their card is charged, then the API fails writing the receipt: a 500 after money moved. */
export const FLAKY = 'cus_flaky';
/**
 * Their card network charges the card, then does not confirm in time: the endpoint answers
 * 502 itself (a response, not a rejection), after money moved.
 */
export const UPSTREAM_TIMEOUT = 'cus_upstream_timeout';

/**
 * The customer database is unreachable when their request is validated: `validate` rejects
 * with the driver's error (an unexpected failure, not an ApiError), before anything ran.
 */
export const LOOKUP_DOWN = 'cus_lookup_down';
/** The driver's message for that failure: internal details no client may see. */
export const LOOKUP_FAILURE = 'connect ECONNREFUSED 10.20.4.17:5432 (customers-db-primary)';

export const SUPPORTED_CURRENCIES = ['usd', 'eur', 'gbp'];

/** The request shape the fake reads (the layer's ApiRequest). */
export interface FakeRequest {
  accountId: string;
  endpoint: string;
  idempotencyKey?: string;
  params: Record<string, unknown>;
}

export interface FakeResponse {
  status: number;
  body: unknown;
}

/** The layer's ApiError class: the fake throws the implementation's own, as the handler would. */
export type ApiErrorClass = new (status: number, type: string, code: string, message: string) => Error;

/** A card charge that actually happened at the card network. */
export interface CardCharge {
  id: string;
  customer: string;
  amount: number;
  currency: string;
}

/** One call of `execute`: a request that started executing (money may have moved). */
export interface Execution {
  accountId: string;
  /** The Idempotency-Key it carried, if any. */
  key: string | undefined;
  endpoint: string;
  at: number;
}

export type FailureMode = 'before-charge' | 'after-charge';

/** Nothing shared: validation reads only the request. */
const NOTHING: readonly Touch[] = [];
/** The card network: one ledger of charges (ids are sequential, so charges are ordered). */
const CARD_NETWORK: readonly Touch[] = [{ resource: 'card-network', write: true }];

/** The validation error the fake answers for a request, if any (also the tests' oracle). */
export function validationErrorOf(request: FakeRequest): { status: number; type: string; code: string; message: string } | undefined {
  const { amount, currency, customer } = request.params;
  if (request.endpoint !== CHARGES && request.endpoint !== PAYMENT_INTENTS) {
    return { status: 404, type: 'invalid_request_error', code: 'resource_missing', message: `Unrecognized request URL (${request.endpoint}).` };
  }
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 50 || amount > 99_999_999) {
    return { status: 400, type: 'invalid_request_error', code: 'amount_invalid', message: 'Invalid amount.' };
  }
  if (typeof currency !== 'string' || !SUPPORTED_CURRENCIES.includes(currency)) {
    return { status: 400, type: 'invalid_request_error', code: 'currency_invalid', message: 'Invalid currency.' };
  }
  if (typeof customer !== 'string' || !customer.startsWith('cus_')) {
    return { status: 400, type: 'invalid_request_error', code: 'resource_missing', message: 'No such customer.' };
  }
  return undefined;
}

/** The payments API behind the layer (the layer's ApiHandler). Every call is a step of the env. */
export class FakePaymentsApi {
  /** Charges made at the card network, in order. */
  readonly charges: CardCharge[] = [];
  /** Every call of execute, in order: what "the request ran" means. */
  readonly executions: Execution[] = [];
  /** Card declines answered, in order (each one was a try at the card network). */
  readonly declines: string[] = [];
  private readonly failures: FailureMode[] = [];
  private crashes = 0;
  /** Executions whose server died (see crashNext). */
  crashed = 0;
  private hold: Promise<void> | undefined;
  private executionStarted: (() => void) | undefined;

  constructor(
    private readonly env: Env,
    private readonly clock: FakeClock,
    private readonly ErrorClass: ApiErrorClass,
  ) {
    markWorld(this);
  }

  /** The next executions fail unexpectedly, in the given ways. */
  failNext(...modes: FailureMode[]): void {
    this.failures.push(...modes);
  }

  /** The server running the next execution dies before it reaches the card network: the call never returns. */
  crashNext(): void {
    this.crashes += 1;
  }

  /**
   * Makes the next executions wait (after charging) until `release` is called; resolves
   * `started` as soon as one is waiting.
   */
  holdExecutions(): { started: Promise<void>; release: () => void } {
    let release!: () => void;
    this.hold = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => (this.executionStarted = resolve));
    return {
      started,
      release: () => {
        this.hold = undefined;
        release();
      },
    };
  }

  async validate(request: FakeRequest): Promise<void> {
    await this.env.step(
      `payments API: validate ${request.endpoint}`,
      () => {
        const error = validationErrorOf(request);
        if (error) throw new this.ErrorClass(error.status, error.type, error.code, error.message);
        if (request.params.customer === LOOKUP_DOWN) throw new Error(LOOKUP_FAILURE);
      },
      NOTHING,
    );
  }

  async execute(request: FakeRequest): Promise<FakeResponse> {
    // A request the real endpoint would have refused never reaches execution in a correct layer;
    // the fake still refuses it rather than charging a card with a bad amount.
    const invalid = validationErrorOf(request);
    if (invalid) throw new this.ErrorClass(invalid.status, invalid.type, invalid.code, invalid.message);
    if (this.crashes > 0) {
      this.crashes -= 1;
      this.crashed += 1;
      await new Promise<never>(() => undefined);
    }
    const amount = request.params.amount as number;
    const currency = request.params.currency as string;
    const customer = request.params.customer as string;
    const failure = this.failures.shift();
    const execution: Execution = { accountId: request.accountId, key: request.idempotencyKey, endpoint: request.endpoint, at: this.clock.now() };
    if (failure === 'before-charge') {
      await this.env.step('card network: unreachable', () => void this.executions.push(execution), CARD_NETWORK);
      throw new Error('card network connection reset');
    }
    if (customer === DECLINED) {
      await this.env.step(
        `card network: ${customer}'s card declined`,
        () => {
          this.executions.push(execution);
          this.declines.push(customer);
        },
        CARD_NETWORK,
      );
      return { status: 402, body: { error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' } } };
    }
    const charge = await this.env.step(
      `card network: charge ${amount} ${currency} to ${customer}`,
      () => {
        this.executions.push(execution);
        const made: CardCharge = { id: `ch_${this.charges.length + 1}`, customer, amount, currency };
        this.charges.push(made);
        return made;
      },
      CARD_NETWORK,
    );
    if (this.hold) {
      this.executionStarted?.();
      await this.hold;
    }
    if (failure === 'after-charge' || customer === FLAKY) {
      await this.env.step(
        'payments API: write receipt',
        () => {
          throw new Error('receipt store timed out');
        },
        NOTHING,
      );
    }
    if (customer === UPSTREAM_TIMEOUT) {
      return { status: 502, body: { error: { type: 'api_error', code: 'card_network_timeout', message: 'The card network did not confirm the charge in time.' } } };
    }
    const object = request.endpoint === CHARGES ? 'charge' : 'payment_intent';
    const id = object === 'charge' ? charge.id : `pi_${charge.id.slice(3)}`;
    return { status: 200, body: { id, object, amount, currency, customer, status: 'succeeded' } };
  }
}
