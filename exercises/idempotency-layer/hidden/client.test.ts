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
