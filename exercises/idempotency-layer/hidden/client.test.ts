import { bug, guard, expectSame, expectThat, fc } from 'bugbash/harness';
import { chargeRequestFor, idempotencyKeyFor } from '@impl/client';
import type { Purchase } from '@impl/types';
import { ALICE, CHARGES, MINUTE, buildWorld, view } from './world';

const PURCHASE: Purchase = {
  accountId: 'acct_shop',
  orderId: 'ord_8812',
  customerId: ALICE,
  attempt: 1,
  total: 19.99,
  currency: 'usd',
  requestedAt: Date.UTC(2026, 0, 15, 12, 20, 0),
};

/** Sends each attempt through the reference API, as the storefront's HTTP client would. */
async function chargeThroughApi(...attempts: Purchase[]) {
  const world = buildWorld(undefined, 'reference');
  const responses = [];
  for (const attempt of attempts) responses.push(view(await world.layer.handle(chargeRequestFor(attempt))));
  return { responses, cardCharges: world.api.charges.map((c) => `${c.customer} ${c.amount} ${c.currency}`) };
}

guard('the same purchase always gets the same key', async () => {
  const first = idempotencyKeyFor(PURCHASE);
  const again = idempotencyKeyFor({ ...PURCHASE });
  expectSame(again, first, 'the same purchase got two different idempotency keys');
});

guard('different orders, merchants, currencies or totals get different keys', async () => {
  const variants: Record<string, Purchase> = {
    'another order': { ...PURCHASE, orderId: 'ord_8813' },
    'another merchant account': { ...PURCHASE, accountId: 'acct_other' },
    'another currency': { ...PURCHASE, currency: 'eur' },
    'another total': { ...PURCHASE, total: 19.98 },
  };
  const base = idempotencyKeyFor(PURCHASE);
  const clashes = Object.entries(variants)
    .filter(([, purchase]) => idempotencyKeyFor(purchase) === base)
    .map(([what]) => what);
  expectSame(clashes, [], 'two different payments got the same idempotency key, so the second would be refused or replayed');
});

guard('keys are accepted by the API: between 1 and 255 characters', async () => {
  const keys = [PURCHASE, { ...PURCHASE, orderId: 'o'.repeat(300), accountId: 'a'.repeat(300) }].map(idempotencyKeyFor);
  const lengths = keys.map((key) => key.length);
  expectThat(lengths.every((n) => n >= 1 && n <= 255), 'an idempotency key was empty or longer than the 255 characters the API accepts', {
    expected: 'lengths between 1 and 255',
    actual: { lengths },
  });
});

guard('the charge request carries the key and the total in minor units', async () => {
  const cases = [
    { ...PURCHASE, total: 19.99, currency: 'usd' },
    { ...PURCHASE, total: 1500, currency: 'jpy' },
    { ...PURCHASE, total: 12.35, currency: 'kwd' },
  ];
  const seen = cases.map((p) => {
    const request = chargeRequestFor(p);
    return { endpoint: request.endpoint, amount: request.params.amount, currency: request.params.currency, keyMatches: request.idempotencyKey === idempotencyKeyFor(p) };
  });
  expectSame(
    seen,
    [
      { endpoint: CHARGES, amount: 1999, currency: 'usd', keyMatches: true },
      { endpoint: CHARGES, amount: 1500, currency: 'jpy', keyMatches: true },
      { endpoint: CHARGES, amount: 12350, currency: 'kwd', keyMatches: true },
    ],
    'the charge request did not carry the amount in minor units and the purchase key',
  );
});

guard('an automatic retry of the same request is replayed by the API and charges once', async () => {
  const result = await chargeThroughApi(PURCHASE, PURCHASE);
  expectSame(result.cardCharges, [`${ALICE} 1999 usd`], 'a storefront retry of the same charge request charged the customer twice');
});

bug('float-total-in-key', 'the same total computed another way (10.00 + 9.99) gets the same key', async () => {
  const typedIn = idempotencyKeyFor(PURCHASE);
  const fromBasket = idempotencyKeyFor({ ...PURCHASE, total: 10 + 9.99 });
  expectThat(fromBasket === typedIn, 'the same 19.99 USD order got two different idempotency keys when the basket added 10.00 + 9.99 (19.990000000000002)', {
    expected: 'one key for both',
    actual: { 'total 19.99': typedIn, 'total 10 + 9.99': fromBasket },
  });
});

