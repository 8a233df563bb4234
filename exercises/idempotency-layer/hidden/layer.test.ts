/**
 * The server side: IdempotencyLayer.handle. Sequential scenarios first, then model-based
 * comparisons with the reference, then concurrent scenarios explored with the scheduler.
 */
import { bug, guard, compareWithReference, explore, expectSame, expectThat, fc } from 'bugbash/harness';
import type { ApiResponse } from '@impl/types';
import { chargedParams, comparison, failingParams, invalidParams, sends, validParams, waits } from './model';
import { ALICE, BOB, CHARGES, DECLINED, HOUR, LOOKUP_DOWN, LOOKUP_FAILURE, MINUTE, PAYMENT_INTENTS, RETENTION, UPSTREAM_TIMEOUT, buildWorld, charge, restore, rowsAfter, send, view, type World } from './world';

const ORDER = { amount: 2000, currency: 'usd', customer: ALICE };
const IN_USE = { status: 409, error: { type: 'invalid_request_error', code: 'idempotency_key_in_use' } };

guard('a request without an idempotency key runs every time it is sent', async () => {
  const world = buildWorld();
  const first = await world.layer.handle(charge(undefined));
  const second = await world.layer.handle(charge(undefined));
  expectSame(
    { statuses: [first.status, second.status], charges: world.api.charges.length },
    { statuses: [200, 200], charges: 2 },
    'two requests without an idempotency key were not both charged',
  );
});

guard('a retry with the same key gets the saved response back and charges nothing more', async () => {
  const world = buildWorld();
  const first = await world.layer.handle(charge('order-1001', ORDER));
  const retry = await world.layer.handle(charge('order-1001', { ...ORDER }));
  expectSame(first.status, 200, 'the first charge with an idempotency key did not succeed');
  expectSame(view(retry), view(first), 'a retry with the same idempotency key did not get the first response back');
  expectSame(world.api.charges.length, 1, 'a retry with the same idempotency key charged the card again');
});

guard('a declined charge is saved: retries get the same 402 and the card is not tried again', async () => {
  const world = buildWorld();
  const params = { amount: 2000, currency: 'usd', customer: DECLINED };
  const first = await world.layer.handle(charge('order-1002', params));
  const retry = await world.layer.handle(charge('order-1002', params));
  expectSame(view(first), { status: 402, error: { type: 'card_error', code: 'card_declined' } }, 'a declined card did not answer 402 card_declined');
  expectSame(retry, first, 'a retry of a declined charge did not get the saved decline back');
});

guard('the same key with different parameters is refused with an idempotency_error', async () => {
  const world = buildWorld();
  await world.layer.handle(charge('order-1003', ORDER));
  const other = await world.layer.handle(charge('order-1003', { ...ORDER, amount: 2500 }));
  expectSame(
    { response: view(other), charges: world.api.charges.length },
    { response: { status: 400, error: { type: 'idempotency_error' } }, charges: 1 },
    'a key reused with a different amount was not refused with a 400 idempotency_error',
  );
});

guard('a retry that lists the same parameters in another order is a replay', async () => {
  const world = buildWorld();
  const first = await world.layer.handle(charge('order-1004', { amount: 2000, currency: 'usd', customer: ALICE, metadata: { order_id: '1004', channel: 'web' } }));
  const retry = await world.layer.handle(charge('order-1004', { metadata: { channel: 'web', order_id: '1004' }, customer: ALICE, currency: 'usd', amount: 2000 }));
  expectSame(
    { response: view(retry), charges: world.api.charges.length },
    { response: view(first), charges: 1 },
    'a retry with the same parameters in a different order was not treated as the same request',
  );
});

