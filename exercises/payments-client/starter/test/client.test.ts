import { describe, expect, it } from 'vitest';
import { PaymentsClient, type ClientConfig } from '../src/client';
import { APIError, AuthenticationError, CardError, ConnectionError, IdempotencyError, InvalidRequestError, ParameterError, PermissionError, RateLimitError } from '../src/errors';
import type { HttpRequest, HttpResponse, HttpTransport } from '../src/http';
import { retryDelay } from '../src/retry';

/*
 * A transport that records every request and answers from a handler, so these tests run
 * without a network, a clock or real waits.
 */
type Handler = (request: HttpRequest, index: number) => HttpResponse | Promise<HttpResponse>;

class FakeTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];

  constructor(private readonly handler: Handler) {}

  async request(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    return this.handler(request, this.requests.length - 1);
  }

  /** The form-decoded body of request `index` (flat keys such as `metadata[order]`). */
  body(index = this.requests.length - 1): Record<string, string> {
    return Object.fromEntries(new URLSearchParams(this.requests[index]?.body ?? ''));
  }

  /** The decoded query of request `index`. */
  query(index = this.requests.length - 1): Record<string, string> {
    return Object.fromEntries(new URL(this.requests[index]!.url).searchParams);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', 'request-id': 'req_test', ...headers }, body: JSON.stringify(body) };
}

function apiError(status: number, type: string, code?: string, extra: Record<string, string> = {}): HttpResponse {
  return json(status, { error: { type, code, message: `${type} ${code ?? ''}`.trim() } }, extra);
}

/** Answers with `responses` in turn, the last one again once they run out. */
function sequence(...responses: (HttpResponse | Error)[]): Handler {
  return (_request, index) => {
    const next = responses[Math.min(index, responses.length - 1)]!;
    if (next instanceof Error) throw next;
    return next;
  };
}

interface TestClient {
  client: PaymentsClient;
  transport: FakeTransport;
  sleeps: number[];
}

function testClient(handler: Handler, config: Partial<ClientConfig> = {}): TestClient {
  const transport = new FakeTransport(handler);
  const sleeps: number[] = [];
  const client = new PaymentsClient({
    apiKey: 'sk_test_123',
    transport,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...config,
  });
  return { client, transport, sleeps };
}

const charge = { id: 'ch_1', object: 'charge', amount: 2_000, currency: 'usd' };