bug('float-total-in-key', 'a retry whose total was recomputed by the basket charges the customer once', async () => {
  const result = await chargeThroughApi({ ...PURCHASE, total: 19.99 }, { ...PURCHASE, total: 10 + 9.99 });
  expectSame(
    result.cardCharges,
    [`${ALICE} 1999 usd`],
    'a retry of a 19.99 USD charge, after the basket recomputed its total as 10.00 + 9.99, charged the customer a second time',
  );
});

bug('float-total-in-key', 'any total summed from line items keys like the same total typed in', async () => {
  const cents = fc.integer({ min: 1, max: 50_000 });
  const result = fc.check(
    fc.property(cents, cents, (a, b) => idempotencyKeyFor({ ...PURCHASE, total: a / 100 + b / 100 }) === idempotencyKeyFor({ ...PURCHASE, total: (a + b) / 100 })),
    { seed: 5, numRuns: 200 },
  );
  const example = result.counterexample;
  expectThat(!result.failed, 'the same order total got different idempotency keys depending on how the basket added up its line items', {
    expected: 'one key per amount',
    actual: example ? { lineItems: [example[0] / 100, example[1] / 100], summed: example[0] / 100 + example[1] / 100, total: (example[0] + example[1]) / 100 } : undefined,
  });
});

bug('request-time-in-key', 'a retry one minute later, across the top of the hour, gets the same key', async () => {
  const first = { ...PURCHASE, requestedAt: Date.UTC(2026, 0, 15, 12, 59, 30) };
  const keys = { 'sent at 12:59:30': idempotencyKeyFor(first), 'retried at 13:00:30': idempotencyKeyFor({ ...first, requestedAt: first.requestedAt + MINUTE }) };
  expectThat(keys['sent at 12:59:30'] === keys['retried at 13:00:30'], 'a retry sent at 13:00:30 got a different idempotency key from the attempt at 12:59:30, so the API cannot recognise it as a retry', {
    expected: 'one key for both',
    actual: keys,
  });
});

bug('request-time-in-key', 'a retry across the top of the hour charges the customer once', async () => {
  const first = { ...PURCHASE, total: 25, requestedAt: Date.UTC(2026, 0, 15, 23, 59, 45) };
  const result = await chargeThroughApi(first, { ...first, requestedAt: first.requestedAt + 2 * MINUTE });
  expectSame(result.cardCharges, [`${ALICE} 2500 usd`], 'a storefront retry two minutes after a timed-out charge, just past midnight, charged the customer a second time');
});

bug('request-time-in-key', 'paying again after a decline (a new submission) gets a new key', async () => {
  const retry = { ...PURCHASE, attempt: 2, requestedAt: PURCHASE.requestedAt + 3 * MINUTE };
  expectThat(idempotencyKeyFor(retry) !== idempotencyKeyFor(PURCHASE), "the customer's second payment submission for an order got the key of the first, so the API would replay the first one's decline", {
    expected: 'a different key for attempt 2',
    actual: 'the same key as attempt 1',
  });
});

/** A total as a basket that adds `items` line items of whole minor units computes it. */
function summed(minorUnits: number, items: number, exponent: number): number {
  const scale = 10 ** exponent;
  const parts: number[] = [];
  let left = minorUnits;
  for (let i = items; i > 1; i--) {
    const part = Math.floor(left / i) + (i % 3);
    const taken = Math.min(part, left);
    parts.push(taken);
    left -= taken;
  }
  parts.push(left);
  return parts.reduce((total, part) => total + part / scale, 0);
}

bug('float-total-in-key', 'every total up to 12.00, and totals spread up to a million, key alike however the basket summed them, and no two share a key', async () => {
  const mismatched: unknown[] = [];
  const keys = new Map<string, number>();
  const shared: unknown[] = [];
  const amounts = [...Array.from({ length: 1_151 }, (_, i) => 50 + i), ...Array.from({ length: 400 }, (_, i) => 1_201 + i * 249_989)];
  for (const cents of amounts) {
    const typedIn = idempotencyKeyFor({ ...PURCHASE, total: cents / 100 });
    for (const items of [2, 3]) {
      const total = summed(cents, items, 2);
      if (mismatched.length < 3 && idempotencyKeyFor({ ...PURCHASE, total }) !== typedIn) mismatched.push({ total: cents / 100, summedAs: total });
    }
    const other = keys.get(typedIn);
    if (other !== undefined && shared.length < 3) shared.push([other / 100, cents / 100]);
    keys.set(typedIn, cents);
  }
  expectThat(mismatched.length === 0 && shared.length === 0, 'an order total got a different idempotency key depending on how the basket added it up, or two different totals got the same key', {
    expected: 'one key per amount in cents, whatever float the basket computed',
    actual: { 'same amount, different keys': mismatched, 'different amounts, same key': shared },
  });
});