guard('a request while the first with its key is still running is answered at once with 409 idempotency_key_in_use', async () => {
  const world = buildWorld();
  const hold = world.api.holdExecutions();
  const first = world.env.run('first request', () => world.layer.handle(charge('order-1005', ORDER)));
  await hold.started;
  let answered: ApiResponse | undefined;
  const second = world.env.run('retry', () => world.layer.handle(charge('order-1005', ORDER))).then((response) => (answered = response));
  // The retry is not queued behind the first request: it is answered while the card is still being charged.
  for (let round = 0; round < 50 && answered === undefined; round++) await new Promise<void>((resolve) => setImmediate(resolve));
  const whileRunning = answered;
  hold.release();
  const firstResponse = await first;
  await second;
  expectSame(
    { retry: whileRunning === undefined ? 'still waiting while the first request ran' : view(whileRunning), first: firstResponse.status, charges: world.api.charges.length },
    { retry: IN_USE, first: 200, charges: 1 },
    'a retry sent while the first request was still charging the card was not answered at once with 409 idempotency_key_in_use',
  );
  const later = await world.layer.handle(charge('order-1005', ORDER));
  expectSame(later, firstResponse, 'once the first request finished, a retry did not get its response back');
});

guard('keys are scoped to the account: two merchants using the same key each get their own charge', async () => {
  const world = buildWorld();
  const mine = await world.layer.handle(charge('order-1', ORDER, { accountId: 'acct_1' }));
  const theirs = await world.layer.handle(charge('order-1', ORDER, { accountId: 'acct_2' }));
  expectSame(
    { statuses: [mine.status, theirs.status], charges: world.api.charges.length, sameResponse: JSON.stringify(mine) === JSON.stringify(theirs) },
    { statuses: [200, 200], charges: 2, sameResponse: false },
    "a second merchant using the same key as another merchant got the other merchant's saved charge back",
  );
});

guard('a retry exactly 24 h after the first request still gets the saved response', async () => {
  const world = buildWorld();
  const first = await world.layer.handle(charge('order-1006', ORDER));
  world.clock.advance(RETENTION - MINUTE);
  const nearly = await world.layer.handle(charge('order-1006', ORDER));
  world.clock.advance(MINUTE);
  const exactly = await world.layer.handle(charge('order-1006', ORDER));
  expectSame(
    { 'after 23 h 59 min': view(nearly), 'after exactly 24 h': view(exactly), charges: world.api.charges.length },
    { 'after 23 h 59 min': view(first), 'after exactly 24 h': view(first), charges: 1 },
    'a retry within 24 hours of the first request (24 h exactly included) charged the card again',
  );
});

guard('1 ms past 24 hours after the first request the key runs as new', async () => {
  const world = buildWorld();
  await world.layer.handle(charge('order-1008', ORDER));
  world.clock.advance(RETENTION + 1);
  const reused = await world.layer.handle(charge('order-1008', ORDER));
  expectSame(
    { status: reused.status, charges: world.api.charges.length },
    { status: 200, charges: 2 },
    'a key 24 h and 1 ms old was not run as a new key',
  );
});

guard('more than 24 hours after the first request the key can be used again as new', async () => {
  const world = buildWorld();
  await world.layer.handle(charge('order-1007', ORDER));
  world.clock.advance(24 * HOUR + MINUTE);
  const reused = await world.layer.handle(charge('order-1007', { amount: 900, currency: 'usd', customer: BOB }));
  expectSame(
    { status: reused.status, charges: world.api.charges.map((c) => `${c.customer} ${c.amount}`) },
    { status: 200, charges: [`${ALICE} 2000`, `${BOB} 900`] },
    'a key more than 24 hours old was not usable as a new key',
  );
});

guard('a key longer than 255 characters is refused with a 400 before anything runs', async () => {
  const world = buildWorld();
  const response = await world.layer.handle(charge('k'.repeat(256), ORDER));
  expectSame(
    { status: response.status, charges: world.api.charges.length },
    { status: 400, charges: 0 },
    'a 256-character idempotency key was not refused with a 400',
  );
});

