/**
 * The objects the payments API returns, and the options every request accepts.
 *
 * Field names follow the API's JSON (snake_case); amounts are integers in the currency's
 * minor units, currencies lowercase ISO 4217 codes, times Unix seconds.
 */

/** Up to 50 keys of your own, each at most 40 characters, values at most 500 characters. */
export type Metadata = Record<string, string>;

export interface Address {
  line1?: string;
  line2?: string;
  city?: string;
  postal_code?: string;
  state?: string;
  country?: string;
}

export type ChargeStatus = 'succeeded' | 'pending' | 'failed';

export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  currency: string;
  captured: boolean;
  refunded: boolean;
  paid: boolean;
  status: ChargeStatus;
  customer: string | null;
  description: string | null;
  statement_descriptor: string | null;
  failure_code: string | null;
  metadata: Metadata;
  created: number;
}

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';
export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

export interface Refund {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  currency: string;
  reason: RefundReason | null;
  status: RefundStatus;
  metadata: Metadata;
  created: number;
}

export interface Customer {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  address: Address | null;
  metadata: Metadata;
  created: number;
}

export interface DeletedCustomer {
  id: string;
  object: 'customer';
  deleted: true;
}

/** One page of a list endpoint. */
export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** A filter on `created`: exact Unix seconds, or a range. */
export type CreatedFilter = number | { gt?: number; gte?: number; lt?: number; lte?: number };

export interface ListParams {
  /** Objects per page, 1 to 100 (the API's default is 10). */
  limit?: number;
  /** Cursor: the page of objects right after (older than) this id. */
  starting_after?: string;
  /** Cursor: the page of objects right before (newer than) this id. */
  ending_before?: string;
  created?: CreatedFilter;
}

/** Per-request options, the last argument of every resource method. */
export interface RequestOptions {
  /** Sent as `Idempotency-Key` on a POST; generated when left out. At most 255 characters. */
  idempotencyKey?: string;
  /** Makes the request on behalf of a connected account (`Stripe-Account`). */
  stripeAccount?: string;
  /** Overrides the client's API version for this request. */
  apiVersion?: string;
  /** Overrides the client's retry budget for this request. */
  maxNetworkRetries?: number;
  /** Overrides the client's timeout for this request, in milliseconds. */
  timeout?: number;
}

/** What every API object carries once the client has seen its response. */
export interface ResponseMetadata {
  requestId: string | null;
  statusCode: number;
}
