import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookError, type Clock } from './types';

/**
 * Only v1 (HMAC-SHA256) signatures count. Other schemes, v0 included, are skipped so that a
 * forged header cannot talk the receiver down to a weaker one.
 */
export const SIGNATURE_SCHEME = 'v1';

/** Older signed timestamps are refused: a captured request cannot be replayed later. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Hex HMAC-SHA256 of `${timestamp}.${rawBody}`. */
export function computeSignature(timestamp: number, rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * The `Stripe-Signature` value for one delivery attempt: `t=…,v1=…`. While an endpoint secret
 * is being rolled both secrets sign, so the endpoint accepts the request whichever it holds.
 */
export function signatureHeader(rawBody: string, secrets: readonly string[], timestamp: number): string {
  const signatures = secrets.map((secret) => `${SIGNATURE_SCHEME}=${computeSignature(timestamp, rawBody, secret)}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}

function parseHeader(header: string): { timestamp: number; signatures: string[] } {
  let timestamp = Number.NaN;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const separator = item.indexOf('=');
    if (separator <= 0) continue;
    const key = item.slice(0, separator).trim();
    const value = item.slice(separator + 1).trim();
    if (key === 't') timestamp = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    else if (key === SIGNATURE_SCHEME) signatures.push(value);
  }
  return { timestamp, signatures };
}

/** Constant time: how long a comparison takes must not reveal how much of a guess was right. */
function secureCompare(expected: string, candidate: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(candidate, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export class SignatureVerifier {
  constructor(
    private readonly secret: string,
    private readonly clock: Clock,
    private readonly toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  ) {}

  /** Throws a WebhookError unless `header` carries a fresh v1 signature of exactly `payload`. */
  verify(payload: string, header: string): void {
    const { timestamp, signatures } = parseHeader(header);
    if (!Number.isSafeInteger(timestamp)) {
      throw new WebhookError('signature_header_invalid', 'Unable to extract timestamp and signatures from header');
    }
    if (signatures.length === 0) {
      throw new WebhookError('no_signatures', `No signatures found with expected scheme ${SIGNATURE_SCHEME}`);
    }

    const expected = computeSignature(timestamp, payload, this.secret);
    if (!signatures.some((signature) => secureCompare(expected, signature))) {
      throw new WebhookError('signature_mismatch', 'No signatures found matching the expected signature for payload');
    }

    const ageSeconds = Math.floor(this.clock.now() / 1000) - timestamp;
    if (ageSeconds > this.toleranceSeconds) {
      throw new WebhookError('timestamp_outside_tolerance', `Timestamp is ${ageSeconds} s old`);
    }
  }
}
