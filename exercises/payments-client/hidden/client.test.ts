import { expectSame, guard, outcome } from 'bugbash/harness';
import { PaymentsClient } from '@impl/src/client';
import * as library from '@impl/src/index';
import { encodeParams, headerValue } from '@impl/src/http';
import { API_KEY, DECLINED_SOURCE, ending, world } from './world';

function thrown(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return `${(error as Error).name}${(error as { param?: string }).param ? ` (${(error as { param?: string }).param})` : ''}`;
  }
}

const transport = { request: async () => ({ status: 200, headers: {}, body: '{}' }) };

guard('every request is authenticated, versioned and sent to the host', async () => {
  const w = world();
  w.api.seed('customers', 1);
  await w.client.customers.retrieve('cus_0001');
  const request = w.api.received[0]!;
  expectSame(
    { method: request.method, path: request.path, headers: request.headers, timeout: request.timeout },
    { method: 'GET', path: '/v1/customers/cus_0001', headers: { Authorization: `Bearer ${API_KEY}`, 'Stripe-Version': '2024-06-20', 'User-Agent': 'payments-client/1.4.0', Accept: 'application/json' }, timeout: 80_000 },
    'a GET was not sent with exactly the documented headers and the default timeout',
  );
});

guard('a POST is form-encoded with its content type, a key, and the per-request options', async () => {
  const w = world({ timeout: 20_000, apiVersion: '2023-10-16' });
  await w.client.customers.create({ email: 'jenny.rosen@example.com', metadata: { tier: 'gold' } }, { stripeAccount: 'acct_1032D82eZvKYlo2C', apiVersion: '2024-04-10', timeout: 7_000 });
  await w.client.customers.create({ name: 'A' });
  const [first, second] = w.api.received;
  expectSame(
    {
      contentType: first!.headers['Content-Type'], account: first!.headers['Stripe-Account'], version: first!.headers['Stripe-Version'], timeout: first!.timeout, params: first!.params,
      secondVersion: second!.headers['Stripe-Version'], secondTimeout: second!.timeout, secondAccount: second!.headers['Stripe-Account'],
    },
    {
      contentType: 'application/x-www-form-urlencoded', account: 'acct_1032D82eZvKYlo2C', version: '2024-04-10', timeout: 7_000, params: { email: 'jenny.rosen@example.com', 'metadata[tier]': 'gold' },
      secondVersion: '2023-10-16', secondTimeout: 20_000, secondAccount: undefined,
    },
    'a POST was not encoded, or per-request options did not override the client settings for that request only',
  );
});

guard('a custom host is used, without a trailing slash; GET parameters go in the query, POST parameters in the body', async () => {
  const requests: { url: string; body: string | null }[] = [];
  const client = new PaymentsClient({ apiKey: 'rk_live_abc123', host: 'https://payments.internal.example//', transport: { request: async (r) => (requests.push({ url: r.url, body: r.body }), { status: 200, headers: {}, body: '{"data":[],"has_more":false}' }) }, sleep: async () => undefined });
  await client.charges.list({ limit: 3, customer: 'cus_1' });
  await client.charges.update('ch_1', { description: 'Order 6735', metadata: null });
  await client.customers.del('cus_a/b');
  expectSame(requests, [
    { url: 'https://payments.internal.example/v1/charges?limit=3&customer=cus_1', body: null },
    { url: 'https://payments.internal.example/v1/charges/ch_1', body: 'description=Order%206735&metadata=' },
    { url: 'https://payments.internal.example/v1/customers/cus_a%2Fb', body: null },
  ], 'requests were not sent to the configured host with the parameters where the documentation puts them');
});

guard('responses are parsed, with the request id and status as lastResponse (not enumerable)', async () => {
  const w = world();
  const customer = await w.client.customers.create({ email: 'a@b.co' });
  const bare = new PaymentsClient({ apiKey: API_KEY, transport: { request: async () => ({ status: 201, headers: {}, body: '{"id":"cus_x"}' }) } });
  const plain = await bare.customers.retrieve('cus_x');
  expectSame(
    { email: customer.email, lastResponse: customer.lastResponse, keys: Object.keys(customer).includes('lastResponse'), plain: plain.lastResponse },
    { email: 'a@b.co', lastResponse: { requestId: 'req_fake', statusCode: 200 }, keys: false, plain: { requestId: null, statusCode: 201 } },
    'the parsed response did not carry lastResponse as documented',
  );
});

