/**
 * Builders and worlds shared by the webhooks suites. Signatures are computed with node:crypto
 * directly (hidden/fakes.ts), so the tests never depend on the signing code under test.
 *
 * The wallet endpoint runs as several instances behind a load balancer (the brief says so):
 * race tests deliver to two receivers built from separate module instances over the same
 * tables, so in-process state does not serialise them, as it would not in production.
 */
import { Env, FakeClock, FakeStore, errorCode, markWorld } from 'bugbash/harness';
import type { HttpClient, ProcessedEvent, TopUp, WebhookEvent } from '@impl/types';
import { SignatureVerifier } from '@impl/signature';
import { WebhookReceiver } from '@impl/receiver';
import { SignatureVerifier as SignatureVerifier2 } from '@impl/signature?instance=2';
import { WebhookReceiver as WebhookReceiver2 } from '@impl/receiver?instance=2';
import { WebhookDispatcher } from '@impl/dispatcher';
import { SignatureVerifier as RefSignatureVerifier } from '@reference/signature';
import { WebhookReceiver as RefWebhookReceiver } from '@reference/receiver';
import { WebhookDispatcher as RefWebhookDispatcher } from '@reference/dispatcher';
import { FakeWallets, FlakyTable, OLD_SECRET, SECRET, hmac, signedAt, type Credit } from './fakes';

export { OLD_SECRET, SECRET, hmac, type Credit };

export type Side = 'yours' | 'reference';

/** The FakeClock's default time, 2026-01-15T12:00:00Z. */
export const NOW_MS = new FakeClock().now();
export const NOW = Math.floor(NOW_MS / 1000);
/** When the test payment intents were created: a minute before "now". */
export const INTENT_CREATED = NOW - 60;

/** `t=…,v1=…` signed by each secret in order, as a sender would build it. */
export function signed(body: string, timestamp = NOW, secrets: string[] = [SECRET]): string {
  return signedAt(body, timestamp, secrets);
}

export type Kind = 'created' | 'processing' | 'succeeded' | 'payment_failed' | 'canceled';

const STATUS_AFTER: Record<Kind, TopUp['status']> = {
  created: 'requires_payment_method',
  processing: 'processing',
  succeeded: 'succeeded',
  payment_failed: 'requires_payment_method',
  canceled: 'canceled',
};

export interface EventSpec {
  id?: string;
  intent?: string;
  /** Seconds after the payment intent was created. */
  at?: number;
  amount?: number;
  amountReceived?: number;
  currency?: string;
  customer?: string;
  type?: string;
}

/** A payment intent event as Stripe would send it for a wallet top-up. */
export function topUpEvent(kind: Kind, spec: EventSpec = {}): WebhookEvent {
  const intent = spec.intent ?? 'pi_3Q7topup';
  const amount = spec.amount ?? 2500;
  const at = spec.at ?? { created: 0, processing: 1, succeeded: 2, payment_failed: 2, canceled: 3 }[kind];
  return {
    id: spec.id ?? `evt_${intent.slice(3)}_${kind}`,
    object: 'event',
    type: spec.type ?? `payment_intent.${kind}`,
    created: INTENT_CREATED + at,
    data: {
      object: {
        id: intent,
        object: 'payment_intent',
        amount,
        amount_received: spec.amountReceived ?? (kind === 'succeeded' ? amount : 0),
        currency: spec.currency ?? 'usd',
        status: STATUS_AFTER[kind],
        created: INTENT_CREATED,
        metadata: { customer_id: spec.customer ?? 'cus_wallet42' },
      },
    },
  };
}

/** The compact body most senders (and these tests) use. */
export function compact(event: unknown): string {
  return JSON.stringify(event);
}

/** The pretty-printed body Stripe sends. */
export function pretty(event: unknown): string {
  return JSON.stringify(event, null, 2);
}

export interface ReceiverWorldOptions {
  side?: Side;
  secret?: string;
  /** The first n wallet credits fail, as if the wallet service were down. */
  creditFailures?: number;
  /** The first n writes to top_ups fail, as if the database connection dropped. */
  topUpWriteFailures?: number;
  /** Check the money and dedupe invariants after every write (default true). */
  invariants?: boolean;
}

