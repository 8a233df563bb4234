/** An API request as it reaches the idempotency layer: authenticated, body already parsed. */
export interface ApiRequest {
  /** The merchant account the request was authenticated as. */
  accountId: string;
  /** Method and path, e.g. "POST /v1/charges". */
  endpoint: string;
  /** The Idempotency-Key header, when the client sent one. */
  idempotencyKey?: string;
  /** The parsed request body. */
  params: Record<string, unknown>;
}

/** What the API sends back: an HTTP status and a JSON body. */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** Body of every error response, in the shape clients already parse. */
export interface ErrorBody {
  error: {
    type: string;
    code?: string;
    message: string;
  };
}

/** A key whose first request is still running. */
export interface InProgressRecord {
  state: 'in_progress';
  /** Hash of the first request's endpoint and parameters. */
  fingerprint: string;
  /** When the first request arrived (epoch ms). */
  createdAt: number;
}

/** A key whose first request has finished; its response is replayed to every retry. */
export interface CompletedRecord {
  state: 'completed';
  fingerprint: string;
  createdAt: number;
  response: ApiResponse;
}

export type IdempotencyRecord = InProgressRecord | CompletedRecord;

/**
 * Shared store of idempotency records (one row per account and key), reached over the
 * network: every call is a round trip, and other API servers use the same rows.
 */
export interface IdempotencyStore {
  get(key: string): Promise<IdempotencyRecord | undefined>;
  set(key: string, record: IdempotencyRecord): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically stores `record` unless the key already exists; true when this call stored it. */
  setIfAbsent(key: string, record: IdempotencyRecord): Promise<boolean>;
  /** Atomically replaces the row if it still equals `expected`; true when this call replaced it. */
  compareAndSet(key: string, expected: IdempotencyRecord, next: IdempotencyRecord): Promise<boolean>;
}

export interface Clock {
  /** Current time, epoch milliseconds. */
  now(): number;
}

/** The endpoint implementation behind the layer (charges, payment intents, ...). */
export interface ApiHandler {
  /**
   * Checks the request before anything runs (parameters, customer, currency) and throws an
   * ApiError when it cannot be processed. Moves no money and changes nothing.
   */
  validate(request: ApiRequest): Promise<void>;
  /**
   * Performs the operation. Resolves with the response to send, declines included (a 402 is a
   * normal answer). Rejects when something failed unexpectedly, possibly after money moved.
   */
  execute(request: ApiRequest): Promise<ApiResponse>;
}

/** An error with a status and code the client is meant to see. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One purchase as the storefront knows it when it asks the API to charge for it. */
export interface Purchase {
  /** The merchant account the storefront charges on. */
  accountId: string;
  orderId: string;
  customerId: string;
  /**
   * The customer's payment submission for this order: 1 for the first press of "Pay", 2 when
   * they pay again after a decline, and so on. Automatic retries of one submission keep it.
   */
  attempt: number;
  /** Order total in major units, as the basket computed it (e.g. 19.99). */
  total: number;
  /** Lowercase ISO 4217 code. */
  currency: string;
  /** When the storefront builds this request (epoch ms); recorded in its payment log. */
  requestedAt: number;
}
