import { bug, expectRejects, expectSame, guard, outcome } from 'bugbash/harness';
import { world, type ApiFault } from './world';

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