guard('an invalid request without a key is rejected with the API error and charges nothing', async () => {
  const world = buildWorld();
  const response = await world.layer.handle(charge(undefined, { amount: 10, currency: 'usd', customer: ALICE }));
  expectSame(
    { response: view(response), charges: world.api.charges.length },
    { response: { status: 400, error: { type: 'invalid_request_error', code: 'amount_invalid' } }, charges: 0 },
    'an invalid request did not get the 400 amount_invalid from the API',
  );
});

bug('key-length-off-by-one', 'keys of 1 to 255 characters are accepted; an empty key and keys of 256 or more are refused', async () => {
  const lengths = [0, 1, 254, 255, 256, 257, 1000];
  const seen: Record<string, unknown> = {};
  for (const length of lengths) {
    const world = buildWorld();
    const response = await world.layer.handle(charge('k'.repeat(length), ORDER));
    seen[`${length} characters`] = { response: response.status === 200 ? 'charged' : view(response), charges: world.api.charges.length };
  }
  const refused = { response: { status: 400, error: { type: 'invalid_request_error', code: 'idempotency_key_invalid' } }, charges: 0 };
  const charged = { response: 'charged', charges: 1 };
  expectSame(
    seen,
    { '0 characters': refused, '1 characters': charged, '254 characters': charged, '255 characters': charged, '256 characters': refused, '257 characters': refused, '1000 characters': refused },
    'idempotency keys were not accepted exactly when they are 1 to 255 characters long',
  );
});

bug('key-length-off-by-one', 'a key of exactly 255 characters is accepted and the charge runs', async () => {
  const world = buildWorld();
  const response = await world.layer.handle(charge('k'.repeat(255), ORDER));
  expectSame(
    { status: response.status, charges: world.api.charges.length },
    { status: 200, charges: 1 },
    'a charge with a 255-character idempotency key (the documented maximum) was refused',
  );
});

bug('key-length-off-by-one', 'a retry with a 255-character key is replayed like any other', async () => {
  const world = buildWorld();
  const key = `checkout-${'7'.repeat(246)}`;
  const first = await world.layer.handle(charge(key, ORDER));
  const retry = await world.layer.handle(charge(key, ORDER));
  const charged = { status: 200, body: { id: 'ch_1', object: 'charge', amount: 2000, currency: 'usd', customer: ALICE, status: 'succeeded' } };
  expectSame(
    { first: view(first), retry: view(retry), charges: world.api.charges.length },
    { first: charged, retry: charged, charges: 1 },
    'a client using a 255-character idempotency key could not charge at all',
  );
});

bug('server-error-not-replayed', 'a retry after a 500 that came after the card was charged does not charge again', async () => {
  const world = buildWorld();
  world.api.failNext('after-charge');
  const first = await world.layer.handle(charge('order-2001', ORDER));
  const retry = await world.layer.handle(charge('order-2001', ORDER));
  expectSame(first.status, 500, 'a failure inside the API did not answer 500');
  expectThat(world.api.charges.length === 1, 'a retry after a 500 charged the card a second time, although the first attempt had already charged it', {
    expected: { retry: view(first), cardCharges: 1 },
    actual: { retry: view(retry), cardCharges: world.api.charges.length },
  });
});

bug('server-error-not-replayed', 'a saved 500 is replayed to retries with the same status and body', async () => {
  const world = buildWorld();
  world.api.failNext('before-charge');
  const first = await world.layer.handle(charge('order-2002', ORDER));
  const retry = await world.layer.handle(charge('order-2002', ORDER));
  expectSame(retry, first, 'a retry after a 500 got a different answer from the first request: the saved 500 was not replayed');
});

bug('server-error-not-replayed', 'a 502 the endpoint answered after charging the card is saved and replayed', async () => {
  const world = buildWorld();
  const params = { amount: 2000, currency: 'usd', customer: UPSTREAM_TIMEOUT };
  const first = await world.layer.handle(charge('order-2003', params));
  const retry = await world.layer.handle(charge('order-2003', params));
  expectSame(view(first), { status: 502, error: { type: 'api_error', code: 'card_network_timeout' } }, 'the endpoint\'s 502 did not reach the client');
  expectThat(world.api.charges.length === 1 && JSON.stringify(retry) === JSON.stringify(first), 'a retry after a 502 answered by the charges endpoint ran the charge again instead of getting the saved 502', {
    expected: { retry: first, cardCharges: 1 },
    actual: { retry, cardCharges: world.api.charges.length },
  });
});

