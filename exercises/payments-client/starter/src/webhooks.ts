/**
 * Webhook signatures. Every webhook delivery carries a `Stripe-Signature` header,
 * `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`: each `v1` is an HMAC-SHA256, keyed with the
 * endpoint's signing secret (`whsec_…`), of `<t>.<raw request body>`. While a secret is being
 * rolled the header carries one `v1` per active secret. Other schemes (`v0`) are ignored.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureVerificationError } from './errors';

/** How old a signature may be, in seconds, before it is refused as a possible replay. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
export const SIGNATURE_SCHEME = 'v1';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface WebhookEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  livemode: boolean;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
}

interface ParsedHeader {
  timestamp: number;
  signatures: string[];
}

function refuse(message: string, header: string): never {
  throw new SignatureVerificationError({ message, type: 'signature_verification_error', headers: { 'stripe-signature': header } });
}

function parseHeader(header: string): ParsedHeader | null {
  let timestamp = Number.NaN;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const separator = item.indexOf('=');
    if (separator < 0) continue;
    const key = item.slice(0, separator).trim();
    const value = item.slice(separator + 1).trim();
    if (key === 't') timestamp = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    else if (key === SIGNATURE_SCHEME) signatures.push(value);
  }
  return Number.isSafeInteger(timestamp) ? { timestamp, signatures } : null;
}

function sign(payload: string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
}

/** Compares two hex strings in time that depends only on their length. */
function sameSignature(expected: string, candidate: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(candidate, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export class Webhooks {
  constructor(private readonly clock: Clock) {}

  /**
   * Verifies the signature of a delivery and returns its event. `payload` must be the raw
   * request body exactly as received (a string or a Buffer), never a parsed and re-serialised
   * object. Throws `SignatureVerificationError` when no `v1` signature matches or the
   * timestamp is older than `tolerance` seconds (0 turns the age check off).
   */
  constructEvent(payload: string | Buffer, header: string | string[] | undefined, secret: string, tolerance = DEFAULT_TOLERANCE_SECONDS): WebhookEvent {
    this.verifyHeader(payload, header, secret, tolerance);
    const body = typeof payload === 'string' ? payload : payload.toString('utf8');
    try {
      return JSON.parse(body) as WebhookEvent;
    } catch {
      return refuse('The payload is not valid JSON', String(header));
    }
  }

  /** Throws `SignatureVerificationError` unless the header is a valid, recent signature of the payload. */
  verifyHeader(payload: string | Buffer, header: string | string[] | undefined, secret: string, tolerance = DEFAULT_TOLERANCE_SECONDS): void {
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) {
      refuse('The payload must be the raw request body as a string or a Buffer, not a parsed object', String(header));
    }
    if (Array.isArray(header)) refuse('Several Stripe-Signature headers were sent; expected one', header.join(' '));
    if (typeof header !== 'string' || header.length === 0) refuse('No Stripe-Signature header', '');
    if (typeof secret !== 'string' || secret.length === 0) refuse('No webhook signing secret was given', header);
    const parsed = parseHeader(header);
    if (parsed === null) refuse('Unable to extract a timestamp from the Stripe-Signature header', header);
    if (parsed.signatures.length === 0) refuse(`No signatures found with the expected scheme ${SIGNATURE_SCHEME}`, header);
    const body = typeof payload === 'string' ? payload : payload.toString('utf8');
    const expected = sign(body, secret, parsed.timestamp);
    if (!parsed.signatures.some((candidate) => sameSignature(expected, candidate))) {
      refuse('No signature matches the expected signature for the payload', header);
    }
    const age = Math.floor(this.clock.now() / 1000) - parsed.timestamp;
    if (tolerance > 0 && age > tolerance) refuse('Timestamp outside the tolerance zone', header);
  }

  /** A valid `Stripe-Signature` header for `payload`, for tests of webhook endpoints. */
  generateTestHeaderString(options: { payload: string; secret: string; timestamp?: number }): string {
    const timestamp = options.timestamp ?? Math.floor(this.clock.now() / 1000);
    return `t=${timestamp},${SIGNATURE_SCHEME}=${sign(options.payload, options.secret, timestamp)}`;
  }
}