bug('float-total-in-key', 'three-decimal and zero-decimal currencies key by their own smallest unit', async () => {
  const key = (total: number, currency: string) => idempotencyKeyFor({ ...PURCHASE, total, currency });
  const checks = {
    'KWD 1.001 and 1.002 differ': key(1.001, 'kwd') !== key(1.002, 'kwd'),
    'BHD 12.345 and 12.346 differ': key(12.345, 'bhd') !== key(12.346, 'bhd'),
    'KWD 3.003 typed in and summed 1.001 + 2.002 agree': key(3.003, 'kwd') === key(1.001 + 2.002, 'kwd'),
    'JOD 0.3 typed in and summed 0.1 + 0.2 agree': key(0.3, 'jod') === key(0.1 + 0.2, 'jod'),
    'JPY 1500 and 1501 differ': key(1500, 'jpy') !== key(1501, 'jpy'),
    'KRW 1000 typed in and summed 400 + 600 agree': key(1000, 'krw') === key(400 + 600, 'krw'),
  };
  const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([what]) => what);
  expectSame(failed, [], 'idempotency keys did not follow the amount in the currency\'s smallest unit (thousandths for KWD, BHD, JOD; whole yen and won)');
});

bug('float-total-in-key', 'three-decimal totals summed from line items key like the same total typed in', async () => {
  const thousandths = fc.integer({ min: 1, max: 500_000 });
  const result = fc.check(
    fc.property(thousandths, thousandths, (a, b) => idempotencyKeyFor({ ...PURCHASE, currency: 'kwd', total: a / 1000 + b / 1000 }) === idempotencyKeyFor({ ...PURCHASE, currency: 'kwd', total: (a + b) / 1000 })),
    { seed: 9, numRuns: 300 },
  );
  const example = result.counterexample;
  expectThat(!result.failed, 'the same KWD order total got different idempotency keys depending on how the basket added up its line items', {
    expected: 'one key per amount in fils',
    actual: example ? { lineItems: [example[0] / 1000, example[1] / 1000], summed: example[0] / 1000 + example[1] / 1000, total: (example[0] + example[1]) / 1000 } : undefined,
  });
});

bug('request-time-in-key', 'a retry keeps its key across every calendar boundary: minute, hour, day, week, month, year', async () => {
  const boundaries: Record<string, number> = {
    'the minute (12:20:59 → 12:21:01)': Date.UTC(2026, 0, 15, 12, 21, 0),
    'the hour (12:59:59 → 13:00:01)': Date.UTC(2026, 0, 15, 13, 0, 0),
    'the day (23:59:59 → 00:00:01 UTC)': Date.UTC(2026, 0, 16, 0, 0, 0),
    'the week (Sunday → Monday)': Date.UTC(2026, 0, 19, 0, 0, 0),
    'the month (31 January → 1 February)': Date.UTC(2026, 1, 1, 0, 0, 0),
    'the year (31 December → 1 January)': Date.UTC(2027, 0, 1, 0, 0, 0),
  };
  const changed = Object.entries(boundaries)
    .filter(([, at]) => idempotencyKeyFor({ ...PURCHASE, requestedAt: at - 1000 }) !== idempotencyKeyFor({ ...PURCHASE, requestedAt: at + 1000 }))
    .map(([what]) => what);
  expectSame(changed, [], 'a retry sent two seconds after the first attempt got a different idempotency key across a calendar boundary, so it would charge the customer again');
});

bug('request-time-in-key', 'every new submission of an order gets its own key, and each keeps it for all its retries', async () => {
  const keys = [1, 2, 3, 4].map((attempt) => idempotencyKeyFor({ ...PURCHASE, attempt, requestedAt: PURCHASE.requestedAt + attempt * 90 * MINUTE }));
  const retries = [1, 2, 3, 4].map((attempt) => idempotencyKeyFor({ ...PURCHASE, attempt, requestedAt: PURCHASE.requestedAt + attempt * 90 * MINUTE + 20 * MINUTE }));
  expectSame(
    { distinctSubmissions: new Set(keys).size, retriesKeepTheirKey: retries.every((key, i) => key === keys[i]) },
    { distinctSubmissions: 4, retriesKeepTheirKey: true },
    "a customer's payment submissions for one order (attempts 1 to 4) did not each get their own key, kept by every retry of that submission",
  );
});
