/**
 * The card network and id generator of the auth-capture world, with the semantics of a real
 * acquirer: a hold is captured at most once, a released (voided) hold cannot be captured,
 * a capture never exceeds the hold. Kept free of `@impl` imports so that our own unit tests
 * (test/exercises/auth-capture.fakes.test.ts) can exercise them directly.
 */
import { markWorld, type Env } from 'bugbash/harness';

/** Stripe-style test payment methods: these two are approved, the declined ones are not. */
export const VISA = 'pm_card_visa';
export const MASTERCARD = 'pm_card_mastercard';
export const DECLINED = 'pm_card_chargeDeclined';
export const DECLINED_INSUFFICIENT_FUNDS = 'pm_card_chargeDeclinedInsufficientFunds';

/** The shapes of the service's CardNetwork interface, restated so this file stands alone. */
export interface AuthorizationRequest {
  amount: number;
  currency: string;
  payment_method: string;
  reference: string;
}

export type AuthorizationResult = { outcome: 'approved'; authorization_id: string } | { outcome: 'declined'; decline_code: string };

/** One hold on a customer's card, as the card network sees it. */
export interface Hold {
  authorization_id: string;
  payment_method: string;
  amount: number;
  currency: string;
  /** The payment intent the hold was placed for (the `reference` of the authorization). */
  reference: string;
  /** Amount of every capture the network accepted, in order (at most one). */
  captures: number[];
  /** When each accepted capture happened (clock milliseconds), in order. */
  captured_at: number[];
  /** Whether the hold was released: voided before a capture, or its remainder given back after one. */
  released: boolean;
}

/** Why the network turned a call down; no money moved and the hold did not change. */
export type RefusalReason =
  | 'no_such_authorization'
  | 'authorization_already_captured'
  | 'authorization_released'
  | 'capture_exceeds_hold'
  | 'capture_amount_invalid'
  | 'authorization_already_released'
  | 'nothing_left_to_release';

export interface Refusal {
  call: string;
  reason: RefusalReason;
}

/** What the card network answers to a call it refuses. */
export class CardNetworkRefusal extends Error {
  constructor(
    readonly code: RefusalReason,
    call: string,
  ) {
    super(`the card network refused ${call}: ${code}`);
    this.name = 'CardNetworkRefusal';
  }
}

const REFUSAL_IN_WORDS: Record<RefusalReason, string> = {
  no_such_authorization: 'there is no such authorization',
  authorization_already_captured: 'the authorization was already captured: a second charge of the same hold',
  authorization_released: 'the hold had already been released (voided): money was to be collected on an authorization the customer was told is given back',
  capture_exceeds_hold: 'the capture is larger than the hold: the customer would pay more than they authorized',
  capture_amount_invalid: 'the capture amount is not a positive whole number of cents',
  authorization_already_released: 'the hold had already been released',
  nothing_left_to_release: 'the hold was fully captured, so there is nothing left to release',
};

export function describeRefusal(refusal: Refusal): string {
  return `${refusal.call}: ${REFUSAL_IN_WORDS[refusal.reason]}`;
}

/**
 * The card network through our acquirer. Every call is a step of the env that declares the
 * authorization it touches. A call a real network refuses (a second capture, a capture after a
 * release, a capture larger than the hold, a release of a hold that was released or fully
 * captured) changes nothing, is recorded in `refusals` and rejects with CardNetworkRefusal.
 */
export class FakeCardNetwork {
  readonly holds = new Map<string, Hold>();
  readonly refusals: Refusal[] = [];
  private issued = 0;

  constructor(
    private readonly env: Env,
    private readonly now: () => number = () => 0,
    seeded: Hold[] = [],
  ) {
    markWorld(this);
    for (const hold of seeded) this.holds.set(hold.authorization_id, structuredClone(hold));
  }

