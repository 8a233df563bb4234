/**
 * The client against the fake payments API: idempotency keys, retries, pagination, the request
 * pipeline and errors, and every resource method. One file, so that each graded implementation
 * loads the library and the harness once.
 */
import { PaymentsClient } from '@impl/src/client';
import { encodeParams, headerValue } from '@impl/src/http';
import * as library from '@impl/src/index';
import { checkListParams, List } from '@impl/src/pagination';
import { parseRetryAfter, retryDelay, shouldRetry } from '@impl/src/retry';
import { bug, expectRejects, expectSame, guard, outcome } from 'bugbash/harness';
import { API_KEY, type ApiFault, DECLINED_SOURCE, ending, T0, world } from './world';

// ── idempotency ──

const CHARGE = { amount: 2_000, currency: 'usd', customer: 'cus_4242' };

/** Every way an attempt can end that the client retries. */
const RETRIED: [string, ApiFault][] = [
  ['the connection was refused', { kind: 'refused' }],
  ['the response was lost', { kind: 'lost-response' }],
  ['503', { kind: 'answer', status: 503 }],
  ['500', { kind: 'answer', status: 500 }],
  ['429', { kind: 'answer', status: 429, code: 'rate_limit' }],
  ['409 lock_timeout', { kind: 'answer', status: 409, code: 'lock_timeout' }],
  ['400 with Stripe-Should-Retry: true', { kind: 'answer', status: 400, code: 'lock_timeout', headers: { 'Stripe-Should-Retry': 'true' } }],
];

bug('retry-new-idempotency-key', 'a charge whose response was lost is retried under the same key and charged once', async () => {
  const w = world();
  w.api.inject({ method: 'POST', path: '/v1/charges', kind: 'lost-response' });
  const charge = await w.client.charges.create(CHARGE);
  expectSame(
    { chargesAtTheApi: w.api.objects.charges.length, returned: charge.id, attempts: w.api.received.length },
    { chargesAtTheApi: 1, returned: w.api.objects.charges[0]?.id, attempts: 2 },
    'the API carried out a charge whose response was lost, and the retry created a second charge: the customer was charged twice',
  );
});

bug('retry-new-idempotency-key', 'a refund whose response was lost is retried under the same key and refunded once', async () => {
  const w = world();
  const [chargeId] = w.api.seed('charges', 1, { amount: 5_000, amount_refunded: 0, currency: 'usd' });
  w.api.inject({ method: 'POST', path: '/v1/refunds', kind: 'lost-response', times: 2 });
  const refund = await w.client.refunds.create({ charge: chargeId!, amount: 1_500 });
  expectSame(
    { refundsAtTheApi: w.api.objects.refunds.map((r) => r.amount), returned: refund.id },
    { refundsAtTheApi: [1_500], returned: w.api.objects.refunds[0]?.id },
    'the API carried out a refund twice whose responses were lost: the customer was refunded more than once',
  );
});

bug('retry-new-idempotency-key', 'a retry that finds the first attempt still running waits for it instead of charging again', async () => {
  const w = world({ maxNetworkRetries: 3 });
  w.api.inject({ method: 'POST', path: '/v1/charges', kind: 'still-running', busy: 1 });
  const result = await outcome(w.client.charges.create(CHARGE));
  expectSame(
    { resolved: result.ok, chargesAtTheApi: w.api.objects.charges.length },
    { resolved: true, chargesAtTheApi: 1 },
    'the first attempt of a charge was still running at the API when the client retried it, and the retry was carried out as a second charge',
  );
});

bug('retry-new-idempotency-key', 'every attempt of one request carries the same Idempotency-Key, whatever made it retry', async () => {
  const actual: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const [why, fault] of RETRIED) {
    const w = world();
    w.api.inject({ ...fault, method: 'POST', path: '/v1/customers', times: 2 });
    await outcome(w.client.customers.create({ email: 'jenny.rosen@example.com' }));
    const keys = w.api.keysOf('POST', '/v1/customers');
    actual[why] = { attempts: keys.length, distinctKeys: new Set(keys).size };
    expected[why] = { attempts: 3, distinctKeys: 1 };
  }
  expectSame(actual, expected, 'the retries of one POST did not all carry the key of its first attempt, so the API could not recognise them as the same request');
});

