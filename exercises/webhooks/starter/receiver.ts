import type { SignatureVerifier } from './signature';
import { WebhookError } from './types';
import type { Clock, KeyValueStore, ProcessedEvent, ReceiveResult, ReceiveStatus, TopUp, WebhookEvent, Wallets } from './types';

/** Payment intent events that move a wallet top-up; every other type is acknowledged and skipped. */
const HANDLED_TYPES = new Set(
  ['created', 'processing', 'succeeded', 'payment_failed', 'canceled'].map((name) => `payment_intent.${name}`),
);

export interface ReceiverOptions {
  verifier: SignatureVerifier;
  processedEvents: KeyValueStore<ProcessedEvent>;
  topUps: KeyValueStore<TopUp>;
  wallets: Wallets;
  clock: Clock;
}

/**
 * The wallet service's webhook endpoint. A returned result is answered 200, a WebhookError
 * 400, anything else 500, and the sender retries everything that was not a 2xx.
 */
export class WebhookReceiver {
  constructor(private readonly options: ReceiverOptions) {}

  async handle(rawBody: string, signatureHeader: string): Promise<ReceiveResult> {
    const event = parseEvent(rawBody);
    // @bug reserialised-body
    this.options.verifier.verify(JSON.stringify(event), signatureHeader);
    if (!HANDLED_TYPES.has(event.type)) return { eventId: event.id, status: 'ignored' };
    checkPaymentIntent(event);

    const { processedEvents } = this.options;
    const claim: ProcessedEvent = { status: 'processing', type: event.type, receivedAt: this.options.clock.now() };
    // @bug duplicate-delivery-race
    if (await processedEvents.get(event.id)) return { eventId: event.id, status: 'duplicate' };
    await processedEvents.set(event.id, claim);

    // @bug failed-event-stays-claimed
    const status = await this.apply(event);
    await processedEvents.set(event.id, { ...claim, status: 'processed' });
    return { eventId: event.id, status };
  }

  private async apply(event: WebhookEvent): Promise<ReceiveStatus> {
    const intent = event.data.object;
    const customerId = intent.metadata.customer_id;
    const current = await this.options.topUps.get(intent.id);
    // Delivery is unordered: an event older than the one this row came from must not roll it back.
    if (current !== undefined && event.created < current.lastEventCreated) return 'stale';

    // The credit comes last: if anything before it fails, no money has moved yet.
    await this.options.topUps.set(intent.id, {
      paymentIntentId: intent.id,
      customerId,
      amount: intent.amount,
      amountReceived: intent.amount_received,
      currency: intent.currency,
      status: intent.status,
      lastEventId: event.id,
      // @bug stale-event-overwrites
      lastEventCreated: intent.created,
    });
    if (event.type === 'payment_intent.succeeded') {
      // @bug credit-uses-requested-amount
      await this.options.wallets.credit(customerId, intent.amount, intent.currency);
    }
    return 'processed';
  }
}

function parseEvent(rawBody: string): WebhookEvent {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch {
    throw new WebhookError('payload_invalid', 'Request body is not JSON');
  }
  const event = value as Partial<WebhookEvent> | null;
  const valid = typeof event?.id === 'string' && typeof event.type === 'string' && Number.isSafeInteger(event.created);
  if (!valid || typeof event.data?.object !== 'object' || event.data.object === null) {
    throw new WebhookError('payload_invalid', 'Request body is not an event');
  }
  return event as WebhookEvent;
}

/** Amounts are integer minor units; a top-up without its wallet owner cannot be credited. */
function checkPaymentIntent(event: WebhookEvent): void {
  const intent = event.data.object;
  const amounts = Number.isSafeInteger(intent.amount) && Number.isSafeInteger(intent.amount_received) && intent.amount_received >= 0;
  const owned = typeof intent.metadata?.customer_id === 'string';
  if (!amounts || !owned || typeof intent.id !== 'string' || typeof intent.currency !== 'string') {
    throw new WebhookError('payload_invalid', `Event ${event.id} has no valid top-up payment intent`);
  }
}
