/**
 * Fakes and builders shared by the webhooks suites. Signatures are computed here with
 * node:crypto directly, so the tests never depend on the signing code under test.
 */
import { createHmac } from 'node:crypto';
import { Env, FakeClock, FakeStore, errorCode } from 'bugbash/harness';
import type { HttpClient, KeyValueStore, ProcessedEvent, TopUp, WebhookEvent, Wallets } from '@impl/types';
import { SignatureVerifier } from '@impl/signature';
import { WebhookReceiver } from '@impl/receiver';
import { WebhookDispatcher } from '@impl/dispatcher';
import { SignatureVerifier as RefSignatureVerifier } from '@reference/signature';
import { WebhookReceiver as RefWebhookReceiver } from '@reference/receiver';
import { WebhookDispatcher as RefWebhookDispatcher } from '@reference/dispatcher';

export type Side = 'yours' | 'reference';

export const SECRET = 'whsec_7Qe2current';
export const OLD_SECRET = 'whsec_1Zp9previous';
/** The FakeClock's default time, 2026-01-15T12:00:00Z. */
export const NOW_MS = new FakeClock().now();
export const NOW = Math.floor(NOW_MS / 1000);
/** When the test payment intents were created: a minute before "now". */
export const INTENT_CREATED = NOW - 60;

export function hmac(timestamp: number, body: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** `t=…,v1=…` signed by each secret in order, as a sender would build it. */
export function signed(body: string, timestamp = NOW, secrets: string[] = [SECRET]): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmac(timestamp, body, secret)}`)].join(',');
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

export interface Credit {
  customerId: string;
  amount: number;
  currency: string;
}

export interface ReceiverWorldOptions {
  side?: Side;
  secret?: string;
  /** The first n wallet credits fail, as if the wallet service were down. */
  creditFailures?: number;
  /** The first n writes to top_ups fail, as if the database connection dropped. */
  topUpWriteFailures?: number;
}

export function receiverWorld(env: Env, options: ReceiverWorldOptions = {}) {
  const clock = new FakeClock();
  const processedEvents = new FakeStore<ProcessedEvent>(env, 'processed_events');
  const topUpTable = new FakeStore<TopUp>(env, 'top_ups');
  const credits: Credit[] = [];
  let creditFailures = options.creditFailures ?? 0;
  let writeFailures = options.topUpWriteFailures ?? 0;

  const wallets: Wallets = {
    credit: (customerId, amount, currency) =>
      env.step(`wallets.credit(${JSON.stringify(customerId)}, ${amount} ${currency})`, () => {
        if (creditFailures > 0) {
          creditFailures -= 1;
          throw new Error('wallet service unavailable (503)');
        }
        credits.push({ customerId, amount, currency });
      }),
  };
  const topUps: KeyValueStore<TopUp> = {
    get: (key) => topUpTable.get(key),
    set: async (key, value) => {
      if (writeFailures > 0) {
        writeFailures -= 1;
        await env.step(`top_ups.set(${JSON.stringify(key)}) failed: connection reset`, () => undefined);
        throw new Error('database connection reset');
      }
      return topUpTable.set(key, value);
    },
    delete: (key) => topUpTable.delete(key),
    setIfAbsent: (key, value) => topUpTable.setIfAbsent(key, value),
    compareAndSet: (key, expected, next) => topUpTable.compareAndSet(key, expected, next),
  };

  const secret = options.secret ?? SECRET;
  const deps = { processedEvents, topUps, wallets, clock };
  const receiver: { handle(rawBody: string, header: string): Promise<{ eventId: string; status: string }> } =
    options.side === 'reference'
      ? new RefWebhookReceiver({ ...deps, verifier: new RefSignatureVerifier(secret, clock) })
      : new WebhookReceiver({ ...deps, verifier: new SignatureVerifier(secret, clock) });

  return {
    clock,
    receiver,
    credits,
    processedEvents,
    topUpTable,
    /** Delivers `event` with a compact body, signed now with the endpoint's secret. */
    deliver: (event: WebhookEvent) => receiver.handle(compact(event), signed(compact(event))),
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

  const scripted: HttpClient = {
    post: (url, body, headers) =>
      env.step(`POST ${url} (attempt ${requests.length + 1})`, () => {
        requests.push({ body, signature: headers['Stripe-Signature'] ?? '', sentAt: clock.now() });
        const reply = script[Math.min(requests.length - 1, script.length - 1)];
        if (reply === 'no response') throw new Error('connect ECONNREFUSED 203.0.113.7:443');
        return { status: reply };
      }),
  };
  const dispatcherOptions = {
    endpointUrl: 'https://merchant.example/webhooks',
    secrets: options.secrets ?? [SECRET],
    clock,
    sleep: (ms: number) =>
      env.step(`sleep ${ms} ms`, () => {
        delays.push(ms);
        if (delays.length > RUNAWAY_RETRIES) throw new RunawayRetries();
        clock.advance(ms);
      }),
    random: () => jitter[draws++ % jitter.length],
    maxRetries: options.maxRetries,
  };
  const http = options.http ?? scripted;
  const dispatcher: { deliver(event: WebhookEvent): Promise<{ delivered: boolean; attempts: number; status: number | null }> } =
    options.side === 'reference' ? new RefWebhookDispatcher(http, dispatcherOptions) : new WebhookDispatcher(http, dispatcherOptions);

  return {
    clock,
    dispatcher,
    requests,
    delays,
    /** The endpoint's answers, in order; the last one repeats. */
    reply(...replies: Reply[]) {
      script = replies;
      requests.length = 0;
      delays.length = 0;
    },
  };
}