bug('retry-new-idempotency-key', 'each call is a new request with a new key: two identical charges are two charges', async () => {
  const w = world();
  const first = await w.client.charges.create(CHARGE);
  const second = await w.client.charges.create(CHARGE);
  const refund = await outcome(w.client.refunds.create({ charge: first.id }));
  const keys = w.api.received.map((r) => r.idempotencyKey);
  expectSame(
    { distinctCharges: new Set([first.id, second.id]).size, chargesAtTheApi: w.api.objects.charges.length, refund: refund.ok ? 'refunded' : refund.code, distinctKeys: new Set(keys).size },
    { distinctCharges: 2, chargesAtTheApi: 2, refund: 'refunded', distinctKeys: 3 },
    'two separate calls were sent under the same idempotency key: the second charge was answered with the first one, or the refund was refused as a reused key',
  );
});

guard('a key given by the caller is sent on every attempt', async () => {
  const w = world();
  w.api.inject({ method: 'POST', kind: 'lost-response' });
  const charge = await w.client.charges.create(CHARGE, { idempotencyKey: 'order-6735-charge' });
  expectSame(
    { keys: w.api.keysOf('POST', '/v1/charges'), chargesAtTheApi: w.api.objects.charges.length, returned: charge.id },
    { keys: ['order-6735-charge', 'order-6735-charge'], chargesAtTheApi: 1, returned: w.api.objects.charges[0]?.id },
    "the caller's idempotency key was not sent on every attempt",
  );
});

guard('a generated key has the documented form; GET and DELETE requests carry none', async () => {
  const w = world();
  w.api.seed('customers', 1);
  await w.client.customers.create({ name: 'Jenny Rosen' });
  await w.client.customers.retrieve('cus_0001');
  await w.client.customers.list();
  await w.client.customers.del('cus_0001');
  const keys = w.api.received.map((r) => r.idempotencyKey);
  expectSame(
    { post: /^payments-client-retry-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(keys[0] ?? ''), others: keys.slice(1) },
    { post: true, others: [undefined, undefined, undefined] },
    'idempotency keys were not sent as documented: payments-client-retry-<uuid> on a POST, none on GET and DELETE',
  );
});

guard('a caller key of 1 to 255 characters is accepted; an empty, longer or GET key is refused before sending', async () => {
  const w = world();
  await w.client.customers.create({}, { idempotencyKey: 'k' });
  await w.client.customers.create({}, { idempotencyKey: 'k'.repeat(255) });
  for (const key of ['', 'k'.repeat(256)]) {
    await expectRejects(Promise.resolve().then(() => w.client.customers.create({}, { idempotencyKey: key })), 'ParameterError', `an idempotency key of ${key.length} characters was not refused`);
  }
  await expectRejects(Promise.resolve().then(() => w.client.customers.retrieve('cus_1', { idempotencyKey: 'k' })), 'ParameterError', 'an idempotency key on a GET was not refused');
  await expectRejects(Promise.resolve().then(() => w.client.customers.create({}, { idempotencyKey: 12_345 as never })), 'ParameterError', 'an idempotency key that is not a string was not refused');
  await expectRejects(Promise.resolve().then(() => w.client.customers.del('cus_1', { idempotencyKey: 'k' })), 'ParameterError', 'an idempotency key on a DELETE was not refused');
  expectSame(w.api.keysOf('POST', '/v1/customers'), ['k', 'k'.repeat(255)], 'keys of 1 and 255 characters were not sent, or a refused key reached the API');
});

guard('a replayed request resolves with the saved result; a key reused with other parameters is an IdempotencyError', async () => {
  const w = world();
  const first = await w.client.charges.create(CHARGE, { idempotencyKey: 'order-1' });
  const replay = await w.client.charges.create(CHARGE, { idempotencyKey: 'order-1' });
  const other = await outcome(w.client.charges.create({ ...CHARGE, amount: 2_500 }, { idempotencyKey: 'order-1' }));
  expectSame(
    { replay: replay.id === first.id, other: other.ok ? 'resolved' : `${other.code}/${(other.error as { type?: string }).type}`, attempts: w.api.received.length },
    { replay: true, other: 'IdempotencyError/idempotency_error', attempts: 3 },
    'a replay or a reused key was not handled as documented (IdempotencyError, not retried)',
  );
});

// ── retries ──

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