bug('validation-failure-saved', 'after a validation error, the corrected request with the same key goes through', async () => {
  const world = buildWorld();
  const rejected = await world.layer.handle(charge('order-3001', { amount: 10, currency: 'usd', customer: ALICE }));
  const corrected = await world.layer.handle(charge('order-3001', { amount: 1000, currency: 'usd', customer: ALICE }));
  expectSame(view(rejected), { status: 400, error: { type: 'invalid_request_error', code: 'amount_invalid' } }, 'an amount below the minimum was not rejected with 400 amount_invalid');
  expectSame(
    { response: view(corrected), charges: world.api.charges.length },
    { response: { status: 200, body: { id: 'ch_1', object: 'charge', amount: 1000, currency: 'usd', customer: ALICE, status: 'succeeded' } }, charges: 1 },
    'after a request was rejected by validation, the corrected retry with the same key was refused instead of charged',
  );
});

bug('validation-failure-saved', 'a request rejected for a wrong URL does not use up its key', async () => {
  const world = buildWorld();
  const rejected = await world.layer.handle(charge('order-3002', ORDER, { endpoint: 'POST /v1/charge' }));
  const fixed = await world.layer.handle(charge('order-3002', ORDER, { endpoint: CHARGES }));
  expectSame(view(rejected), { status: 404, error: { type: 'invalid_request_error', code: 'resource_missing' } }, 'a request to an unknown URL did not get 404 resource_missing');
  expectSame(
    { status: fixed.status, charges: world.api.charges.length },
    { status: 200, charges: 1 },
    'after a request to a mistyped URL was rejected, the same request to the right URL with the same key was not charged',
  );
});

bug('validation-failure-saved', 'a key whose result expired: a request rejected by validation leaves it usable too', async () => {
  const world = buildWorld();
  await world.layer.handle(charge('order-3003', ORDER));
  world.clock.advance(RETENTION + HOUR);
  const rejected = await world.layer.handle(charge('order-3003', { amount: 900, currency: 'usd', customer: 'bob' }));
  const corrected = await world.layer.handle(charge('order-3003', { amount: 900, currency: 'usd', customer: BOB }));
  expectSame(
    { rejected: view(rejected), corrected: corrected.status, charges: world.api.charges.map((c) => `${c.customer} ${c.amount}`) },
    { rejected: { status: 400, error: { type: 'invalid_request_error', code: 'resource_missing' } }, corrected: 200, charges: [`${ALICE} 2000`, `${BOB} 900`] },
    'a day after a key was first used, a request rejected by validation used it up: the corrected request with the same key was not charged',
  );
});

bug('validation-failure-saved', 'after a validation error the corrected request is declined, and that decline is saved', async () => {
  const world = buildWorld();
  const rejected = await world.layer.handle(charge('order-3004', { amount: 2000, currency: 'usd', customer: 'declined' }));
  const params = { amount: 2000, currency: 'usd', customer: DECLINED };
  const declined = await world.layer.handle(charge('order-3004', params));
  const retry = await world.layer.handle(charge('order-3004', params));
  expectSame(
    { rejected: view(rejected), declined: view(declined), retry: view(retry), triesAtTheCardNetwork: world.api.declines.length },
    {
      rejected: { status: 400, error: { type: 'invalid_request_error', code: 'resource_missing' } },
      declined: { status: 402, error: { type: 'card_error', code: 'card_declined' } },
      retry: { status: 402, error: { type: 'card_error', code: 'card_declined' } },
      triesAtTheCardNetwork: 1,
    },
    'a validation failure was saved, or the decline that followed it was not: only responses of requests that ran are saved, all of them',
  );
  expectSame(retry, declined, 'the retry did not get the saved decline back exactly');
});