export interface DeliverOptions {
  /** Which endpoint instance the load balancer hands the request to (1 or 2). */
  on?: 1 | 2;
  /** The raw body as sent (default: compact JSON of the event). */
  body?: string;
  /** The Stripe-Signature header (default: signed now with the endpoint's secret over the body). */
  header?: string;
}

type Receiver = { handle(rawBody: string, header: string): Promise<{ eventId: string; status: string }> };

export function receiverWorld(env: Env, options: ReceiverWorldOptions = {}) {
  const clock = new FakeClock();
  const processedEvents = new FakeStore<ProcessedEvent>(env, 'processed_events');
  const topUpTable = new FakeStore<TopUp>(env, 'top_ups');
  const topUps = new FlakyTable(env, topUpTable).failNextWrites(options.topUpWriteFailures ?? 0);
  const wallets = new FakeWallets(env).failNext(options.creditFailures ?? 0);
  const credits = wallets.credits;

  const secret = options.secret ?? SECRET;
  const deps = { processedEvents, topUps, wallets, clock };
  const receivers: Receiver[] =
    options.side === 'reference'
      ? [new RefWebhookReceiver({ ...deps, verifier: new RefSignatureVerifier(secret, clock) })]
      : [
          env.track(new WebhookReceiver({ ...deps, verifier: env.track(new SignatureVerifier(secret, clock)) })),
          env.track(new WebhookReceiver2({ ...deps, verifier: env.track(new SignatureVerifier2(secret, clock)) })),
        ];
  if (options.side === 'reference') env.track(receivers[0]!);

  /** Every event handed to the endpoint, by id: what the invariants compare against. */
  const sent = markWorld(new Map<string, WebhookEvent>());
  const endpoints: Receiver[] = receivers.map((receiver) => ({
    handle: (rawBody: string, header: string) => {
      try {
        const event = JSON.parse(rawBody) as WebhookEvent;
        if (typeof event?.id === 'string' && event.data?.object) sent.set(event.id, event);
      } catch {
        // Not JSON: the receiver refuses it; nothing to remember.
      }
      return receiver.handle(rawBody, header);
    },
  }));
  const deliver = (event: WebhookEvent, how: DeliverOptions = {}) => {
    const body = how.body ?? compact(event);
    const endpoint = endpoints[(how.on ?? 1) - 1] ?? endpoints[0]!;
    return endpoint.handle(body, how.header ?? signed(body));
  };

  if (options.invariants ?? true) {
    env.invariant('no succeeded top-up is credited to the wallet more than once', () => {
      const owed = new Map<string, number>();
      for (const event of sent.values()) {
        if (event.type !== 'payment_intent.succeeded') continue;
        const intent = event.data.object;
        const key = `${intent.metadata.customer_id} ${intent.amount_received} ${intent.currency}`;
        owed.set(key, (owed.get(key) ?? 0) + 1);
      }
      const made = new Map<string, number>();
      for (const credit of credits) {
        const key = `${credit.customerId} ${credit.amount} ${credit.currency}`;
        made.set(key, (made.get(key) ?? 0) + 1);
        if (made.get(key)! > (owed.get(key) ?? 0)) return `${credit.customerId} was credited ${credit.amount} ${credit.currency} ${made.get(key)} times for ${owed.get(key) ?? 0} succeeded event(s)`;
      }
      return true;
    });
    const processed = new Set<string>();
    env.invariant('an event recorded as processed stays recorded (a later redelivery must be a duplicate)', () => {
      for (const id of processed) {
        const row = processedEvents.peek(id);
        if (row?.status !== 'processed') return `processed_events["${id}"] went from processed to ${row ? JSON.stringify(row.status) : 'missing'}`;
      }
      for (const [id, row] of Object.entries(processedEvents.snapshot())) if (row.status === 'processed') processed.add(id);
      return true;
    });
    const newest = new Map<string, number>();
    env.invariant('a top-up row is never rewritten from an event older than the one it was written from', () => {
      for (const row of topUpTable.values()) {
        const created = sent.get(row.lastEventId)?.created;
        if (created === undefined) continue;
        const before = newest.get(row.paymentIntentId);
        if (before !== undefined && created < before) return `top_ups["${row.paymentIntentId}"] was rewritten from ${row.lastEventId} (created ${created}) after an event created ${before}`;
        newest.set(row.paymentIntentId, Math.max(before ?? created, created));
      }
      return true;
    });
  }

  return {
    clock,
    /** Instance 1 of the endpoint (what a single-request test talks to). */
    receiver: endpoints[0]!,
    wallets,
    credits,
    processedEvents,
    topUpTable,
    deliver,
    /** Fails the test if an invariant broke during sequential deliveries (explore checks on its own). */
    assertInvariants: () => env.assertInvariants(),
    /** What the business sees: each top-up's payment state and the wallet credits made. */
    state: () => ({
      top_ups: Object.fromEntries(
        Object.entries(topUpTable.snapshot()).map(([id, row]) => [
          id,
          { status: row.status, amount: row.amount, amountReceived: row.amountReceived, currency: row.currency, customerId: row.customerId },
        ]),
      ),
      wallet_credits: [...credits],
    }),
  };
}

