/**
 * A client for the payments API: charges, refunds and customers, cursor pagination,
 * retries with idempotency keys, webhook signature verification and minor-unit helpers.
 *
 *   const client = new PaymentsClient({ apiKey: process.env.PAYMENTS_KEY!, transport });
 *   const charge = await client.charges.create({ amount: 2_000, currency: 'usd', customer: 'cus_123' });
 */

export { PaymentsClient, DEFAULT_API_VERSION, DEFAULT_HOST, DEFAULT_TIMEOUT_MS, type ClientConfig } from './client';
export * from './errors';
export { encodeParams, headerValue, type HttpMethod, type HttpRequest, type HttpResponse, type HttpTransport } from './http';
export * from './money';
export { List, MAX_PAGE_SIZE, MIN_PAGE_SIZE, checkListParams } from './pagination';
export { DEFAULT_MAX_NETWORK_RETRIES, parseRetryAfter, retryDelay, shouldRetry } from './retry';
export { Webhooks, DEFAULT_TOLERANCE_SECONDS, type Clock, type WebhookEvent } from './webhooks';
export type { ChargeCreateParams, ChargeListParams, ChargeUpdateParams, ChargeCaptureParams } from './resources/charges';
export type { CustomerListParams, CustomerParams } from './resources/customers';
export type { RefundCreateParams, RefundListParams } from './resources/refunds';
export * from './types';