  authorize(request: AuthorizationRequest): Promise<AuthorizationResult> {
    // Issuing the next authorization id reads and bumps a counter shared by every hold.
    return this.env.step(
      `network.authorize(${request.amount} ${request.currency} on ${request.payment_method})`,
      (): AuthorizationResult => {
        if (request.payment_method === DECLINED) return { outcome: 'declined', decline_code: 'generic_decline' };
        if (request.payment_method === DECLINED_INSUFFICIENT_FUNDS) return { outcome: 'declined', decline_code: 'insufficient_funds' };
        this.issued += 1;
        const id = `auth_${this.issued}`;
        this.holds.set(id, {
          authorization_id: id,
          payment_method: request.payment_method,
          amount: request.amount,
          currency: request.currency,
          reference: request.reference,
          captures: [],
          captured_at: [],
          released: false,
        });
        return { outcome: 'approved', authorization_id: id };
      },
      [{ resource: 'network', write: true }],
    );
  }

  async capture(authorizationId: string, amount: number): Promise<void> {
    const call = `network.capture(${authorizationId}, ${amount})`;
    const refused = await this.env.step(
      call,
      (): RefusalReason | undefined => {
        const hold = this.holds.get(authorizationId);
        const reason = !hold
          ? 'no_such_authorization'
          : hold.captures.length > 0
            ? 'authorization_already_captured'
            : hold.released
              ? 'authorization_released'
              : typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0
                ? 'capture_amount_invalid'
                : amount > hold.amount
                  ? 'capture_exceeds_hold'
                  : undefined;
        if (reason) return this.refuse(call, reason);
        hold!.captures.push(amount);
        hold!.captured_at.push(this.now());
        return undefined;
      },
      [{ resource: 'network', key: authorizationId, write: true }],
    );
    if (refused) throw new CardNetworkRefusal(refused, call);
  }

  async release(authorizationId: string): Promise<void> {
    const call = `network.release(${authorizationId})`;
    const refused = await this.env.step(
      call,
      (): RefusalReason | undefined => {
        const hold = this.holds.get(authorizationId);
        const reason = !hold
          ? 'no_such_authorization'
          : hold.released
            ? 'authorization_already_released'
            : captured(hold) >= hold.amount
              ? 'nothing_left_to_release'
              : undefined;
        if (reason) return this.refuse(call, reason);
        hold!.released = true;
        return undefined;
      },
      [{ resource: 'network', key: authorizationId, write: true }],
    );
    if (refused) throw new CardNetworkRefusal(refused, call);
  }

  private refuse(call: string, reason: RefusalReason): RefusalReason {
    this.refusals.push({ call, reason });
    return reason;
  }

  /** Total collected from the customer over all holds. */
  totalCaptured(): number {
    return [...this.holds.values()].reduce((sum, hold) => sum + captured(hold), 0);
  }

  /** Holds placed for one payment intent. */
  holdsFor(reference: string): Hold[] {
    return [...this.holds.values()].filter((hold) => hold.reference === reference);
  }

  /** What each hold looks like from the customer's bank statement. */
  summary(): Record<string, { amount: number; captured: number[]; still_held: number }> {
    const out: Record<string, { amount: number; captured: number[]; still_held: number }> = {};
    for (const [id, hold] of this.holds) out[id] = { amount: hold.amount, captured: [...hold.captures], still_held: stillHeld(hold) };
    return out;
  }
}

/** What was collected from a hold. */
export function captured(hold: Hold): number {
  return hold.captures.reduce((a, b) => a + b, 0);
}

/**
 * What the hold still blocks on the card. A release gives back everything not captured; a
 * capture takes its amount and leaves the rest blocked until released. The network refuses a
 * capture after a release, so "released, then captured" never happens.
 */
export function stillHeld(hold: Hold): number {
  if (hold.released) return 0;
  return hold.amount - captured(hold);
}

/** Ids `pi_0001`, `pi_0002`, … in call order: both sides of a comparison see the same ids. */
export class SequentialIds {
  private issued = 0;

  constructor() {
    markWorld(this);
  }

  next(prefix: string): string {
    this.issued += 1;
    return `${prefix}_${String(this.issued).padStart(4, '0')}`;
  }
}
