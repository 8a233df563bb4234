/**
 * Errors the client throws. Every error from the API is a `PaymentsError` subclass chosen by
 * the response's HTTP status and the error body's `type`, carrying the body's `code`,
 * `decline_code` and `param`, the HTTP status and the `Request-Id` of the response.
 */

import { headerValue } from './http';

export type ErrorType =
  | 'api_error'
  | 'card_error'
  | 'idempotency_error'
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'rate_limit_error'
  | 'connection_error'
  | 'signature_verification_error';

export interface ErrorDetails {
  message: string;
  type: ErrorType;
  code?: string | null;
  declineCode?: string | null;
  param?: string | null;
  statusCode?: number | null;
  requestId?: string | null;
  headers?: Record<string, string>;
}

export class PaymentsError extends Error {
  readonly type: ErrorType;
  readonly code: string | null;
  readonly declineCode: string | null;
  readonly param: string | null;
  readonly statusCode: number | null;
  readonly requestId: string | null;
  readonly headers: Record<string, string>;

  constructor(details: ErrorDetails) {
    super(details.message);
    this.name = new.target.name;
    this.type = details.type;
    this.code = details.code ?? null;
    this.declineCode = details.declineCode ?? null;
    this.param = details.param ?? null;
    this.statusCode = details.statusCode ?? null;
    this.requestId = details.requestId ?? null;
    this.headers = details.headers ?? {};
  }
}

/** The card was declined (402): `code` is `card_declined`, `expired_card`, …; see `declineCode`. */
export class CardError extends PaymentsError {}
/** The request was malformed or named something that does not exist (400, 404). */
export class InvalidRequestError extends PaymentsError {}
/** An idempotency key was reused with other parameters or on another endpoint (400). */
export class IdempotencyError extends PaymentsError {}
/** The API key is missing, unknown or revoked (401). */
export class AuthenticationError extends PaymentsError {}
/** The API key may not do this (403). */
export class PermissionError extends PaymentsError {}
/** Too many requests (429), or another request holds a lock on the object (`lock_timeout`). */
export class RateLimitError extends PaymentsError {}
/** A conflict (409), e.g. `idempotency_key_in_use` while a request with the same key runs. */
export class ConflictError extends PaymentsError {}
/** The API failed to handle the request (5xx). */
export class APIError extends PaymentsError {}
/** No response arrived: connection failure, reset or timeout. The request may have been carried out. */
export class ConnectionError extends PaymentsError {}
/** A webhook's `Stripe-Signature` header did not verify. */
export class SignatureVerificationError extends PaymentsError {}
/** Invalid arguments, refused by the client before anything is sent. */
export class ParameterError extends Error {
  readonly param: string;

  constructor(param: string, message: string) {
    super(message);
    this.name = 'ParameterError';
    this.param = param;
  }
}

interface ErrorBody {
  error?: {
    type?: string;
    message?: string;
    code?: string;
    decline_code?: string;
    param?: string;
  };
}

function parseErrorBody(body: string): ErrorBody['error'] {
  try {
    const parsed = JSON.parse(body) as ErrorBody;
    return parsed && typeof parsed === 'object' && parsed.error && typeof parsed.error === 'object' ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}

/** Builds the error for a response whose status is not 2xx. */
export function errorFromResponse(status: number, headers: Record<string, string>, body: string): PaymentsError {
  const raw = parseErrorBody(body);
  const requestId = headerValue(headers, 'request-id') ?? null;
  const base = {
    message: raw?.message ?? `The API answered with HTTP ${status}`,
    code: raw?.code ?? null,
    declineCode: raw?.decline_code ?? null,
    param: raw?.param ?? null,
    statusCode: status,
    requestId,
    headers,
  };
  if (raw?.type === 'idempotency_error') return new IdempotencyError({ ...base, type: 'idempotency_error' });
  switch (status) {
    case 400:
    case 404:
      return new InvalidRequestError({ ...base, type: 'invalid_request_error' });
    case 401:
      return new AuthenticationError({ ...base, type: 'authentication_error' });
    case 402:
      return new CardError({ ...base, type: 'card_error' });
    case 403:
      return new PermissionError({ ...base, type: 'permission_error' });
    case 409:
      return new ConflictError({ ...base, type: 'invalid_request_error' });
    case 429:
      return new RateLimitError({ ...base, type: 'rate_limit_error' });
    default:
      if (status >= 500) return new APIError({ ...base, type: 'api_error' });
      return new InvalidRequestError({ ...base, type: 'invalid_request_error' });
  }
}

/** Builds the error for a request that got no response. */
export function connectionError(cause: unknown, timedOut: boolean): ConnectionError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ConnectionError({
    message: timedOut ? `Request timed out: ${detail}` : `Could not reach the payments API: ${detail}`,
    type: 'connection_error',
    code: timedOut ? 'timeout' : 'connection_failed',
  });
}