bug('key-reused-across-endpoints', 'the request fingerprint: the same endpoint and parameters in any order replay, another endpoint is refused', async () => {
  const world = buildWorld();
  const params = { amount: 2000, currency: 'usd', customer: ALICE, metadata: { order_id: '4002', channel: 'web', tags: ['a', 'b'] } };
  const first = await world.layer.handle(charge('order-4002', params));
  const reordered = await world.layer.handle(charge('order-4002', { metadata: { tags: ['a', 'b'], channel: 'web', order_id: '4002' }, customer: ALICE, amount: 2000, currency: 'usd' }));
  const elsewhere = await world.layer.handle(charge('order-4002', params, { endpoint: PAYMENT_INTENTS }));
  expectSame(
    { reordered: view(reordered), otherEndpoint: view(elsewhere), charges: world.api.charges.length },
    { reordered: view(first), otherEndpoint: { status: 400, error: { type: 'idempotency_error' } }, charges: 1 },
    'requests were not matched by endpoint and parameter values: a retry listing its parameters in another order must replay, the same key on another endpoint must be refused',
  );
});

bug('key-reused-across-endpoints', 'the same key sent to another endpoint with the same parameters is refused', async () => {
  const world = buildWorld();
  const charged = await world.layer.handle(charge('order-4001', ORDER, { endpoint: CHARGES }));
  const intent = await world.layer.handle(charge('order-4001', ORDER, { endpoint: PAYMENT_INTENTS }));
  expectSame(charged.status, 200, 'the first charge did not succeed');
  expectSame(
    view(intent),
    { status: 400, error: { type: 'idempotency_error' } },
    "a key first used for a charge, reused on /v1/payment_intents with the same parameters, got the charge's saved response back instead of a 400 idempotency_error",
  );
});

bug('in-progress-key-taken-over', 'a key left in progress by a server that crashed stays in use until 24 h after its first request', async () => {
  const world = buildWorld();
  await restore(world, await rowsAfter([charge('order-1010', ORDER)], { crash: true }));
  world.clock.advance(30 * MINUTE);
  const halfAnHour = await world.layer.handle(charge('order-1010', ORDER));
  world.clock.advance(RETENTION - 30 * MINUTE);
  const within = await world.layer.handle(charge('order-1010', ORDER));
  world.clock.advance(1);
  const after = await world.layer.handle(charge('order-1010', ORDER));
  expectSame(
    { 'at 30 min': view(halfAnHour), 'at 24 h': view(within), 'at 24 h + 1 ms': after.status, charges: world.api.charges.length },
    { 'at 30 min': IN_USE, 'at 24 h': IN_USE, 'at 24 h + 1 ms': 200, charges: 1 },
    'a key left in progress by a crashed server was not in use (409) until 24 h had passed, or could not be used after',
  );
});

bug('in-progress-key-taken-over', 'a retry 10 minutes into a charge that is still running gets 409 and charges nothing', async () => {
  const world = buildWorld();
  const hold = world.api.holdExecutions();
  const first = world.env.run('first request', () => world.layer.handle(charge('order-1011', ORDER)));
  await hold.started;
  world.clock.advance(10 * MINUTE);
  const retry = world.env.run('retry 10 min later', () => world.layer.handle(charge('order-1011', ORDER)));
  // The retry is answered before the first request finishes; let it run as far as it goes.
  for (let round = 0; round < 50; round++) await new Promise<void>((resolve) => setImmediate(resolve));
  hold.release();
  const [firstResponse, retryResponse] = await Promise.all([first, retry]);
  expectSame(
    { retry: view(retryResponse), first: firstResponse.status, cardCharges: world.api.charges.length },
    { retry: IN_USE, first: 200, cardCharges: 1 },
    'a retry sent while a slow charge was still running (10 minutes in) ran the charge again instead of getting 409 idempotency_key_in_use',
  );
  const later = await world.layer.handle(charge('order-1011', ORDER));
  expectSame(later, firstResponse, 'once the slow first request finished, a retry did not get its response back');
});

