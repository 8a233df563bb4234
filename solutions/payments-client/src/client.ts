/**
 * The client: one object per API key, holding the resources (`client.charges`, …) and the
 * request pipeline they all go through — authentication, API version, idempotency keys,
 * timeouts, retries, and turning error responses into typed errors.
 */

import { randomUUID } from 'node:crypto';
import { APIError, ParameterError, connectionError, errorFromResponse } from './errors';
import { encodeParams, headerValue, type HttpMethod, type HttpRequest, type HttpResponse, type HttpTransport } from './http';
import { DEFAULT_MAX_NETWORK_RETRIES, MAX_NETWORK_RETRIES_LIMIT, retryDelay, shouldRetry } from './retry';
import { Charges } from './resources/charges';
import { Customers } from './resources/customers';
import { Refunds } from './resources/refunds';
import type { RequestOptions, ResponseMetadata } from './types';

export const DEFAULT_HOST = 'https://api.stripe.com';
export const DEFAULT_API_VERSION = '2024-06-20';
export const DEFAULT_TIMEOUT_MS = 80_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
export const USER_AGENT = 'payments-client/1.4.0';

export interface ClientConfig {
  /** A secret key, `sk_test_…` or `sk_live_…` (or a restricted key, `rk_…`). */
  apiKey: string;
  transport: HttpTransport;
  host?: string;
  apiVersion?: string;
  /** Retries after the first attempt, 0 to 10 (default 2). */
  maxNetworkRetries?: number;
  /** Milliseconds to wait for a response (default 80 s). */
  timeout?: number;
  /** Waits between attempts; defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the backoff's jitter; defaults to `Math.random`. */
  random?: () => number;
}

/** The settings one logical request is sent with, on every attempt. */
interface RequestSettings {
  apiVersion: string;
  idempotencyKey: string | null;
  stripeAccount: string | null;
  maxNetworkRetries: number;
  timeout: number;
}

type Attempt<T> = { kind: 'done'; value: T } | { kind: 'failed'; error: Error } | { kind: 'retry'; delay: number };

export class PaymentsClient {
  readonly charges: Charges;
  readonly refunds: Refunds;
  readonly customers: Customers;

  private readonly apiKey: string;
  private readonly transport: HttpTransport;
  private readonly host: string;
  private readonly apiVersion: string;
  private readonly maxNetworkRetries: number;
  private readonly timeout: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(config: ClientConfig) {
    if (typeof config.apiKey !== 'string' || !/^(sk|rk)_(test|live)_\w+$/.test(config.apiKey)) {
      throw new ParameterError('apiKey', 'apiKey must be a secret key (sk_test_…, sk_live_…) or a restricted key (rk_…)');
    }
    const retries = config.maxNetworkRetries ?? DEFAULT_MAX_NETWORK_RETRIES;
    checkRetries(retries, 'maxNetworkRetries');
    const timeout = config.timeout ?? DEFAULT_TIMEOUT_MS;
    checkTimeout(timeout, 'timeout');
    this.apiKey = config.apiKey;
    this.transport = config.transport;
    this.host = (config.host ?? DEFAULT_HOST).replace(/\/+$/, '');
    this.apiVersion = config.apiVersion ?? DEFAULT_API_VERSION;
    this.maxNetworkRetries = retries;
    this.timeout = timeout;
    this.sleep = config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = config.random ?? Math.random;
    this.charges = new Charges(this);
    this.refunds = new Refunds(this);
    this.customers = new Customers(this);
  }