guard('without a random source the jitter is drawn from Math.random, within 50-100 %', async () => {
  const w = world({ random: undefined });
  w.api.inject({ kind: 'answer', status: 500, times: 2 });
  const result = await outcome(w.client.customers.create({}));
  expectSame(
    { result: ending(result), first: w.sleeps[0], secondInRange: w.sleeps[1]! >= 500 && w.sleeps[1]! <= 1_000 },
    { result: 'resolved', first: 500, secondInRange: true },
    'a client created without a random source did not retry with a jittered backoff',
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

// ── pagination ──

async function collect<T>(iterable: AsyncIterable<T>, atMost = 1_000): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= atMost) break;
  }
  return items;
}

function cursors(w: ReturnType<typeof world>) {
  return w.api.received.map((r) => r.query.starting_after ?? (r.query.ending_before ? `before ${r.query.ending_before}` : 'first page'));
}

bug('auto-paging-skips-first-item', 'auto-paging 25 customers 10 at a time yields each once, in order, over 3 pages', async () => {
  const w = world();
  const ids = w.api.seed('customers', 25);
  const seen = (await collect(w.client.customers.list({ limit: 10 }))).map((c) => c.id);
  expectSame(
    { seen, requests: cursors(w) },
    { seen: ids, requests: ['first page', ids[9], ids[19]] },
    'auto-paging over three pages did not yield every customer exactly once, in order, from one request per page',
  );
});

bug('auto-paging-skips-first-item', 'auto-paging with pages of one object yields every object', async () => {
  const w = world();
  const ids = w.api.seed('charges', 4);
  const seen = (await outcome(collect(w.client.charges.list({ limit: 1 }), 10)));
  expectSame(
    { seen: seen.ok ? seen.value.map((c) => c.id) : ending(seen), requests: cursors(w) },
    { seen: ids, requests: ['first page', ...ids.slice(0, 3)] },
    'auto-paging with limit 1 did not yield each of four charges once',
  );
});

bug('auto-paging-skips-first-item', 'auto-paging with the largest page size crosses pages without losing an object', async () => {
  const w = world();
  const ids = w.api.seed('refunds', 250);
  const seen = await outcome(collect(w.client.refunds.list({ limit: 100 })));
  expectSame(
    { count: seen.ok ? seen.value.length : ending(seen), distinct: seen.ok ? new Set(seen.value.map((r) => r.id)).size : 0, last: seen.ok ? seen.value.at(-1)?.id : null, requests: w.api.received.length },
    { count: 250, distinct: 250, last: ids[249], requests: 3 },
    'auto-paging 250 refunds 100 at a time did not yield all 250',
  );
});

bug('auto-paging-skips-first-item', 'auto-paging from ending_before walks toward newer objects, each once', async () => {
  const actual: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const limit of [1, 2, 3]) {
    const w = world();
    const ids = w.api.seed('customers', 9); // newest first: cus_0009 … cus_0001
    const seen = await outcome(collect(w.client.customers.list({ limit, ending_before: 'cus_0002' }), 30));
    const newer = ids.slice(0, 7);
    const pages: string[][] = [];
    for (let end = newer.length; end > 0; end -= limit) pages.push(newer.slice(Math.max(0, end - limit), end));
    actual[`limit ${limit}`] = seen.ok ? seen.value.map((c) => c.id) : ending(seen);
    expected[`limit ${limit}`] = pages.flat();
  }
  expectSame(actual, expected, 'auto-paging a list that started with ending_before did not yield each newer customer once, page by page');
});

bug('auto-paging-skips-first-item', 'autoPagingEach and autoPagingToArray see every object across pages', async () => {
  const w = world();
  const ids = w.api.seed('charges', 12);
  const viaEach: string[] = [];
  await w.client.charges.list({ limit: 5 }).autoPagingEach((charge) => {
    viaEach.push(charge.id);
  });
  const viaArray = (await w.client.charges.list({ limit: 5 }).autoPagingToArray({ limit: 11 })).map((c) => c.id);
  expectSame({ viaEach, viaArray }, { viaEach: ids, viaArray: ids.slice(0, 11) }, 'autoPagingEach or autoPagingToArray missed charges that sit on later pages');
});

guard('a single page, or an empty list, is read with one request', async () => {
  const w = world();
  const ids = w.api.seed('customers', 3);
  const all = (await collect(w.client.customers.list({ limit: 3 }))).map((c) => c.id);
  const empty = await collect(w.client.refunds.list());
  expectSame({ all, empty, requests: w.api.received.length }, { all: ids, empty: [], requests: 2 }, 'a list that fits one page was not read with exactly one request');
});