bug('in-progress-key-taken-over', 'a request still running is in use for retries at any time within 24 h of its start', async () => {
  const world = buildWorld();
  const hold = world.api.holdExecutions();
  const first = world.env.run('first request', () => world.layer.handle(charge('order-1012', ORDER)));
  await hold.started;
  const offsets = [5 * MINUTE + 1, HOUR, 12 * HOUR, RETENTION - MINUTE, RETENTION];
  const retries: Promise<ApiResponse>[] = [];
  let elapsed = 0;
  for (const offset of offsets) {
    world.clock.advance(offset - elapsed);
    elapsed = offset;
    retries.push(world.env.run(`retry at ${offset} ms`, () => world.layer.handle(charge('order-1012', ORDER))));
    for (let round = 0; round < 20; round++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  hold.release();
  await first;
  const answers = await Promise.all(retries);
  expectSame(
    { retries: answers.map(view), cardCharges: world.api.charges.length },
    { retries: offsets.map(() => IN_USE), cardCharges: 1 },
    'retries of a charge still running (at 5 min, 1 h, 12 h, 23 h 59 min and 24 h) were not all answered 409 idempotency_key_in_use: one ran the charge again',
  );
});

const API_ERROR = { status: 500, error: { type: 'api_error' } };

function detailsIn(response: ApiResponse, details: string[]): string[] {
  const body = JSON.stringify(response.body);
  return details.filter((detail) => body.includes(detail));
}

bug('internal-error-exposed', 'a charge that failed unexpectedly answers 500 api_error without the internal cause', async () => {
  const seen: Record<string, unknown> = {};
  for (const [label, fail] of [
    ['card network unreachable', (world: World) => world.api.failNext('before-charge')],
    ['receipt store timed out after the charge', (world: World) => world.api.failNext('after-charge')],
  ] as const) {
    for (const key of ['order-7001', undefined]) {
      const world = buildWorld();
      fail(world);
      const response = await world.layer.handle(charge(key, ORDER));
      seen[`${label}, ${key === undefined ? 'no key' : 'with a key'}`] = { response: view(response), internalDetails: detailsIn(response, ['card network connection reset', 'receipt store timed out', 'connection reset', 'timed out']) };
    }
  }
  const hidden = { response: API_ERROR, internalDetails: [] };
  expectSame(
    seen,
    {
      'card network unreachable, with a key': hidden,
      'card network unreachable, no key': hidden,
      'receipt store timed out after the charge, with a key': hidden,
      'receipt store timed out after the charge, no key': hidden,
    },
    'an unexpected failure inside the API reached the client with its internal cause in the 500 response',
  );
});

bug('internal-error-exposed', 'a crash while validating (customer database unreachable) answers 500 api_error without internal details', async () => {
  const seen: Record<string, unknown> = {};
  for (const key of ['order-7002', undefined]) {
    const world = buildWorld();
    const response = await world.layer.handle(charge(key, { amount: 2000, currency: 'usd', customer: LOOKUP_DOWN }));
    seen[key === undefined ? 'no key' : 'with a key'] = {
      response: view(response),
      internalDetails: detailsIn(response, [LOOKUP_FAILURE, 'ECONNREFUSED', '10.20.4.17', 'customers-db']),
      cardCharges: world.api.charges.length,
    };
  }
  const hidden = { response: API_ERROR, internalDetails: [], cardCharges: 0 };
  expectSame(
    seen,
    { 'with a key': hidden, 'no key': hidden },
    'when the customer database could not be reached during validation, the 500 response showed the client internal details (a database address)',
  );
});

// Model-based comparisons with the reference.

guard('replays, parameter mismatches, declines and expiry match the reference', async () => {
  await compareWithReference(
    comparison('responses or card charges diverged from the reference', fc.oneof(sends(validParams), waits), 11),
  );
});

bug('key-reused-across-endpoints', 'keys reused across charges and payment intents behave as in the reference', async () => {
  await compareWithReference(
    comparison(
      'a key used on both /v1/charges and /v1/payment_intents behaved differently from the reference',
      fc.oneof({ arbitrary: sends(chargedParams, [CHARGES, PAYMENT_INTENTS]), weight: 4 }, { arbitrary: waits, weight: 1 }),
      14,
    ),
  );
});

bug('validation-failure-saved', 'requests rejected by validation leave their key usable, as in the reference', async () => {
  await compareWithReference(
    comparison(
      'after a request was rejected by validation, its key behaved differently from the reference',
      fc.oneof({ arbitrary: sends(validParams), weight: 2 }, { arbitrary: sends(invalidParams), weight: 2 }, { arbitrary: waits, weight: 1 }),
      12,
    ),
  );
});

bug('server-error-not-replayed', 'requests that failed with a 500 are replayed, as in the reference', async () => {
  await compareWithReference(
    comparison(
      'after a request failed with a 500, retries with its key diverged from the reference',
      fc.oneof({ arbitrary: sends(validParams), weight: 2 }, { arbitrary: sends(failingParams), weight: 2 }, { arbitrary: waits, weight: 1 }),
      13,
    ),
  );
});

// Concurrent requests, under every ordering of their arrivals and store round trips.

/** Explored scenarios run many orderings: on a loaded machine they may need more than the default 5 s. */
const RACE = { timeout: 20_000 };

function settled(result: PromiseSettledResult<ApiResponse>): unknown {
  return result.status === 'fulfilled' ? view(result.value) : { threw: String(result.reason) };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Of concurrent requests with one key and the same parameters, exactly one runs: each other
 * one is told the key is in use (409) or, if it looked after the first had finished, gets
 * the first one's response. `alsoAllowed` lists other answers the brief allows some of them.
 */
function checkRanOnce(world: World, results: PromiseSettledResult<ApiResponse>[], symptom: string, alsoAllowed: unknown[] = []): void {
  const seen = results.map(settled);
  const answers = seen.filter((r) => !same(r, IN_USE) && !alsoAllowed.some((allowed) => same(r, allowed)));
  const charged = answers[0] as { status?: number } | undefined;
  expectThat(world.api.charges.length === 1 && charged?.status === 200 && answers.every((r) => same(r, charged)), symptom, {
    expected: { cardCharges: 1, responses: 'one charge; every other request gets 409 idempotency_key_in_use or that same charge back' },
    actual: { cardCharges: world.api.charges.length, responses: seen },
    interleaving: world.env.trace,
  });
}

bug('concurrent-same-key', 'a request and its retry, arriving at any moment of each other, charge the card once', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env);
    const results = await env.outcomes([send(world, 'request', charge('order-5001', ORDER)), send(world, 'client retry', charge('order-5001', ORDER))]);
    checkRanOnce(world, results, 'a request and its retry with the same idempotency key both charged the card');
  });
}, RACE);

