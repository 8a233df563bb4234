/**
 * The server side: IdempotencyLayer.handle. Sequential scenarios first, then model-based
 * comparisons with the reference, then concurrent scenarios explored with the scheduler.
 */
import { bug, guard, compareWithReference, explore, expectSame, expectThat, fc } from 'bugbash/harness';
import type { ApiResponse } from '@impl/types';
import { comparison, failingParams, invalidParams, sends, validParams, waits } from './model';
import { ALICE, BOB, CHARGES, DECLINED, HOUR, MINUTE, PAYMENT_INTENTS, buildWorld, charge, send, view } from './world';

const ORDER = { amount: 2000, currency: 'usd', customer: ALICE };

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

guard('a request while the first with its key is still running gets 409 idempotency_key_in_use', async () => {
  const world = buildWorld();
  const hold = world.api.holdExecutions();
  const first = world.env.run('first request', () => world.layer.handle(charge('order-1005', ORDER)));
  await hold.started;
  const second = await world.env.run('retry', () => world.layer.handle(charge('order-1005', ORDER)));
  hold.release();
  const firstResponse = await first;
  expectSame(
    { retry: view(second), first: firstResponse.status, charges: world.api.charges.length },
    { retry: { status: 409, error: { type: 'invalid_request_error', code: 'idempotency_key_in_use' } }, first: 200, charges: 1 },
    'a retry sent while the first request was still charging the card did not get 409 idempotency_key_in_use',
  );
  const later = await world.layer.handle(charge('order-1005', ORDER));
  expectSame(view(later), view(firstResponse), 'once the first request finished, a retry did not get its response back');
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

guard('a retry 23 h 59 min after the first request still gets the saved response', async () => {
  const world = buildWorld();
  const first = await world.layer.handle(charge('order-1006', ORDER));
  world.clock.advance(24 * HOUR - MINUTE);
  const retry = await world.layer.handle(charge('order-1006', ORDER));
  expectSame(
    { response: view(retry), charges: world.api.charges.length },
    { response: view(first), charges: 1 },
    'a retry within 24 hours of the first request charged the card again',
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
      fc.oneof({ arbitrary: sends(validParams, [CHARGES, PAYMENT_INTENTS]), weight: 4 }, { arbitrary: waits, weight: 1 }),
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

// Concurrent requests, under many interleavings.

const IN_USE = { status: 409, error: { type: 'invalid_request_error', code: 'idempotency_key_in_use' } };

function settled(result: PromiseSettledResult<ApiResponse>): unknown {
  return result.status === 'fulfilled' ? view(result.value) : { threw: String(result.reason) };
}

/**
 * Of two concurrent requests with one key, exactly one runs: the other is told the key is in
 * use (409) or, if it looked after the first finished, gets the first one's response.
 */
function checkOneRan(results: PromiseSettledResult<ApiResponse>[], charges: number, interleaving: string[]): void {
  const seen = results.map(settled);
  const winners = seen.filter((r) => JSON.stringify(r) !== JSON.stringify(IN_USE));
  const agree = winners.every((r) => JSON.stringify(r) === JSON.stringify(winners[0]));
  expectThat(charges === 1 && winners.length >= 1 && agree, 'two concurrent requests with the same idempotency key both charged the card', {
    expected: { cardCharges: 1, responses: 'one charge; the other request gets 409 idempotency_key_in_use or the same charge back' },
    actual: { cardCharges: charges, responses: seen },
    interleaving,
  });
}

bug('concurrent-same-key', 'two concurrent requests with the same key charge the card once', async () => {
  await explore({ seed: 42, runs: 20 }, async (env) => {
    const world = buildWorld(env);
    const results = await env.outcomes([
      send(world, 'request', charge('order-5001', ORDER)),
      send(world, 'client retry', charge('order-5001', ORDER)),
    ]);
    checkOneRan(results, world.api.charges.length, env.trace);
  });
});

bug('concurrent-same-key', 'two concurrent retries of an expired key charge the card once', async () => {
  await explore({ seed: 7, runs: 20 }, async (env) => {
    const world = buildWorld(env);
    await env.outcomes([send(world, 'yesterday', charge('order-5002', ORDER))]);
    world.clock.advance(25 * HOUR);
    const before = world.api.charges.length;
    const results = await env.outcomes([
      send(world, 'request', charge('order-5002', { amount: 900, currency: 'usd', customer: BOB })),
      send(world, 'client retry', charge('order-5002', { amount: 900, currency: 'usd', customer: BOB })),
    ]);
    checkOneRan(results, world.api.charges.length - before, env.trace);
  });
});

guard('concurrent requests with different keys each run once', async () => {
  await explore({ seed: 3, runs: 5 }, async (env) => {
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
});