guard('an empty page with has_more stops the iteration', async () => {
  let calls = 0;
  const list = new List<{ id: string }>(async () => {
    calls += 1;
    return { object: 'list', data: calls === 1 ? [{ id: 'ch_1' }] : [], has_more: true, url: '/v1/charges' };
  }, {});
  const seen = await collect(list, 10);
  expectSame({ seen: seen.map((c) => c.id), calls }, { seen: ['ch_1'], calls: 2 }, 'an empty page that claimed has_more did not end the iteration');
});

guard('filters and page size are sent with every page request, and only one cursor', async () => {
  const w = world();
  w.api.seed('charges', 5, { customer: 'cus_9' });
  w.api.seed('charges', 2, { customer: 'cus_other' });
  await collect(w.client.charges.list({ limit: 2, customer: 'cus_9', created: { gte: 100 } }));
  const queries = w.api.received.map((r) => r.query);
  expectSame(
    queries.map((q) => Object.keys(q).sort().join(',')),
    ['created[gte],customer,limit', 'created[gte],customer,limit,starting_after', 'created[gte],customer,limit,starting_after'],
    'later page requests did not repeat the filters and page size with a single cursor',
  );
  expectSame(queries.map((q) => [q.limit, q.customer]), [['2', 'cus_9'], ['2', 'cus_9'], ['2', 'cus_9']], 'later page requests changed the filters');
});

guard('a list that started with starting_after continues after it', async () => {
  const w = world();
  const ids = w.api.seed('customers', 8);
  const seen = (await collect(w.client.customers.list({ limit: 3, starting_after: ids[1]! }))).map((c) => c.id);
  expectSame(seen.slice(0, 3), ids.slice(2, 5), 'a list that started after a cursor did not start with the objects after it');
  expectSame(w.api.received[0]?.query.starting_after, ids[1], 'the first page was not requested after the given cursor');
});

guard('awaiting a list fetches its first page once, however often it is awaited', async () => {
  const w = world();
  w.api.seed('customers', 4);
  const list = w.client.customers.list({ limit: 2 });
  const first = await list;
  const again = await list;
  const page = await list.page();
  expectSame(
    { ids: first.data.map((c) => c.id), same: first === again && again === page, has_more: first.has_more, requests: w.api.received.length },
    { ids: ['cus_0004', 'cus_0003'], same: true, has_more: true, requests: 1 },
    'awaiting a list did not give its first page from one request',
  );
});

guard('a failing page request rejects the iteration and the awaited list', async () => {
  const w = world({ maxNetworkRetries: 0 });
  w.api.seed('customers', 3);
  w.api.inject({ kind: 'answer', status: 404 });
  const awaited = await outcome(Promise.resolve(w.client.customers.list({ limit: 2 })));
  const list = w.client.customers.list({ limit: 2 });
  await list;
  w.api.inject({ kind: 'answer', status: 401 });
  const iterated = await outcome(collect(list));
  expectSame({ awaited: ending(awaited), iterated: ending(iterated) }, { awaited: 'InvalidRequestError', iterated: 'AuthenticationError' }, 'a page request that failed did not reject with its error');
});

guard('autoPagingEach stops when the callback returns false, even asynchronously; autoPagingToArray stops at its limit', async () => {
  const w = world();
  w.api.seed('customers', 30);
  const seen: string[] = [];
  await w.client.customers.list({ limit: 10 }).autoPagingEach(async (customer) => {
    seen.push(customer.id);
    return seen.length < 12;
  });
  const requestsForEach = w.api.received.length;
  const ten = await w.client.customers.list({ limit: 10 }).autoPagingToArray({ limit: 10 });
  const one = await w.client.customers.list({ limit: 10 }).autoPagingToArray({ limit: 1 });
  expectSame(
    { seen: seen.length, requestsForEach, ten: ten.length, one: one.length, requestsForArrays: w.api.received.length - requestsForEach },
    { seen: 12, requestsForEach: 2, ten: 10, one: 1, requestsForArrays: 2 },
    'early stops of autoPagingEach / autoPagingToArray read too many or too few objects or pages',
  );
});

guard('autoPagingToArray refuses a limit outside 1 to 10,000', async () => {
  const w = world();
  w.api.seed('customers', 1);
  for (const limit of [0, 10_001, 2.5, Number.NaN, undefined]) {
    await expectRejects(w.client.customers.list().autoPagingToArray({ limit } as { limit: number }), 'ParameterError', `autoPagingToArray accepted a limit of ${limit}`);
  }
  await expectRejects(w.client.customers.list().autoPagingToArray(undefined as never), 'ParameterError', 'autoPagingToArray accepted no options at all');
  const ok = await outcome(w.client.customers.list().autoPagingToArray({ limit: 10_000 }));
  expectSame(ok.ok, true, 'autoPagingToArray refused a limit of 10,000');
});