bug('concurrent-same-key', 'a rejected request and its corrected version at once, and a retry of that at any moment, charge the card once', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env);
    const results = await env.outcomes([
      // The first two start together; the retry's arrival is explored: it may come at any step of theirs.
      send(world, 'rejected request', charge('order-5003', { amount: 10, currency: 'usd', customer: ALICE }), { arrival: 'now' }),
      send(world, 'corrected request', charge('order-5003', ORDER), { arrival: 'now' }),
      send(world, 'client retry', charge('order-5003', ORDER)),
    ]);
    const rejected = settled(results[0]!);
    const refusals = [{ status: 400, error: { type: 'invalid_request_error', code: 'amount_invalid' } }, { status: 400, error: { type: 'idempotency_error' } }, IN_USE];
    expectThat(refusals.some((refusal) => same(rejected, refusal)), 'a request with an invalid amount was not refused', {
      expected: '400 amount_invalid (or 400 idempotency_error / 409 when it came after the corrected request claimed the key)',
      actual: rejected,
      interleaving: env.trace,
    });
    // While the rejected request is being handled, the corrected one may be turned away (409, or
    // a mismatch against the rejected one's parameters): refusals that are not saved.
    const corrected = results.slice(1).map(settled);
    const answers = corrected.filter((r) => !same(r, IN_USE) && !same(r, { status: 400, error: { type: 'idempotency_error' } }));
    expectThat(world.api.charges.length <= 1 && answers.every((r) => same(r, answers[0]) && (r as { status: number }).status === 200), 'the corrected request and its retry both charged the card', {
      expected: { cardCharges: 'at most 1', responses: 'one charge; the other request gets 409 idempotency_key_in_use or that same charge back' },
      actual: { cardCharges: world.api.charges.length, responses: corrected },
      interleaving: env.trace,
    });
  });
}, RACE);

