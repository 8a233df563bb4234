import { bug, expectSame, guard, outcome } from 'bugbash/harness';
import { parseRetryAfter, retryDelay, shouldRetry } from '@impl/src/retry';
import { T0, ending, world, type ApiFault } from './world';

const half = () => 0.5;

bug('retry-after-seconds-as-ms', 'a 429 with Retry-After: 3 is retried after 3 seconds, not before', async () => {
  const w = world();
  w.api.inject({ kind: 'answer', status: 429, code: 'rate_limit', headers: { 'Retry-After': '3' } });
  await w.client.customers.retrieve('cus_0001').catch(() => undefined);
  expectSame(
    { waits: w.sleeps, receivedAt: w.api.received.map((r) => r.at - T0) },
    { waits: [3_000], receivedAt: [0, 3_000] },
    'the API answered 429 asking to wait 3 seconds (Retry-After: 3), and the client retried sooner',
  );
});

bug('retry-after-seconds-as-ms', 'the wait before a retry is the longer of the backoff and Retry-After, for every honoured value', async () => {
  const actual: Record<string, number> = {};
  const expected: Record<string, number> = {};
  const cases: [string, number][] = [['0', 500], ['1', 1_000], ['2', 2_000], ['7', 7_000], ['60', 60_000], ['61', 500], ['120', 500], ['1.5', 500], ['-1', 500], ['', 500], ['Wed, 21 Oct 2026 07:28:00 GMT', 500], [' 4 ', 4_000]];
  for (const [header, wait] of cases) {
    actual[`Retry-After: "${header}"`] = retryDelay(1, { 'Retry-After': header }, () => 0);
    expected[`Retry-After: "${header}"`] = wait;
  }
  actual['retry 3, backoff 2,000 ms, Retry-After: 1'] = retryDelay(3, { 'retry-after': '1' }, () => 0.999_999);
  expected['retry 3, backoff 2,000 ms, Retry-After: 1'] = retryDelay(3, {}, () => 0.999_999);
  actual['retry 3, backoff 1,000 ms, Retry-After: 3'] = retryDelay(3, { 'RETRY-AFTER': '3' }, () => 0);
  expected['retry 3, backoff 1,000 ms, Retry-After: 3'] = 3_000;
  expectSame(actual, expected, 'waits before a retry (ms) did not honour Retry-After (whole seconds, 0 to 60) as a floor over the backoff');
});

bug('retry-after-seconds-as-ms', 'a 503 with Retry-After waits that long too, on every retry that carries it', async () => {
  const w = world();
  w.api.inject({ kind: 'answer', status: 503, headers: { 'Retry-After': '2' } });
  w.api.inject({ kind: 'answer', status: 503, headers: { 'Retry-After': '5' } });
  const result = await outcome(w.client.charges.create({ amount: 1_000, currency: 'eur', source: 'tok_visa' }));
  expectSame(
    { result: ending(result), waits: w.sleeps },
    { result: 'resolved', waits: [2_000, 5_000] },
    'the API answered 503 with Retry-After: 2, then Retry-After: 5, and the client did not wait that long before its retries',
  );
});

guard('no response, 409, 429 and every 5xx are retried; every other status is final', async () => {
  const actual: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  const faults: [string, ApiFault, boolean][] = [
    ['refused', { kind: 'refused' }, true],
    ['lost response', { kind: 'lost-response' }, true],
    ...[409, 429, 500, 502, 503, 504, 599].map((status): [string, ApiFault, boolean] => [String(status), { kind: 'answer', status }, true]),
    ...[400, 401, 402, 403, 404, 405, 410, 422, 499].map((status): [string, ApiFault, boolean] => [String(status), { kind: 'answer', status }, false]),
  ];
  for (const [name, fault, retried] of faults) {
    const w = world();
    w.api.seed('customers', 1);
    w.api.inject({ ...fault, times: 5 });
    await outcome(w.client.customers.retrieve('cus_0001'));
    actual[name] = w.api.received.length;
    expected[name] = retried ? 3 : 1;
  }
  expectSame(actual, expected, 'attempts made (default 2 retries) per kind of failure: no response, 409, 429 and 5xx are retried, other statuses are final');
});

guard('Stripe-Should-Retry overrides the status, within the retry budget', async () => {
  const actual: Record<string, number> = {};
  for (const [name, status, advice] of [['503 false', 503, 'false'], ['400 true', 400, 'true'], ['404 true', 404, 'true'], ['409 false', 409, 'false']] as const) {
    const w = world();
    w.api.inject({ kind: 'answer', status, headers: { 'stripe-should-retry': advice }, times: 5 });
    await outcome(w.client.customers.retrieve('cus_0001'));
    actual[name] = w.api.received.length;
  }
  expectSame(actual, { '503 false': 1, '400 true': 3, '404 true': 3, '409 false': 1 }, 'Stripe-Should-Retry was not followed (attempts per answer)');
});

guard('the retry budget is maxNetworkRetries, from the client or the request', async () => {
  const actual: Record<string, number> = {};
  for (const [name, clientRetries, requestRetries] of [['client 0', 0, undefined], ['client 1', 1, undefined], ['client 4', 4, undefined], ['client 10', 10, undefined], ['request 0', 3, 0], ['request 3', 0, 3]] as const) {
    const w = world({ maxNetworkRetries: clientRetries });
    w.api.inject({ kind: 'answer', status: 500, times: 20 });
    await outcome(w.client.customers.retrieve('cus_0001', requestRetries === undefined ? {} : { maxNetworkRetries: requestRetries }));
    actual[name] = w.api.received.length;
  }
  expectSame(actual, { 'client 0': 1, 'client 1': 2, 'client 4': 5, 'client 10': 11, 'request 0': 1, 'request 3': 4 }, 'the number of attempts did not follow maxNetworkRetries (attempts = retries + 1)');
});