guard('page sizes outside 1 to 100 and conflicting or empty cursors are refused before sending', () => {
  const refused: Record<string, boolean> = {};
  const cases: Record<string, object> = {
    'limit 0': { limit: 0 }, 'limit 101': { limit: 101 }, 'limit 1.5': { limit: 1.5 }, 'limit -1': { limit: -1 }, 'limit NaN': { limit: Number.NaN },
    'limit 1': { limit: 1 }, 'limit 100': { limit: 100 }, 'both cursors': { starting_after: 'cus_1', ending_before: 'cus_2' },
    'empty starting_after': { starting_after: '' }, 'empty ending_before': { ending_before: '' }, 'numeric cursor': { starting_after: 5 }, 'one cursor': { ending_before: 'cus_2' },
  };
  for (const [name, params] of Object.entries(cases)) {
    try {
      checkListParams(params);
      refused[name] = false;
    } catch (error) {
      refused[name] = (error as Error).name === 'ParameterError';
    }
  }
  expectSame(refused, {
    'limit 0': true, 'limit 101': true, 'limit 1.5': true, 'limit -1': true, 'limit NaN': true, 'limit 1': false, 'limit 100': false,
    'both cursors': true, 'empty starting_after': true, 'empty ending_before': true, 'numeric cursor': true, 'one cursor': false,
  }, 'list parameters were refused, or accepted, against the documented rules');
});

// ── client ──

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
  const statuses: [number, string, string | undefined][] = [[400, 'invalid_request_error', 'parameter_missing'], [400, 'idempotency_error', undefined], [401, 'invalid_request_error', undefined], [402, 'card_error', 'card_declined'], [403, 'invalid_request_error', undefined], [404, 'invalid_request_error', 'resource_missing'], [405, 'invalid_request_error', undefined], [409, 'invalid_request_error', 'lock_timeout'], [429, 'rate_limit_error', 'rate_limit'], [500, 'api_error', undefined], [503, 'api_error', undefined], [418, 'invalid_request_error', undefined], [300, 'invalid_request_error', undefined]];
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
    '300 invalid_request_error': row('InvalidRequestError', 'invalid_request_error', null, 300),
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

// ── resources ──

/** Runs `call`; 'sent' when it reached the API, else the refusal's class and parameter. */
async function send(w: ReturnType<typeof world>, call: () => Promise<unknown>): Promise<string> {
  const before = w.api.received.length;
  try {
    await call();
  } catch (error) {
    const e = error as { name: string; param?: string };
    if (e.name === 'ParameterError') return `refused ${e.param}${w.api.received.length > before ? ' after sending' : ''}`;
  }
  return w.api.received.length > before ? 'sent' : 'not sent';
}

function last(w: ReturnType<typeof world>) {
  const r = w.api.received.at(-1)!;
  return `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}${r.method === 'POST' ? ` ${new URLSearchParams(r.params)}` : ''}`;
}

guard('every charge method sends the documented request', async () => {
  const w = world();
  const requests: string[] = [];
  const charge = await w.client.charges.create({ amount: 2_000, currency: 'usd', customer: 'cus_1', capture: false, description: 'Order 6735', statement_descriptor: 'ACME 6735', receipt_email: 'a@b.co', metadata: { order: '6735' } });
  requests.push(last(w));
  await w.client.charges.retrieve(charge.id);
  requests.push(last(w));
  await w.client.charges.update(charge.id, { description: 'Order 6736' });
  requests.push(last(w));
  const captured = await w.client.charges.capture(charge.id, { amount: 1_500 });
  requests.push(last(w));
  await w.client.charges.list({ customer: 'cus_1', limit: 5 });
  requests.push(last(w));
  const second = await w.client.charges.create({ amount: 999, currency: 'eur', source: 'card_1', capture: false });
  await w.client.charges.capture(second.id);
  requests.push(last(w));
  expectSame(requests, [
    `POST /v1/charges amount=2000&currency=usd&customer=cus_1&capture=false&description=Order+6735&statement_descriptor=ACME+6735&receipt_email=a%40b.co&metadata%5Border%5D=6735`,
    `GET /v1/charges/${charge.id}`,
    `POST /v1/charges/${charge.id} description=Order+6736`,
    `POST /v1/charges/${charge.id}/capture amount=1500`,
    'GET /v1/charges?customer=cus_1&limit=5',
    `POST /v1/charges/${second.id}/capture `,
  ], 'charge methods did not send the documented requests');
  expectSame([captured.amount_captured, captured.captured], [1_500, true], 'capture did not resolve with the captured charge');
});

