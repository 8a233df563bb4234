import { createHash } from 'node:crypto';
import {
  ApiError,
  type ApiHandler,
  type ApiRequest,
  type ApiResponse,
  type Clock,
  type ErrorBody,
  type IdempotencyRecord,
  type IdempotencyStore,
} from './types';

/** Longest Idempotency-Key we accept, in characters. */
export const MAX_KEY_LENGTH = 255;

/** How long a saved response is replayed, counted from the key's first request. */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Makes the API's POST endpoints safe to retry.
 *
 * The first request with a key runs, and its response (status and body) is saved; every later
 * request with that key gets the saved response back instead of running again. Clients retry
 * after timeouts without knowing whether the first attempt went through, so "ran once,
 * answered many times" is what keeps a retried charge from charging twice.
 */
export class IdempotencyLayer {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly clock: Clock,
    private readonly handler: ApiHandler,
  ) {}

  async handle(request: ApiRequest): Promise<ApiResponse> {
    const key = request.idempotencyKey;
    if (key === undefined) {
      // Nothing to deduplicate against: the request simply runs.
      return (await this.validate(request)) ?? (await this.execute(request));
    }
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      return errorResponse(
        400,
        'invalid_request_error',
        'idempotency_key_invalid',
        `Idempotency keys must be between 1 and ${MAX_KEY_LENGTH} characters long.`,
      );
    }

    // Keys belong to the account that sent them: two merchants may both use "order-1001".
    const storeKey = `${request.accountId}/${key}`;
    const fingerprint = fingerprintOf(request);
    const now = this.clock.now();

    const existing = await this.store.get(storeKey);
    if (existing && !isExpired(existing, now)) {
      if (existing.fingerprint !== fingerprint) {
        return errorResponse(
          400,
          'idempotency_error',
          undefined,
          'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        );
      }
      if (existing.state === 'in_progress') return keyInUse();
      return existing.response;
    }

    // A request that fails validation never ran, so its rejection is not saved: the client can
    // fix the request and send it again with the same key.
    const rejection = await this.validate(request);
    if (rejection) return rejection;

    const record: IdempotencyRecord = { state: 'in_progress', fingerprint, createdAt: now };
    // Claim the key in one atomic write: other servers may be handling a retry of this very
    // request right now, and only the one that claims the key may run it.
    const claimed = existing
      ? await this.store.compareAndSet(storeKey, existing, record)
      : await this.store.setIfAbsent(storeKey, record);
    if (!claimed) return keyInUse();

    const response = await this.execute(request);

    // Saved whatever it is, a 500 included: a failure may come after the card was charged, so
    // running the request again could charge twice. Retries get this same answer.
    await this.store.set(storeKey, { state: 'completed', fingerprint, createdAt: now, response });
    return response;
  }

  /** The handler's checks; resolves with the error response when the request is rejected. */
  private async validate(request: ApiRequest): Promise<ApiResponse | undefined> {
    try {
      await this.handler.validate(request);
      return undefined;
    } catch (error) {
      return toErrorResponse(error);
    }
  }

  /** Runs the operation; an unexpected failure becomes a 500 response. */
  private async execute(request: ApiRequest): Promise<ApiResponse> {
    try {
      return await this.handler.execute(request);
    } catch (error) {
      return toErrorResponse(error);
    }
  }
}

function isExpired(record: IdempotencyRecord, now: number): boolean {
  return now - record.createdAt > RETENTION_MS;
}

function fingerprintOf(request: ApiRequest): string {
  const canonical = canonicalJson({ endpoint: request.endpoint, params: request.params });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * JSON with object keys sorted at every level, independent of how a body happened to be
 * serialised: a retry built by another code path may list the same parameters in another order.
 */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .sort()
      .map((name) => `${JSON.stringify(name)}:${canonicalJson((value as Record<string, unknown>)[name])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function keyInUse(): ApiResponse {
  return errorResponse(
    409,
    'invalid_request_error',
    'idempotency_key_in_use',
    'Another request with this idempotency key is still being processed. Retry it later.',
  );
}

function toErrorResponse(error: unknown): ApiResponse {
  if (error instanceof ApiError) return errorResponse(error.status, error.type, error.code, error.message);
  return errorResponse(500, 'api_error', undefined, 'An error occurred while processing the request.');
}

function errorResponse(status: number, type: string, code: string | undefined, message: string): ApiResponse {
  const body: ErrorBody = { error: code === undefined ? { type, message } : { type, code, message } };
  return { status, body };
}