guard('a 2xx that is not JSON is an APIError, and is not retried', async () => {
  let calls = 0;
  const client = new PaymentsClient({ apiKey: API_KEY, transport: { request: async () => (calls++, { status: 200, headers: { 'request-id': 'req_9' }, body: '<html>' }) }, sleep: async () => undefined });
  const result = await outcome(client.customers.retrieve('cus_1'));
  expectSame({ ending: ending(result), statusCode: result.ok ? null : (result.error as { statusCode?: number }).statusCode, requestId: result.ok ? null : (result.error as { requestId?: string }).requestId, calls }, { ending: 'APIError', statusCode: 200, requestId: 'req_9', calls: 1 }, 'a 200 with a body that is not JSON did not throw APIError once');
});

guard('error responses become the documented error classes with their fields', async () => {
  const actual: Record<string, unknown> = {};
  const statuses: [number, string, string | undefined][] = [[400, 'invalid_request_error', 'parameter_missing'], [400, 'idempotency_error', undefined], [401, 'invalid_request_error', undefined], [402, 'card_error', 'card_declined'], [403, 'invalid_request_error', undefined], [404, 'invalid_request_error', 'resource_missing'], [405, 'invalid_request_error', undefined], [409, 'invalid_request_error', 'lock_timeout'], [429, 'rate_limit_error', 'rate_limit'], [500, 'api_error', undefined], [503, 'api_error', undefined], [418, 'invalid_request_error', undefined]];
  for (const [status, type, code] of statuses) {
    const body = JSON.stringify({ error: { type, code, message: `m${status}`, decline_code: status === 402 ? 'insufficient_funds' : undefined, param: status === 400 ? 'amount' : undefined } });
    const client = new PaymentsClient({ apiKey: API_KEY, maxNetworkRetries: 0, transport: { request: async () => ({ status, headers: { 'Request-Id': `req_${status}`, 'X-Extra': '1' }, body }) } });
    const result = await outcome(client.customers.retrieve('cus_1'));
    const e = result.ok ? {} : (result.error as Record<string, unknown>);
    actual[`${status} ${type}`] = [e.name, e.type, e.code, e.declineCode, e.param, e.statusCode, e.requestId, e.message, (e.headers as Record<string, string>)?.['X-Extra'], result.ok ? false : result.error instanceof library.PaymentsError && result.error instanceof Error];
  }
  const row = (name: string, type: string, code: string | null, status: number, extra: { decline?: string; param?: string } = {}) => [name, type, code, extra.decline ?? null, extra.param ?? null, status, `req_${status}`, `m${status}`, '1', true];
  expectSame(actual, {
    '400 invalid_request_error': row('InvalidRequestError', 'invalid_request_error', 'parameter_missing', 400, { param: 'amount' }),
    '400 idempotency_error': row('IdempotencyError', 'idempotency_error', null, 400, { param: 'amount' }),
    '401 invalid_request_error': row('AuthenticationError', 'authentication_error', null, 401),
    '402 card_error': row('CardError', 'card_error', 'card_declined', 402, { decline: 'insufficient_funds' }),
    '403 invalid_request_error': row('PermissionError', 'permission_error', null, 403),
    '404 invalid_request_error': row('InvalidRequestError', 'invalid_request_error', 'resource_missing', 404),
    '405 invalid_request_error': row('InvalidRequestError', 'invalid_request_error', null, 405),
    '409 invalid_request_error': row('ConflictError', 'invalid_request_error', 'lock_timeout', 409),
    '429 rate_limit_error': row('RateLimitError', 'rate_limit_error', 'rate_limit', 429),
    '500 api_error': row('APIError', 'api_error', null, 500),
    '503 api_error': row('APIError', 'api_error', null, 503),
    '418 invalid_request_error': row('InvalidRequestError', 'invalid_request_error', null, 418),
  }, 'error responses were not mapped to the documented classes and fields');
});