describe('PaymentsClient requests', () => {
  it('authenticates with the API key and pins the API version', async () => {
    const { client, transport } = testClient(() => json(200, charge));
    await client.charges.retrieve('ch_1');
    const [request] = transport.requests;
    expect(request!.method).toBe('GET');
    expect(request!.url).toBe('https://api.stripe.com/v1/charges/ch_1');
    expect(request!.headers.Authorization).toBe('Bearer sk_test_123');
    expect(request!.headers['Stripe-Version']).toBe('2024-06-20');
    expect(request!.body).toBeNull();
  });

  it('form-encodes POST bodies, nested metadata included', async () => {
    const { client, transport } = testClient(() => json(200, charge));
    await client.charges.create({ amount: 2_000, currency: 'usd', customer: 'cus_1', metadata: { order_id: '6735' } });
    expect(transport.requests[0]!.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(transport.body()).toEqual({ amount: '2000', currency: 'usd', customer: 'cus_1', 'metadata[order_id]': '6735' });
  });

  it('sends an idempotency key with every POST and none with a GET', async () => {
    const { client, transport } = testClient(() => json(200, charge));
    await client.charges.create({ amount: 2_000, currency: 'usd', customer: 'cus_1' });
    await client.charges.create({ amount: 2_000, currency: 'usd', customer: 'cus_1' });
    await client.charges.retrieve('ch_1');
    const [first, second, get] = transport.requests.map((r) => r.headers['Idempotency-Key']);
    expect(first).toMatch(/^payments-client-retry-/);
    expect(second).toMatch(/^payments-client-retry-/);
    expect(second).not.toBe(first);
    expect(get).toBeUndefined();
  });

  it('uses the idempotency key the caller gives', async () => {
    const { client, transport } = testClient(() => json(200, charge));
    await client.refunds.create({ charge: 'ch_1', amount: 500 }, { idempotencyKey: 'refund-ticket-88' });
    expect(transport.requests[0]!.headers['Idempotency-Key']).toBe('refund-ticket-88');
  });

  it('sends per-request options: connected account, API version, timeout', async () => {
    const { client, transport } = testClient(() => json(200, charge), { timeout: 30_000 });
    await client.charges.retrieve('ch_1', { stripeAccount: 'acct_42', apiVersion: '2023-10-16' });
    await client.charges.retrieve('ch_1', { timeout: 5_000 });
    expect(transport.requests[0]!.headers['Stripe-Account']).toBe('acct_42');
    expect(transport.requests[0]!.headers['Stripe-Version']).toBe('2023-10-16');
    expect(transport.requests[0]!.timeout).toBe(30_000);
    expect(transport.requests[1]!.timeout).toBe(5_000);
  });

  it('exposes the request id of the response', async () => {
    const { client } = testClient(() => json(200, charge, { 'request-id': 'req_abc' }));
    const result = await client.charges.retrieve('ch_1');
    expect(result.lastResponse).toEqual({ requestId: 'req_abc', statusCode: 200 });
    expect(Object.keys(result)).not.toContain('lastResponse');
  });

  it('refuses a key that is not a secret key', () => {
    expect(() => new PaymentsClient({ apiKey: 'pk_test_123', transport: { request: async () => json(200, {}) } })).toThrow(ParameterError);
  });
});

describe('PaymentsClient errors', () => {
  it('maps a declined card to CardError with its codes', async () => {
    const { client } = testClient(() => json(402, { error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' } }));
    const error = await client.charges.create({ amount: 2_000, currency: 'usd', source: 'tok_visa' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardError);
    expect(error).toMatchObject({ code: 'card_declined', declineCode: 'insufficient_funds', statusCode: 402, requestId: 'req_test' });
  });

  it('maps 400, 401, 403 and 404 to their error classes', async () => {
    const cases = [
      [apiError(400, 'invalid_request_error', 'parameter_missing'), InvalidRequestError],
      [apiError(401, 'invalid_request_error'), AuthenticationError],
      [apiError(403, 'invalid_request_error'), PermissionError],
      [apiError(404, 'invalid_request_error', 'resource_missing'), InvalidRequestError],
      [apiError(400, 'idempotency_error'), IdempotencyError],
    ] as const;
    for (const [response, type] of cases) {
      const { client } = testClient(() => response);
      await expect(client.customers.retrieve('cus_1')).rejects.toBeInstanceOf(type);
    }
  });
});

const customer = { id: 'cus_1', object: 'customer' };

describe('retries', () => {
  it('retries a 503 and resolves with the answer of the retry', async () => {
    const { client, transport, sleeps } = testClient(sequence(apiError(503, 'api_error'), json(200, customer)));
    const result = await client.customers.retrieve('cus_1');
    expect(result.id).toBe('cus_1');
    expect(transport.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('retries a request that got no response', async () => {
    const { client, transport } = testClient(sequence(new Error('socket hang up'), json(200, customer)));
    await client.customers.create({ email: 'jenny@example.com' });
    expect(transport.requests).toHaveLength(2);
  });

  it('gives up after the configured number of retries and throws the last error', async () => {
    const { client, transport } = testClient(sequence(apiError(500, 'api_error')), { maxNetworkRetries: 3 });
    await expect(client.customers.retrieve('cus_1')).rejects.toBeInstanceOf(APIError);
    expect(transport.requests).toHaveLength(4);
  });

  it('reports a connection failure once the retries are used up', async () => {
    const { client, transport } = testClient(sequence(new Error('ECONNRESET')));
    await expect(client.charges.retrieve('ch_1')).rejects.toBeInstanceOf(ConnectionError);
    expect(transport.requests).toHaveLength(3);
  });

  it('does not retry a declined card or a bad request', async () => {
    for (const status of [400, 402, 404]) {
      const { client, transport } = testClient(sequence(apiError(status, status === 402 ? 'card_error' : 'invalid_request_error')));
      await expect(client.charges.create({ amount: 5_000, currency: 'usd', source: 'tok_visa' })).rejects.toThrow();
      expect(transport.requests).toHaveLength(1);
    }
    const { client } = testClient(sequence(apiError(402, 'card_error', 'card_declined')));
    await expect(client.charges.create({ amount: 5_000, currency: 'usd', source: 'tok_visa' })).rejects.toBeInstanceOf(CardError);
  });

  it('follows Stripe-Should-Retry', async () => {
    const noRetry = testClient(sequence(apiError(503, 'api_error', undefined, { 'Stripe-Should-Retry': 'false' })));
    await expect(noRetry.client.customers.retrieve('cus_1')).rejects.toBeInstanceOf(APIError);
    expect(noRetry.transport.requests).toHaveLength(1);
    const retry = testClient(sequence(apiError(400, 'invalid_request_error', 'lock_timeout', { 'Stripe-Should-Retry': 'true' }), json(200, customer)));
    await retry.client.customers.retrieve('cus_1');
    expect(retry.transport.requests).toHaveLength(2);
  });

  it('can be turned off per request', async () => {
    const { client, transport } = testClient(sequence(apiError(429, 'rate_limit_error')));
    await expect(client.customers.retrieve('cus_1', { maxNetworkRetries: 0 })).rejects.toBeInstanceOf(RateLimitError);
    expect(transport.requests).toHaveLength(1);
  });

  it('ignores a Retry-After longer than a minute', async () => {
    const { client, sleeps } = testClient(sequence(apiError(429, 'rate_limit_error', undefined, { 'Retry-After': '3600' }), json(200, customer)));
    await client.customers.retrieve('cus_1');
    expect(sleeps[0]).toBeLessThan(5_000);
  });
});

describe('backoff', () => {
  it('starts at 500 ms and doubles, with jitter, up to 5 s', () => {
    const none = () => 0;
    const full = () => 0.999_999;
    expect(retryDelay(1, {}, none)).toBe(500);
    expect(retryDelay(2, {}, none)).toBe(500);
    expect(retryDelay(3, {}, none)).toBe(1_000);
    expect(retryDelay(2, {}, full)).toBeCloseTo(1_000, 0);
    expect(retryDelay(8, {}, full)).toBeCloseTo(5_000, 0);
    expect(retryDelay(8, {}, none)).toBe(2_500);
  });
});

const ok = () => json(200, { id: 'x_1' });

describe('charges', () => {
  it('captures an authorized charge, in part', async () => {
    const { client, transport } = testClient(ok);
    await client.charges.capture('ch_1', { amount: 1_500 });
    expect(transport.requests[0]!.url).toBe('https://api.stripe.com/v1/charges/ch_1/capture');
    expect(transport.body()).toEqual({ amount: '1500' });
  });

  it('refuses a charge without a customer or source, or with a bad descriptor', () => {
    const { client, transport } = testClient(ok);
    expect(() => client.charges.create({ amount: 2_000, currency: 'usd' })).toThrow(ParameterError);
    expect(() => client.charges.create({ amount: 2_000, currency: 'usd', customer: 'cus_1', statement_descriptor: 'ACME CORPORATION ONLINE STORE' })).toThrow(ParameterError);
    expect(transport.requests).toHaveLength(0);
  });

  it('lists a customer\'s charges', async () => {
    const { client, transport } = testClient(() => json(200, { object: 'list', data: [], has_more: false, url: '/v1/charges' }));
    await client.charges.list({ customer: 'cus_9', created: { gte: 1_700_000_000 } });
    expect(transport.query()).toEqual({ customer: 'cus_9', 'created[gte]': '1700000000' });
  });
});

describe('refunds', () => {
  it('refunds part of a charge with a reason', async () => {
    const { client, transport } = testClient(ok);
    await client.refunds.create({ charge: 'ch_1', amount: 700, reason: 'requested_by_customer' });
    expect(transport.body()).toEqual({ charge: 'ch_1', amount: '700', reason: 'requested_by_customer' });
  });

  it('refuses an unknown reason or a non-positive amount', () => {
    const { client } = testClient(ok);
    expect(() => client.refunds.create({ charge: 'ch_1', reason: 'changed_mind' as never })).toThrow(ParameterError);
    expect(() => client.refunds.create({ charge: 'ch_1', amount: 0 })).toThrow(ParameterError);
    expect(() => client.refunds.create({ charge: 're_1' })).toThrow(ParameterError);
  });

  it('cancels a refund', async () => {
    const { client, transport } = testClient(ok);
    await client.refunds.cancel('re_1');
    expect(transport.requests[0]!.method).toBe('POST');
    expect(transport.requests[0]!.url).toBe('https://api.stripe.com/v1/refunds/re_1/cancel');
  });
});

describe('customers', () => {
  it('deletes a customer with DELETE', async () => {
    const { client, transport } = testClient(() => json(200, { id: 'cus_1', object: 'customer', deleted: true }));
    const deleted = await client.customers.del('cus_1');
    expect(deleted.deleted).toBe(true);
    expect(transport.requests[0]!.method).toBe('DELETE');
    expect(transport.requests[0]!.headers['Idempotency-Key']).toBeUndefined();
  });

  it('clears a field with null and refuses bad metadata', async () => {
    const { client, transport } = testClient(ok);
    await client.customers.update('cus_1', { phone: null, metadata: { tier: 'gold' } });
    expect(transport.body()).toEqual({ phone: '', 'metadata[tier]': 'gold' });
    expect(() => client.customers.update('cus_1', { metadata: { ['k'.repeat(41)]: 'v' } })).toThrow(ParameterError);
    expect(() => client.customers.create({ email: 'not an email' })).toThrow(ParameterError);
  });
});