  /**
   * Sends one logical request and resolves with the parsed response body, retrying as the
   * retry rules say. `params` go into the query string of a GET or DELETE and into the
   * form-encoded body of a POST.
   */
  async request<T>(method: HttpMethod, path: string, params: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T & { lastResponse: ResponseMetadata }> {
    const settings = this.settingsFor(method, options);
    for (let retries = 0; ; retries++) {
      const attempt = await this.attempt<T>(method, path, params, settings, retries);
      if (attempt.kind === 'done') return attempt.value;
      if (attempt.kind === 'failed') throw attempt.error;
      await this.sleep(attempt.delay);
    }
  }

  private settingsFor(method: HttpMethod, options: RequestOptions): RequestSettings {
    const retries = options.maxNetworkRetries ?? this.maxNetworkRetries;
    checkRetries(retries, 'maxNetworkRetries');
    const timeout = options.timeout ?? this.timeout;
    checkTimeout(timeout, 'timeout');
    if (options.idempotencyKey !== undefined) {
      if (method !== 'POST') throw new ParameterError('idempotencyKey', 'idempotencyKey is only sent with POST requests');
      if (typeof options.idempotencyKey !== 'string' || options.idempotencyKey.length === 0 || options.idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw new ParameterError('idempotencyKey', `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
      }
    }
    return {
      apiVersion: options.apiVersion ?? this.apiVersion,
      idempotencyKey: method === 'POST' ? options.idempotencyKey ?? `payments-client-retry-${randomUUID()}` : null,
      stripeAccount: options.stripeAccount ?? null,
      maxNetworkRetries: retries,
      timeout,
    };
  }

  private async attempt<T>(method: HttpMethod, path: string, params: Record<string, unknown>, settings: RequestSettings, retries: number): Promise<Attempt<T & { lastResponse: ResponseMetadata }>> {
    let response: HttpResponse;
    try {
      response = await this.transport.request(this.buildRequest(method, path, params, settings));
    } catch (cause) {
      const timedOut = (cause as { code?: unknown } | null)?.code === 'ETIMEDOUT';
      if (shouldRetry(null, retries, settings.maxNetworkRetries)) return { kind: 'retry', delay: retryDelay(retries + 1, {}, this.random) };
      return { kind: 'failed', error: connectionError(cause, timedOut) };
    }
    if (response.status >= 200 && response.status < 300) {
      return { kind: 'done', value: parseBody<T>(response) };
    }
    if (shouldRetry(response, retries, settings.maxNetworkRetries)) {
      return { kind: 'retry', delay: retryDelay(retries + 1, response.headers, this.random) };
    }
    return { kind: 'failed', error: errorFromResponse(response.status, response.headers, response.body) };
  }

  private buildRequest(method: HttpMethod, path: string, params: Record<string, unknown>, settings: RequestSettings): HttpRequest {
    const encoded = encodeParams(params);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.apiKey}`,
      'Stripe-Version': settings.apiVersion,
      'User-Agent': USER_AGENT,
      Accept: 'application/json',
    };
    if (settings.idempotencyKey !== null) headers['Idempotency-Key'] = settings.idempotencyKey;
    if (settings.stripeAccount !== null) headers['Stripe-Account'] = settings.stripeAccount;
    let url = `${this.host}${path}`;
    let body: string | null = null;
    if (method === 'POST') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = encoded;
    } else if (encoded.length > 0) {
      url += `?${encoded}`;
    }
    return { method, url, headers, body, timeout: settings.timeout };
  }
}

function parseBody<T>(response: HttpResponse): T & { lastResponse: ResponseMetadata } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw new APIError({ message: `Invalid JSON received from the payments API (HTTP ${response.status})`, type: 'api_error', statusCode: response.status, requestId: headerValue(response.headers, 'request-id') ?? null });
  }
  const lastResponse: ResponseMetadata = { requestId: headerValue(response.headers, 'request-id') ?? null, statusCode: response.status };
  Object.defineProperty(parsed, 'lastResponse', { value: lastResponse, enumerable: false });
  return parsed as T & { lastResponse: ResponseMetadata };
}

function checkRetries(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_NETWORK_RETRIES_LIMIT) {
    throw new ParameterError(name, `${name} must be an integer from 0 to ${MAX_NETWORK_RETRIES_LIMIT}`);
  }
}

function checkTimeout(value: number, name: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new ParameterError(name, `${name} must be a positive number of milliseconds`);
}