guard('a request that succeeds on a retry resolves with the retry\'s answer', async () => {
  const w = world();
  w.api.seed('customers', 1);
  w.api.inject({ kind: 'answer', status: 502 });
  w.api.inject({ kind: 'refused' });
  const customer = await w.client.customers.retrieve('cus_0001');
  expectSame({ id: customer.id, attempts: w.api.received.length }, { id: 'cus_0001', attempts: 3 }, 'a request answered on its last retry did not resolve with that answer');
});

guard('when the retries are used up the last error is thrown', async () => {
  const endings: Record<string, string> = {};
  for (const [name, faults] of [
    ['refused, refused, 503', [{ kind: 'refused' }, { kind: 'refused' }, { kind: 'answer', status: 503 }]],
    ['503, 503, refused', [{ kind: 'answer', status: 503 }, { kind: 'answer', status: 503 }, { kind: 'refused' }]],
    ['503, 503, lost response', [{ kind: 'answer', status: 503 }, { kind: 'answer', status: 503 }, { kind: 'lost-response' }]],
    ['429, 429, 429', [{ kind: 'answer', status: 429, times: 3 }]],
  ] as [string, ApiFault[]][]) {
    const w = world();
    for (const fault of faults) w.api.inject(fault);
    endings[name] = ending(await outcome(w.client.customers.create({})));
  }
  expectSame(
    endings,
    { 'refused, refused, 503': 'APIError', '503, 503, refused': 'ConnectionError: connection_failed', '503, 503, lost response': 'ConnectionError: timeout', '429, 429, 429': 'RateLimitError' },
    'the error thrown after the last retry was not the last attempt\'s',
  );
});

guard('backoff: 500 ms doubled per retry up to 5 s, jittered 50-100 %, never below 500 ms', () => {
  const table: Record<string, number[]> = {};
  for (const [name, random] of [['random 0', () => 0], ['random 0.5', half], ['random 0.999999', () => 0.999_999]] as const) {
    table[name] = [1, 2, 3, 4, 5, 6, 7].map((retry) => Math.round(retryDelay(retry, {}, random)));
  }
  expectSame(
    table,
    {
      'random 0': [500, 500, 1_000, 2_000, 2_500, 2_500, 2_500],
      'random 0.5': [500, 750, 1_500, 3_000, 3_750, 3_750, 3_750],
      'random 0.999999': [500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000],
    },
    'backoff delays (ms) for retries 1-7 do not follow min(500 · 2^(n−1), 5000) · 0.5 · (1 + random), at least 500',
  );
});

guard('the client waits the backoff before each retry, using its random source', async () => {
  const w = world({ random: () => 0.999_999 });
  w.api.inject({ kind: 'answer', status: 500, times: 2 });
  await w.client.customers.create({});
  expectSame(
    { waits: w.sleeps.map(Math.round), receivedAt: w.api.received.map((r) => Math.round(r.at - T0)) },
    { waits: [500, 1_000], receivedAt: [0, 500, 1_500] },
    'the client did not wait the backoff before each retry (500 ms, then 1 s with full jitter)',
  );
});

guard('shouldRetry and parseRetryAfter follow the documented rules', () => {
  expectSame(
    {
      noResponse: shouldRetry(null, 0, 2),
      budgetUsed: shouldRetry(null, 2, 2),
      beyondBudget: shouldRetry({ status: 503, headers: {} }, 3, 2),
      lastRetry: shouldRetry({ status: 503, headers: {} }, 1, 2),
      conflict: shouldRetry({ status: 409, headers: {} }, 0, 1),
      rateLimited: shouldRetry({ status: 429, headers: {} }, 0, 1),
      server: shouldRetry({ status: 500, headers: {} }, 0, 1),
      notFound: shouldRetry({ status: 404, headers: {} }, 0, 1),
      tooEarly: shouldRetry({ status: 408, headers: {} }, 0, 1),
      advisedYes: shouldRetry({ status: 400, headers: { 'Stripe-Should-Retry': 'true' } }, 0, 1),
      advisedYesNoBudget: shouldRetry({ status: 400, headers: { 'Stripe-Should-Retry': 'true' } }, 1, 1),
      advisedNo: shouldRetry({ status: 500, headers: { 'Stripe-Should-Retry': 'false' } }, 0, 1),
      advisedOther: shouldRetry({ status: 500, headers: { 'Stripe-Should-Retry': 'maybe' } }, 0, 1),
      retryAfter: [parseRetryAfter({ 'Retry-After': '0' }), parseRetryAfter({ 'retry-after': '60' }), parseRetryAfter({ 'Retry-After': '61' }), parseRetryAfter({}), parseRetryAfter({ 'Retry-After': '3s' }), parseRetryAfter({ 'Retry-After': '12' })],
    },
    {
      noResponse: true, budgetUsed: false, beyondBudget: false, lastRetry: true, conflict: true, rateLimited: true, server: true, notFound: false, tooEarly: false,
      advisedYes: true, advisedYesNoBudget: false, advisedNo: false, advisedOther: true, retryAfter: [0, 60, null, null, null, 12],
    },
    'the exported retry rules (shouldRetry, parseRetryAfter) disagree with the documentation',
  );
});