guard('charge parameters the API refuses are refused before sending', async () => {
  const w = world();
  const base = { amount: 2_000, currency: 'usd', customer: 'cus_1' };
  const cases: Record<string, () => Promise<unknown>> = {
    ok: () => w.client.charges.create(base),
    noParams: () => w.client.charges.create(undefined as never),
    source: () => w.client.charges.create({ amount: 2_000, currency: 'usd', source: 'tok_visa' }),
    srcSource: () => w.client.charges.create({ amount: 2_000, currency: 'usd', source: 'src_1' }),
    neither: () => w.client.charges.create({ amount: 2_000, currency: 'usd' }),
    badCustomer: () => w.client.charges.create({ ...base, customer: 'acct_1' }),
    bareCustomerPrefix: () => w.client.charges.create({ ...base, customer: 'cus_' }),
    badSource: () => w.client.charges.create({ amount: 2_000, currency: 'usd', source: 'pm_1' }),
    currency: () => w.client.charges.create({ ...base, currency: 'USD' }),
    belowMinimum: () => w.client.charges.create({ ...base, amount: 49 }),
    description1000: () => w.client.charges.create({ ...base, description: 'd'.repeat(1_000) }),
    description1001: () => w.client.charges.create({ ...base, description: 'd'.repeat(1_001) }),
    descriptor22: () => w.client.charges.create({ ...base, statement_descriptor: 'A'.repeat(22) }),
    descriptor23: () => w.client.charges.create({ ...base, statement_descriptor: 'A'.repeat(23) }),
    descriptorDigits: () => w.client.charges.create({ ...base, statement_descriptor: '123456' }),
    descriptorEmpty: () => w.client.charges.create({ ...base, statement_descriptor: '' }),
    descriptorQuote: () => w.client.charges.create({ ...base, statement_descriptor: 'ACME "SHOP"' }),
    descriptorStar: () => w.client.charges.create({ ...base, statement_descriptor: 'ACME*SHOP' }),
    descriptorAngle: () => w.client.charges.create({ ...base, statement_descriptor: 'ACME <SHOP>' }),
    descriptorBackslash: () => w.client.charges.create({ ...base, statement_descriptor: 'ACME\\SHOP' }),
    descriptorApostrophe: () => w.client.charges.create({ ...base, statement_descriptor: "ACME'S" }),
    metadata: () => w.client.charges.create({ ...base, metadata: { ['k'.repeat(41)]: 'v' } }),
    retrieveBadId: () => w.client.charges.retrieve('re_1'),
    retrievePy: () => w.client.charges.retrieve('py_1'),
    updateBadId: () => w.client.charges.update('cus_1', {}),
    updateDescription: () => w.client.charges.update('ch_1', { description: 'd'.repeat(1_001) }),
    updateMetadata: () => w.client.charges.update('ch_1', { metadata: { 'a[b]': 'v' } }),
    captureBadId: () => w.client.charges.capture('ch_', {}),
    captureAmount: () => w.client.charges.capture('ch_1', { amount: 0 }),
    captureDescriptor: () => w.client.charges.capture('ch_1', { statement_descriptor: '999' }),
    listBadCustomer: () => w.client.charges.list({ customer: 'ch_1' }).page(),
  };
  const actual: Record<string, string> = {};
  for (const [name, call] of Object.entries(cases)) actual[name] = await send(w, call);
  expectSame(actual, {
    ok: 'sent', noParams: 'refused currency', source: 'sent', srcSource: 'sent', neither: 'refused customer', badCustomer: 'refused customer', bareCustomerPrefix: 'refused customer', badSource: 'refused source', currency: 'refused currency',
    belowMinimum: 'refused amount', description1000: 'sent', description1001: 'refused description', descriptor22: 'sent', descriptor23: 'refused statement_descriptor',
    descriptorDigits: 'refused statement_descriptor', descriptorEmpty: 'refused statement_descriptor', descriptorQuote: 'refused statement_descriptor', descriptorStar: 'refused statement_descriptor',
    descriptorAngle: 'refused statement_descriptor', descriptorBackslash: 'refused statement_descriptor', descriptorApostrophe: 'refused statement_descriptor', metadata: 'refused metadata[' + 'k'.repeat(41) + ']',
    retrieveBadId: 'refused id', retrievePy: 'sent', updateBadId: 'refused id', updateDescription: 'refused description', updateMetadata: 'refused metadata[a[b]]',
    captureBadId: 'refused id', captureAmount: 'refused amount', captureDescriptor: 'refused statement_descriptor', listBadCustomer: 'refused customer',
  }, 'charge parameters were sent, or refused, against the documented rules');
});