const REQUEST_ERRORS = new Set(['signature_header_invalid', 'no_signatures', 'signature_mismatch', 'timestamp_outside_tolerance', 'payload_invalid']);

/** An HttpClient that hands requests to a receiver and answers like the endpoint would. */
export function endpointFor(receiver: { handle(rawBody: string, header: string): Promise<unknown> }): HttpClient {
  return {
    post: async (_url, body, headers) => {
      const signature = Object.entries(headers).find(([name]) => name.toLowerCase() === 'stripe-signature')?.[1] ?? '';
      try {
        await receiver.handle(body, signature);
        return { status: 200 };
      } catch (error) {
        return { status: REQUEST_ERRORS.has(errorCode(error)) ? 400 : 500 };
      }
    },
  };
}

/** One scripted answer of the merchant endpoint: an HTTP status, or no response at all. */
export type Reply = number | 'no response';

export interface DispatcherWorldOptions {
  side?: Side;
  secrets?: string[];
  maxRetries?: number;
  /** Jitter values handed out in turn. */
  jitter?: number[];
  http?: HttpClient;
}

/** More sleeps than this and the dispatcher is clearly not going to stop on its own. */
export const RUNAWAY_RETRIES = 25;

export class RunawayRetries extends Error {
  constructor() {
    super(`still retrying after ${RUNAWAY_RETRIES} retries`);
    this.name = 'RunawayRetries';
  }
}

export function dispatcherWorld(env: Env, options: DispatcherWorldOptions = {}) {
  const clock = new FakeClock();
  const requests: Array<{ body: string; signature: string; sentAt: number }> = [];
  const delays: number[] = [];
  let script: Reply[] = [200];
  const jitter = options.jitter ?? [0.5];
  let draws = 0;

  const scripted: HttpClient = markWorld({
    post: (url: string, body: string, headers: Record<string, string>) =>
      env.step(`POST ${url} (attempt ${requests.length + 1})`, () => {
        requests.push({ body, signature: headers['Stripe-Signature'] ?? '', sentAt: clock.now() });
        const reply = script[Math.min(requests.length - 1, script.length - 1)];
        if (reply === 'no response') throw new Error('connect ECONNREFUSED 203.0.113.7:443');
        return { status: reply };
      }, [{ resource: 'clock', write: false }, { resource: 'merchant endpoint', write: true }]),
  });
  const dispatcherOptions = {
    endpointUrl: 'https://merchant.example/webhooks',
    secrets: options.secrets ?? [SECRET],
    clock,
    sleep: (ms: number) =>
      env.step(`sleep ${ms} ms`, () => {
        delays.push(ms);
        if (delays.length > RUNAWAY_RETRIES) throw new RunawayRetries();
        clock.advance(ms);
      }, [{ resource: 'clock', write: true }]),
    random: () => jitter[draws++ % jitter.length],
    maxRetries: options.maxRetries,
  };
  const http = options.http ?? scripted;
  const dispatcher: { deliver(event: WebhookEvent): Promise<{ delivered: boolean; attempts: number; status: number | null }> } =
    env.track(options.side === 'reference' ? new RefWebhookDispatcher(http, dispatcherOptions) : new WebhookDispatcher(http, dispatcherOptions));

  return {
    clock,
    dispatcher,
    requests,
    delays,
    /** How many jitter values the dispatcher drew. */
    draws: () => draws,
    /** The endpoint's answers, in order; the last one repeats. */
    reply(...replies: Reply[]) {
      script = replies;
      requests.length = 0;
      delays.length = 0;
      draws = 0;
    },
  };
}