guard('an error body that is not JSON, or has no error object, still gives the class of its status', async () => {
  const actual: Record<string, unknown> = {};
  for (const [name, body] of [['html', '<html>Bad gateway</html>'], ['no error', '{"message":"x"}'], ['error not an object', '{"error":"boom"}'], ['null', 'null'], ['empty', '']] as const) {
    const client = new PaymentsClient({ apiKey: API_KEY, maxNetworkRetries: 0, transport: { request: async () => ({ status: 402, headers: {}, body }) } });
    const result = await outcome(client.customers.retrieve('cus_1'));
    const e = result.ok ? {} : (result.error as Record<string, unknown>);
    actual[name] = [e.name, e.message, e.code, e.requestId];
  }
  const row = ['CardError', 'The API answered with HTTP 402', null, null];
  expectSame(actual, { html: row, 'no error': row, 'error not an object': row, null: row, empty: row }, 'an error response without a JSON error object was not mapped by its status');
});

guard('no response gives a ConnectionError that says whether it timed out', async () => {
  const actual: Record<string, unknown> = {};
  for (const [name, error] of [['timeout', Object.assign(new Error('no response within 80000 ms'), { code: 'ETIMEDOUT' })], ['reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })], ['string', 'boom'], ['null', null]] as const) {
    const client = new PaymentsClient({ apiKey: API_KEY, maxNetworkRetries: 0, transport: { request: async () => Promise.reject(error) } });
    const result = await outcome(client.customers.retrieve('cus_1'));
    const e = result.ok ? {} : (result.error as Record<string, unknown>);
    actual[name] = [e.name, e.type, e.code, e.message];
  }
  expectSame(actual, {
    timeout: ['ConnectionError', 'connection_error', 'timeout', 'Request timed out: no response within 80000 ms'],
    reset: ['ConnectionError', 'connection_error', 'connection_failed', 'Could not reach the payments API: socket hang up'],
    string: ['ConnectionError', 'connection_error', 'connection_failed', 'Could not reach the payments API: boom'],
    null: ['ConnectionError', 'connection_error', 'connection_failed', 'Could not reach the payments API: null'],
  }, 'a request without a response did not end in the documented ConnectionError');
});

guard('client settings are checked when the client is created and per request', async () => {
  const make = (config: object) => () => new PaymentsClient({ apiKey: API_KEY, transport, ...config });
  const w = world();
  expectSame({
    sk_live: thrown(make({ apiKey: 'sk_live_abc' })), rk_test: thrown(make({ apiKey: 'rk_test_abc' })), publishable: thrown(make({ apiKey: 'pk_test_abc' })), empty: thrown(make({ apiKey: 'sk_test_' })),
    noKey: thrown(make({ apiKey: undefined })), padded: thrown(make({ apiKey: ' sk_test_abc' })), other: thrown(make({ apiKey: 'sk_prod_abc' })), trailing: thrown(make({ apiKey: 'sk_test_abc!' })),
    retries0: thrown(make({ maxNetworkRetries: 0 })), retries10: thrown(make({ maxNetworkRetries: 10 })), retries11: thrown(make({ maxNetworkRetries: 11 })), retriesNeg: thrown(make({ maxNetworkRetries: -1 })), retriesFrac: thrown(make({ maxNetworkRetries: 1.5 })),
    timeout1: thrown(make({ timeout: 1 })), timeout0: thrown(make({ timeout: 0 })), timeoutInf: thrown(make({ timeout: Infinity })), timeoutNeg: thrown(make({ timeout: -5 })),
    requestRetries: ending(await outcome(w.client.customers.retrieve('cus_1', { maxNetworkRetries: 11 }))), requestTimeout: ending(await outcome(w.client.customers.retrieve('cus_1', { timeout: 0 }))),
    requestRetriesNeg: ending(await outcome(w.client.customers.retrieve('cus_1', { maxNetworkRetries: -1 }))), sent: w.api.received.length,
  }, {
    sk_live: 'accepted', rk_test: 'accepted', publishable: 'ParameterError (apiKey)', empty: 'ParameterError (apiKey)', noKey: 'ParameterError (apiKey)', padded: 'ParameterError (apiKey)', other: 'ParameterError (apiKey)', trailing: 'ParameterError (apiKey)',
    retries0: 'accepted', retries10: 'accepted', retries11: 'ParameterError (maxNetworkRetries)', retriesNeg: 'ParameterError (maxNetworkRetries)', retriesFrac: 'ParameterError (maxNetworkRetries)',
    timeout1: 'accepted', timeout0: 'ParameterError (timeout)', timeoutInf: 'ParameterError (timeout)', timeoutNeg: 'ParameterError (timeout)',
    requestRetries: 'ParameterError', requestTimeout: 'ParameterError', requestRetriesNeg: 'ParameterError', sent: 0,
  }, 'client or request settings were accepted or refused against the documentation');
});

guard('parameters are form-encoded as documented', () => {
  expectSame([
    encodeParams({ amount: 2_000, currency: 'usd', capture: false, metadata: { order_id: '6735', 'note key': 'a&b=c' } }),
    encodeParams({ expand: ['customer', 'invoice'], skip: undefined, description: null, address: { line1: '1 Main St', city: undefined } }),
    encodeParams({}),
    encodeParams({ nested: { list: [{ a: 1 }] } }),
  ], [
    'amount=2000&currency=usd&capture=false&metadata%5Border_id%5D=6735&metadata%5Bnote%20key%5D=a%26b%3Dc',
    'expand%5B0%5D=customer&expand%5B1%5D=invoice&description=&address%5Bline1%5D=1%20Main%20St',
    '',
    'nested%5Blist%5D%5B0%5D%5Ba%5D=1',
  ], 'parameters were not form-encoded as documented');
  expectSame([headerValue({ 'Retry-After': '3' }, 'retry-after'), headerValue({ 'retry-after': '3' }, 'Retry-After'), headerValue({ a: '1' }, 'b')], ['3', '3', undefined], 'headers were not looked up without regard to case');
});

guard('a declined charge is a CardError that is not retried', async () => {
  const w = world();
  const result = await outcome(w.client.charges.create({ amount: 5_000, currency: 'usd', source: DECLINED_SOURCE }));
  expectSame({ ending: ending(result), attempts: w.api.received.length, charges: w.api.objects.charges.length }, { ending: 'CardError: card_declined', attempts: 1, charges: 0 }, 'a declined card was not reported as CardError after one attempt');
});

guard('the package entry exports the documented API', () => {
  const names = ['PaymentsClient', 'Webhooks', 'List', 'PaymentsError', 'CardError', 'InvalidRequestError', 'IdempotencyError', 'AuthenticationError', 'PermissionError', 'RateLimitError', 'ConflictError', 'APIError', 'ConnectionError', 'SignatureVerificationError', 'ParameterError', 'encodeParams', 'headerValue', 'toMinorUnits', 'fromMinorUnits', 'formatAmount', 'currencyExponent', 'minimumChargeAmount', 'checkChargeAmount', 'retryDelay', 'shouldRetry', 'parseRetryAfter', 'checkListParams'];
  const lib = library as Record<string, unknown>;
  expectSame(
    { missing: names.filter((n) => typeof lib[n] !== 'function'), constants: [lib.DEFAULT_API_VERSION, lib.DEFAULT_HOST, lib.DEFAULT_TIMEOUT_MS, lib.DEFAULT_MAX_NETWORK_RETRIES, lib.DEFAULT_TOLERANCE_SECONDS, lib.MAX_PAGE_SIZE, lib.MIN_PAGE_SIZE] },
    { missing: [], constants: ['2024-06-20', 'https://api.stripe.com', 80_000, 2, 300, 100, 1] },
    'the package entry (src/index.ts) does not export the documented API',
  );
});