guard('every refund method sends the documented request, and its parameters are checked', async () => {
  const w = world();
  const [chargeId] = w.api.seed('charges', 1, { amount: 5_000, amount_refunded: 0, currency: 'usd' });
  const requests: string[] = [];
  const refund = await w.client.refunds.create({ charge: chargeId!, amount: 1_000, reason: 'duplicate', metadata: { ticket: '88' } });
  requests.push(last(w));
  await w.client.refunds.retrieve(refund.id);
  requests.push(last(w));
  await w.client.refunds.update(refund.id, { metadata: { ticket: '89' } });
  requests.push(last(w));
  const canceled = await w.client.refunds.cancel(refund.id);
  requests.push(last(w));
  await w.client.refunds.list({ charge: chargeId!, limit: 2 });
  requests.push(last(w));
  const rest = await w.client.refunds.create({ charge: chargeId! });
  requests.push(last(w));
  expectSame(requests, [
    `POST /v1/refunds charge=${chargeId}&amount=1000&reason=duplicate&metadata%5Bticket%5D=88`,
    `GET /v1/refunds/${refund.id}`,
    `POST /v1/refunds/${refund.id} metadata%5Bticket%5D=89`,
    `POST /v1/refunds/${refund.id}/cancel `,
    `GET /v1/refunds?charge=${chargeId}&limit=2`,
    `POST /v1/refunds charge=${chargeId}`,
  ], 'refund methods did not send the documented requests');
  expectSame([canceled.status, rest.amount], ['canceled', 4_000], 'refund results were not returned as the API answered them');
  const cases: Record<string, () => Promise<unknown>> = {
    reasons: async () => { for (const reason of ['duplicate', 'fraudulent', 'requested_by_customer'] as const) await w.client.refunds.create({ charge: 'ch_x', amount: 1, reason }); },
    badReason: () => w.client.refunds.create({ charge: 'ch_x', reason: 'expired' as never }),
    badCharge: () => w.client.refunds.create({ charge: 'cus_1' }),
    noCharge: () => w.client.refunds.create(undefined as never),
    zero: () => w.client.refunds.create({ charge: 'ch_x', amount: 0 }),
    tooLarge: () => w.client.refunds.create({ charge: 'ch_x', amount: 100_000_000 }),
    metadata: () => w.client.refunds.create({ charge: 'ch_x', metadata: { '': 'v' } }),
    retrieveBad: () => w.client.refunds.retrieve('ch_1'),
    updateBad: () => w.client.refunds.update('ch_1', { metadata: null }),
    updateMetadata: () => w.client.refunds.update('re_1', { metadata: { k: 'v'.repeat(501) } }),
    cancelBad: () => w.client.refunds.cancel('re_'),
    listBad: () => w.client.refunds.list({ charge: 're_1' }).page(),
  };
  const actual: Record<string, string> = {};
  for (const [name, call] of Object.entries(cases)) actual[name] = await send(w, call);
  expectSame(actual, {
    reasons: 'sent', badReason: 'refused reason', badCharge: 'refused charge', noCharge: 'refused charge', zero: 'refused amount', tooLarge: 'refused amount', metadata: 'refused metadata[]',
    retrieveBad: 'refused id', updateBad: 'refused id', updateMetadata: 'refused metadata[k]', cancelBad: 'refused id', listBad: 'refused charge',
  }, 'refund parameters were sent, or refused, against the documented rules');
});