bug('concurrent-same-key', 'two retries of a key whose result expired, arriving at any moment, charge the card once', async () => {
  const yesterday = await rowsAfter([charge('order-5002', ORDER)]);
  await explore({}, async (env) => {
    const world = buildWorld(env);
    await restore(world, yesterday);
    world.clock.advance(RETENTION + HOUR);
    const results = await env.outcomes([
      send(world, 'request', charge('order-5002', { amount: 900, currency: 'usd', customer: BOB })),
      send(world, 'client retry', charge('order-5002', { amount: 900, currency: 'usd', customer: BOB })),
    ]);
    checkRanOnce(world, results, 'two retries with an idempotency key whose result had expired both charged the card');
  });
}, RACE);

bug('concurrent-same-key', 'two retries of a key a crashed server left in progress a day ago charge the card once', async () => {
  const crashed = await rowsAfter([charge('order-5004', ORDER)], { crash: true });
  await explore({}, async (env) => {
    const world = buildWorld(env);
    await restore(world, crashed);
    world.clock.advance(RETENTION + HOUR);
    const results = await env.outcomes([send(world, 'request', charge('order-5004', ORDER)), send(world, 'client retry', charge('order-5004', ORDER))]);
    checkRanOnce(world, results, 'two retries took over a key a crashed server had left in progress, and both charged the card');
  });
}, RACE);

bug('concurrent-same-key', 'two merchants using the same key at the same moment each get their own charge', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env);
    const results = await env.outcomes([
      send(world, 'acct_1 request', charge('order-1', ORDER, { accountId: 'acct_1' })),
      send(world, 'acct_2 request', charge('order-1', { amount: 900, currency: 'usd', customer: BOB }, { accountId: 'acct_2' })),
    ]);
    const statuses = results.map((r) => (r.status === 'fulfilled' ? view(r.value) : settled(r)));
    expectThat(
      results.every((r) => r.status === 'fulfilled' && r.value.status === 200) && world.api.charges.length === 2,
      "two merchants' requests with the same idempotency key, sent at the same moment, did not both charge: keys belong to the account that sent them",
      { expected: { statuses: [200, 200], cardCharges: 2 }, actual: { responses: statuses, cardCharges: world.api.charges.length }, interleaving: env.trace },
    );
  });
}, RACE);

guard('concurrent requests with different keys each run once', async () => {
  await explore({}, async (env) => {
    const world = buildWorld(env);
    const results = await env.outcomes([
      send(world, 'order 6001', charge('order-6001', ORDER)),
      send(world, 'order 6002', charge('order-6002', { amount: 900, currency: 'usd', customer: BOB })),
    ]);
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 'threw'));
    expectThat(statuses.every((s) => s === 200) && world.api.charges.length === 2, 'two concurrent charges with different idempotency keys did not both go through', {
      expected: { statuses: [200, 200], cardCharges: 2 },
      actual: { statuses, cardCharges: world.api.charges.length },
      interleaving: env.trace,
    });
  });
}, RACE);
