import { Env, expectSame, expectThat, guard } from 'bugbash/harness';
import type { BucketState, BucketStore } from '@impl/types';
import { gateWorld, LIVE_POLICY, MERCHANT_A, MERCHANT_A_TEST, request } from './world';

guard('a request without a Bearer API key gets 401 and never reaches the API', async () => {
  const env = new Env();
  const { gate, served } = gateWorld(env, LIVE_POLICY);
  const missing = await gate.handle(request(undefined));
  const basic = await gate.handle({ method: 'POST', path: '/v1/refunds', headers: { authorization: `Basic ${MERCHANT_A}` } });
  expectSame(
    { missing: [missing.status, missing.body], basic: [basic.status, basic.body], servedByApi: served },
    {
      missing: [401, { error: { code: 'api_key_missing', message: 'No API key provided. Send it as `Authorization: Bearer <key>`.' } }],
      basic: [401, { error: { code: 'api_key_missing', message: 'No API key provided. Send it as `Authorization: Bearer <key>`.' } }],
      servedByApi: [],
    },
    'a request without a usable API key was not answered with 401 api_key_missing',
  );
});

guard('an allowed request reaches the API and reports the tokens left', async () => {
  const env = new Env();
  const { gate, served } = gateWorld(env, { capacity: 3, refillPerSecond: 1 });
  const response = await gate.handle({ method: 'post', path: '/v1/payment_intents', headers: { AUTHORIZATION: `bearer ${MERCHANT_A}` } });
  expectSame(
    { response, served },
    {
      response: { status: 200, headers: { 'Request-Id': 'req_1', 'RateLimit-Remaining': '2' }, body: { object: 'list', data: [] } },
      served: ['post /v1/payment_intents'],
    },
    "an allowed request did not come back with the API's response and a RateLimit-Remaining header",
  );
});

guard('a throttled request gets 429 rate_limit and never reaches the API', async () => {
  const env = new Env();
  const { gate, served } = gateWorld(env, { capacity: 1, refillPerSecond: 1 });
  await gate.handle(request(MERCHANT_A));
  const response = await gate.handle(request(MERCHANT_A));
  expectSame(
    { status: response.status, code: (response.body as { error?: { code?: string } }).error?.code, hasRetryAfter: 'Retry-After' in response.headers, served: served.length },
    { status: 429, code: 'rate_limit', hasRetryAfter: true, served: 1 },
    'a request over the limit was not answered with 429 rate_limit and a Retry-After header',
  );
});

guard('every search endpoint costs 5 tokens', async () => {
  for (const path of ['/v1/charges/search', '/v1/customers/search', '/v1/payment_intents/search']) {
    const env = new Env();
    const { gate } = gateWorld(env, { capacity: 11, refillPerSecond: 1 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await gate.handle(request(MERCHANT_A, 'GET', path))).status);
    const list = await gate.handle(request(MERCHANT_A, 'GET', '/v1/charges'));
    expectSame(
      { searches: statuses, thenList: [list.status, list.headers['RateLimit-Remaining']] },
      { searches: [200, 200, 429], thenList: [200, '0'] },
      `GET ${path} was not charged 5 tokens a request`,
    );
  }
});

guard('a key of an unknown form gets 401 api_key_invalid and costs nothing', async () => {
  const env = new Env();
  const { gate, served, store } = gateWorld(env, LIVE_POLICY);
  const response = await gate.handle(request('sk_live_4fJ9cQm2LxT7wZbR1nVd8sKp'));
  expectSame(
    { status: response.status, body: response.body, served, stored: Object.keys(store.snapshot()).length },
    { status: 401, body: { error: { code: 'api_key_invalid', message: 'Invalid API key provided.' } }, served: [], stored: 0 },
    'a request with an API key of an unknown form was not turned away with 401 api_key_invalid',
  );
});

guard('test-mode traffic has its own limit and does not throttle live traffic', async () => {
  const env = new Env();
  const { gate } = gateWorld(env, { capacity: 2, refillPerSecond: 1 });
  const testMode: number[] = [];
  for (let i = 0; i < 26; i++) testMode.push((await gate.handle(request(MERCHANT_A_TEST))).status);
  const live = await gate.handle(request(MERCHANT_A));
  expectSame(
    { testMode: { served: testMode.filter((s) => s === 200).length, last: testMode[25] }, live: live.status },
    { testMode: { served: 25, last: 429 }, live: 200 },
    'test-mode requests did not get their own 25-request limit separate from live traffic',
  );
});

guard('when the bucket store is down, requests are let through and the failure is reported', async () => {
  const env = new Env();
  const outage = () => new Error('connect ECONNREFUSED 10.0.3.7:6379');
  const down: BucketStore = {
    get: (key) => env.step(`buckets.get(${JSON.stringify(key)})`, () => Promise.reject<BucketState | undefined>(outage())),
    set: (key) => env.step(`buckets.set(${JSON.stringify(key)})`, () => Promise.reject<void>(outage())),
    compareAndSet: (key) => env.step(`buckets.compareAndSet(${JSON.stringify(key)})`, () => Promise.reject<boolean>(outage())),
  };
  const { gate, served, limiterErrors } = gateWorld(env, LIVE_POLICY, down);
  const first = await gate.handle(request(MERCHANT_A));
  const second = await gate.handle(request(MERCHANT_A));
  expectThat(
    first.status === 200 && second.status === 200 && served.length === 2 && limiterErrors.length === 2,
    'while the rate-limit store was unreachable, payment requests were not served (or the outage was not reported)',
    {
      expected: { statuses: [200, 200], servedByApi: 2, limiterErrorsReported: 2 },
      actual: { statuses: [first.status, second.status], servedByApi: served.length, limiterErrorsReported: limiterErrors.length },
    },
  );
});