guard('every customer method sends the documented request, and its parameters are checked', async () => {
  const w = world();
  const requests: string[] = [];
  const customer = await w.client.customers.create({ email: 'jenny.rosen@example.com', name: 'Jenny Rosen', phone: '+14155550100', description: 'VIP', address: { line1: '1 Main St', country: 'US' } });
  requests.push(last(w));
  await w.client.customers.retrieve(customer.id);
  requests.push(last(w));
  await w.client.customers.update(customer.id, { name: null, metadata: { tier: '' } });
  requests.push(last(w));
  await w.client.customers.list({ email: 'jenny.rosen@example.com' });
  requests.push(last(w));
  const deleted = await w.client.customers.del(customer.id);
  requests.push(last(w));
  await w.client.customers.create();
  requests.push(last(w));
  expectSame(requests, [
    'POST /v1/customers email=jenny.rosen%40example.com&name=Jenny+Rosen&phone=%2B14155550100&description=VIP&address%5Bline1%5D=1+Main+St&address%5Bcountry%5D=US',
    `GET /v1/customers/${customer.id}`,
    `POST /v1/customers/${customer.id} name=&metadata%5Btier%5D=`,
    'GET /v1/customers?email=jenny.rosen%40example.com',
    `DELETE /v1/customers/${customer.id}`,
    'POST /v1/customers ',
  ], 'customer methods did not send the documented requests');
  expectSame(deleted, { id: customer.id, object: 'customer', deleted: true }, 'deleting a customer did not resolve with the deleted customer');
  const cases: Record<string, () => Promise<unknown>> = {
    email512: () => w.client.customers.create({ email: `${'a'.repeat(500)}@example.com` }),
    email513: () => w.client.customers.create({ email: `${'a'.repeat(501)}@example.com` }),
    notEmail: () => w.client.customers.create({ email: 'jenny at example.com' }),
    noDomain: () => w.client.customers.create({ email: 'jenny@' }),
    spaced: () => w.client.customers.create({ email: 'jenny rosen@example.com' }),
    name256: () => w.client.customers.create({ name: 'n'.repeat(256) }),
    name257: () => w.client.customers.create({ name: 'n'.repeat(257) }),
    phone20: () => w.client.customers.create({ phone: '1'.repeat(20) }),
    phone21: () => w.client.customers.create({ phone: '1'.repeat(21) }),
    description350: () => w.client.customers.create({ description: 'd'.repeat(350) }),
    description351: () => w.client.customers.create({ description: 'd'.repeat(351) }),
    country: () => w.client.customers.create({ address: { country: 'us' } }),
    country3: () => w.client.customers.create({ address: { country: 'USA' } }),
    nullAddress: () => w.client.customers.create({ address: null }),
    numberName: () => w.client.customers.create({ name: 5 as never }),
    metadata50: () => w.client.customers.create({ metadata: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) }),
    metadata51: () => w.client.customers.create({ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }),
    metadataKey40: () => w.client.customers.create({ metadata: { ['k'.repeat(40)]: 'v'.repeat(500) } }),
    metadataNumber: () => w.client.customers.create({ metadata: { k: 5 as never } }),
    metadataArray: () => w.client.customers.create({ metadata: [] as never }),
    metadataString: () => w.client.customers.create({ metadata: 'x' as never }),
    metadataBracket: () => w.client.customers.create({ metadata: { 'a]': 'v' } }),
    updateBad: () => w.client.customers.update('ch_1', {}),
    updateEmail: () => w.client.customers.update('cus_1', { email: 'nope' }),
    retrieveBad: () => w.client.customers.retrieve('cus_'),
    delBad: () => w.client.customers.del('re_1'),
    listBad: () => w.client.customers.list({ email: 'nope' }).page(),
  };
  const actual: Record<string, string> = {};
  for (const [name, call] of Object.entries(cases)) actual[name] = await send(w, call);
  expectSame(actual, {
    email512: 'sent', email513: 'refused email', notEmail: 'refused email', noDomain: 'refused email', spaced: 'refused email', name256: 'sent', name257: 'refused name', phone20: 'sent', phone21: 'refused phone',
    description350: 'sent', description351: 'refused description', country: 'refused address[country]', country3: 'refused address[country]', nullAddress: 'sent', numberName: 'refused name',
    metadata50: 'sent', metadata51: 'refused metadata', metadataKey40: 'sent', metadataNumber: 'refused metadata[k]', metadataArray: 'refused metadata', metadataString: 'refused metadata', metadataBracket: 'refused metadata[a]]',
    updateBad: 'refused id', updateEmail: 'refused email', retrieveBad: 'refused id', delBad: 'refused id', listBad: 'refused email',
  }, 'customer parameters were sent, or refused, against the documented rules');
});
