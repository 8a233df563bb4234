import { Env, bug, explore, expectSame, expectThat, guard, outcome } from 'bugbash/harness';
import type { Charge } from '@impl/types';
import { CARD, DAY, chargeOnFile, chargeRequest, world } from './world';

/**
 * Every ordering of a scenario is explored (arrivals included: a request may arrive before,
 * between or after every store call of the others). Requests are spread over the two
 * instances of the service, as the load balancer does. The timeout only bounds a busy machine.
 */
const EXPLORE_TIMEOUT = { timeout: 20_000 };
/**
 * Two requests writing one card: a few orderings once in-process memory is fingerprinted
 * per value; bounded so that a blind fingerprint (every transition a memory write) still
 * ends in time, sampled.
 */
const TWO_WRITERS_ON_ONE_CARD = { orderings: 600, runs: 100 };

function describeOutcome(result: PromiseSettledResult<Charge | unknown>): string {
  if (result.status === 'rejected') return `refused: ${(result.reason as { code?: string })?.code ?? String(result.reason)}`;
  const value = result.value as Partial<Charge>;
  return value.status === 'failed' ? `declined: ${value.failureCode}` : `${value.status ?? 'done'}`;
}

function describeOutcomes(results: PromiseSettledResult<Charge | unknown>[]): string[] {
  return results.map(describeOutcome);
}

function chargeIds(results: PromiseSettledResult<Charge>[]): Set<string> {
  return new Set(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : [])));
}

function refusalCodes(results: PromiseSettledResult<unknown>[]): string[] {
  return results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string })?.code ?? String(r.reason)] : []));
}

bug('balance-overdraw', 'two concurrent charges the balance covers only one of: one succeeds, the other is declined', async () => {
  await explore(TWO_WRITERS_ON_ONE_CARD, async (env) => {
    const w = world(env, { balances: { [CARD]: 1_000 } });
    const results = await env.outcomes([
      env.run('charge A (600)', () => w.instance(0).charge(chargeRequest('order-A', 600))),
      env.run('charge B (600)', () => w.instance(1).charge(chargeRequest('order-B', 600))),
    ]);
    expectSame(
      { outcomes: describeOutcomes(results).sort(), balance: w.balance() },
      { outcomes: ['declined: insufficient_funds', 'succeeded'], balance: 400 },
      'two concurrent charges of 600 cents on a card holding 1,000 both went through: the card was overdrawn',
    );
  });
}, EXPLORE_TIMEOUT);

bug('balance-overdraw', 'six charges arriving at the same instant: exactly the ones the balance covers succeed', async () => {
  // Arriving together, the charges meet the most contention there is: each write to the card
  // lands after the others read it, so the last charge loses its write to every one of them
  // in turn, however many times the code is prepared to try again.
  const w = world(new Env(), { balances: { [CARD]: 1_000 } });
  const results = await w.env.outcomes(
    ['A', 'B', 'C', 'D', 'E', 'F'].map((name, i) => w.env.run(`charge ${name} (200)`, () => w.instance(i).charge(chargeRequest(`order-${name}`, 200)))),
  );
  expectSame(
    { outcomes: describeOutcomes(results).sort(), balance: w.balance(), moneyAddsUp: w.moneyAddsUp() },
    { outcomes: ['declined: insufficient_funds', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded'], balance: 0, moneyAddsUp: true },
    'six charges of 200 cents arriving at the same instant on a card holding 1,000: the card was overdrawn, or a debit was lost',
  );
});

guard('two concurrent charges that together take exactly the balance both succeed', async () => {
  await explore(TWO_WRITERS_ON_ONE_CARD, async (env) => {
    const w = world(env, { balances: { [CARD]: 1_000 } });
    const results = await env.outcomes([
      env.run('charge A (400)', () => w.instance(0).charge(chargeRequest('order-A', 400))),
      env.run('charge B (600)', () => w.instance(1).charge(chargeRequest('order-B', 600))),
    ]);
    expectSame(
      { outcomes: describeOutcomes(results), balance: w.balance() },
      { outcomes: ['succeeded', 'succeeded'], balance: 0 },
      'concurrent charges of 400 and 600 cents on a card holding exactly 1,000 were not both accepted',
    );
  });
}, EXPLORE_TIMEOUT);

guard('a charge the card cannot cover never stops a concurrent charge it can cover', async () => {
  await explore(TWO_WRITERS_ON_ONE_CARD, async (env) => {
    const w = world(env, { balances: { [CARD]: 1_000 } });
    const results = await env.outcomes([
      env.run('charge A (1,500)', () => w.instance(0).charge(chargeRequest('order-A', 1_500))),
      env.run('charge B (600)', () => w.instance(1).charge(chargeRequest('order-B', 600))),
    ]);
    expectSame(
      { outcomes: describeOutcomes(results), balance: w.balance() },
      { outcomes: ['declined: insufficient_funds', 'succeeded'], balance: 400 },
      'a charge of 1,500 and a charge of 600 at the same time on a card holding 1,000: the 600 the balance covered did not go through alone',
    );
  });
}, EXPLORE_TIMEOUT);

bug('duplicate-in-flight', 'a request and its retry at the same time charge the card once', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('request', () => w.instance(0).charge(chargeRequest('order-1', 2_500))),
      env.run('retry', () => w.instance(1).charge(chargeRequest('order-1', 2_500))),
    ]);
    expectSame(
      { chargesOnFile: w.storedCharges().length, balance: w.balance() },
      { chargesOnFile: 1, balance: 7_500 },
      'a request and its retry with the same idempotency key, running at the same time, were both executed: the card was charged twice',
    );
    const refusals = refusalCodes(results);
    expectThat(chargeIds(results).size === 1 && refusals.every((code) => code === 'idempotency_key_in_use'), 'a request and its retry with the same idempotency key, running at the same time, did not get the same charge (or idempotency_key_in_use while the first was in flight)', {
      expected: 'the same charge for both, or the charge for one and idempotency_key_in_use for the other',
      actual: describeOutcomes(results),
    });
  });
}, EXPLORE_TIMEOUT);

bug('duplicate-in-flight', 'a request, a retry at the same time and a retry arriving as the first returns charge the card once', async () => {
  const w = world(new Env());
  const request = w.env.run('request', () => w.instance(0).charge(chargeRequest('order-1', 2_500)));
  const retry1 = w.env.run('retry 1', () => w.instance(1).charge(chargeRequest('order-1', 2_500)));
  const retry2 = request.then(
    () => w.env.run('retry 2 (as the request returns)', () => w.instance(0).charge(chargeRequest('order-1', 2_500))),
    () => w.env.run('retry 2 (as the request fails)', () => w.instance(0).charge(chargeRequest('order-1', 2_500))),
  );
  const results = await w.env.outcomes([request, retry1, retry2]);
  expectSame(
    { chargesOnFile: w.storedCharges().length, balance: w.balance() },
    { chargesOnFile: 1, balance: 7_500 },
    'a request and two retries with the same idempotency key, overlapping in time, were executed more than once: the card was charged again',
  );
  const refusals = refusalCodes(results);
  expectThat(chargeIds(results).size === 1 && refusals.every((code) => code === 'idempotency_key_in_use'), 'a request and two overlapping retries with the same idempotency key did not all get the same charge (or idempotency_key_in_use while it was in flight)', {
    expected: 'one charge; each request gets it or idempotency_key_in_use',
    actual: describeOutcomes(results),
  });
});

bug('duplicate-in-flight', 'a retry with changed parameters racing the first request is never executed alongside it', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const results = await env.outcomes([
      env.run('request (2,500)', () => w.instance(0).charge(chargeRequest('order-1', 2_500))),
      env.run('retry (4,000)', () => w.instance(1).charge(chargeRequest('order-1', 4_000))),
    ]);
    const onFile = w.storedCharges();
    expectSame(
      { chargesOnFile: onFile.length, balance: w.balance() },
      { chargesOnFile: 1, balance: 10_000 - (onFile[0]?.amount ?? 0) },
      'two requests with the same idempotency key and different amounts, running at the same time, were both executed',
    );
    const refusals = refusalCodes(results);
    expectThat(refusals.length === 1 && ['idempotency_error', 'idempotency_key_in_use'].includes(refusals[0]!), 'of two requests with the same idempotency key and different amounts, the one not executed was not refused with idempotency_error or idempotency_key_in_use', {
      expected: 'one charge, and idempotency_error or idempotency_key_in_use for the other',
      actual: describeOutcomes(results),
    });
  });
}, EXPLORE_TIMEOUT);

bug('duplicate-in-flight', 'one key sent for two different cards at the same time is executed for one card only', async () => {
  await explore({}, async (env) => {
    const w = world(env, { balances: { card_1: 5_000, card_2: 5_000 } });
    const results = await env.outcomes([
      env.run('charge on card_1', () => w.instance(0).charge(chargeRequest('order-1', 2_000, { cardId: 'card_1' }))),
      env.run('charge on card_2', () => w.instance(1).charge(chargeRequest('order-1', 2_000, { cardId: 'card_2' }))),
    ]);
    const refusals = refusalCodes(results);
    expectSame(
      { chargesOnFile: w.storedCharges().length, totalLeft: (w.balance('card_1') ?? 0) + (w.balance('card_2') ?? 0) },
      { chargesOnFile: 1, totalLeft: 8_000 },
      'the same idempotency key sent at the same time for two different cards was executed for both',
    );
    expectThat(refusals.length === 1 && ['idempotency_error', 'idempotency_key_in_use'].includes(refusals[0]!), 'of two requests with one idempotency key for different cards, the one not executed was not refused with idempotency_error or idempotency_key_in_use', {
      expected: 'one charge, and idempotency_error or idempotency_key_in_use for the other',
      actual: describeOutcomes(results),
    });
  });
}, EXPLORE_TIMEOUT);

bug('duplicate-in-flight', 'two retries of a key whose saved result expired, at the same time, start one new charge', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    await w.processor.charge(chargeRequest('order-1', 2_500));
    // 25 hours later the saved result has expired: the key is free again.
    w.clock.advance(DAY + 60 * 60 * 1000);
    const results = await env.outcomes([
      env.run('retry 1', () => w.instance(0).charge(chargeRequest('order-1', 2_500))),
      env.run('retry 2', () => w.instance(1).charge(chargeRequest('order-1', 2_500))),
    ]);
    expectSame(
      { newCharges: w.storedCharges().length - 1, balance: w.balance() },
      { newCharges: 1, balance: 5_000 },
      'two retries of an idempotency key whose result had expired, at the same time, were both executed: the card was charged twice',
    );
    const refusals = refusalCodes(results);
    expectThat(chargeIds(results).size === 1 && refusals.every((code) => code === 'idempotency_key_in_use'), 'two simultaneous requests reusing an expired idempotency key did not get the same new charge (or idempotency_key_in_use while it was in flight)', {
      expected: 'one new charge; each request gets it or idempotency_key_in_use',
      actual: describeOutcomes(results),
    });
  });
}, EXPLORE_TIMEOUT);

guard('once a charge has been answered, a retry gets the saved charge and a refund finds it, on any instance', async () => {
  await explore({}, async (env) => {
    const w = world(env);
    const first = await env.run('request', () => w.instance(0).charge(chargeRequest('order-1', 2_500)));
    const results = await env.outcomes([
      env.run('retry after the answer', () => w.instance(1).charge(chargeRequest('order-1', 2_500))),
      env.run('refund after the answer', () => w.instance(1).refund(first.id, 500)),
    ]);
    expectSame(
      { retry: results[0]!.status === 'fulfilled' ? ((results[0]!.value as { id?: string }).id === first.id ? 'the first charge' : 'a new charge') : describeOutcome(results[0]!), refund: describeOutcome(results[1]!), balance: w.balance() },
      { retry: 'the first charge', refund: 'succeeded', balance: 8_000 },
      'after a charge was answered, a retry with its key or a refund of it did not find it saved: the charge resolved before its results were written',
    );
  });
}, EXPLORE_TIMEOUT);

guard('two concurrent refunds of one charge never refund more than it', async () => {
  await explore({}, async (env) => {
    const w = world(env, { balances: { [CARD]: 3_000 }, charges: { ch_1: chargeOnFile('ch_1', 1_000) } });
    const results = await env.outcomes([
      env.run('refund A (600)', () => w.instance(0).refund('ch_1', 600)),
      env.run('refund B (600)', () => w.instance(1).refund('ch_1', 600)),
    ]);
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? 'refunded' : `refused: ${(r.reason as { code?: string })?.code}`)).sort();
    expectSame(
      { outcomes, amountRefunded: w.charges.peek('ch_1')?.amountRefunded, balance: w.balance() },
      { outcomes: ['refunded', 'refused: refund_exceeds_unrefunded'], amountRefunded: 600, balance: 3_600 },
      'two concurrent refunds of 600 cents on a 1,000-cent charge both went through',
    );
  });
}, EXPLORE_TIMEOUT);

bug('refund-total-overwritten', 'five refunds of one charge arriving at the same instant: exactly the ones it covers go through', async () => {
  const w = world(new Env(), { balances: { [CARD]: 3_000 }, charges: { ch_1: chargeOnFile('ch_1', 1_000) } });
  const results = await w.env.outcomes(['A', 'B', 'C', 'D', 'E'].map((name, i) => w.env.run(`refund ${name} (250)`, () => w.instance(i).refund('ch_1', 250))));
  const outcomes = results.map((r) => (r.status === 'fulfilled' ? 'refunded' : `refused: ${(r.reason as { code?: string })?.code}`)).sort();
  const charge = w.charges.peek('ch_1');
  expectSame(
    { outcomes, amountRefunded: charge?.amountRefunded, refunded: charge?.refunded, balance: w.balance() },
    { outcomes: ['refunded', 'refunded', 'refunded', 'refunded', 'refused: charge_already_refunded'], amountRefunded: 1_000, refunded: true, balance: 4_000 },
    'five refunds of 250 cents arriving at the same instant on a 1,000-cent charge: the refunds did not add up',
  );
});

guard('a charge and a refund on the same card at once both land on the balance', async () => {
  await explore(TWO_WRITERS_ON_ONE_CARD, async (env) => {
    const w = world(env, { balances: { [CARD]: 1_000 }, charges: { ch_1: chargeOnFile('ch_1', 500) } });
    await env.outcomes([
      env.run('charge (800)', () => w.instance(0).charge(chargeRequest('order-2', 800))),
      env.run('refund ch_1 (500)', () => w.instance(1).refund('ch_1')),
    ]);
    expectSame(w.balance(), 700, 'a charge of 800 and a refund of 500 running at the same time on a card holding 1,000 did not leave 700: one update was lost');
  });
}, EXPLORE_TIMEOUT);

bug('result-saved-before-charge', 'a retry answered while the first request finishes gets a charge that is already on file', async () => {
  // The retry may arrive at any moment of the first request; whenever it is answered with the
  // charge, the brief promises that the charge is already stored for whoever acts on it next
  // (a refund starts by looking it up).
  await explore({}, async (env) => {
    const w = world(env);
    const [, retry] = await env.outcomes<unknown>([
      env.run('charge (2,500)', () => w.instance(0).charge(chargeRequest('order-R', 2_500))),
      env.run('retry, then a lookup of the charge it answers with', async () => {
        const answer = await outcome(w.instance(1).charge(chargeRequest('order-R', 2_500)));
        // Refused while the first request runs: nothing to act on (other tests judge the refusal).
        if (!answer.ok) return 'not answered with a charge';
        return (await w.charges.get(answer.value.id)) ? 'on file' : 'not on file';
      }),
    ]);
    const what = retry!.status === 'fulfilled' ? String(retry!.value) : `failed: ${String(retry!.reason)}`;
    expectThat(
      what === 'on file' || what === 'not answered with a charge',
      "a retry was answered with the charge, but the charge was not on file yet: a refund sent right after the answer would get charge_not_found",
      { expected: 'the charge is stored before any request is answered with it', actual: what },
    );
  });
}, EXPLORE_TIMEOUT);

bug('result-saved-before-charge', 'a retry answered with a decline while the first request finishes finds the declined charge on file', async () => {
  await explore({}, async (env) => {
    const w = world(env, { balances: { [CARD]: 1_000 }, overdraftInvariant: false });
    const [, retry] = await env.outcomes<unknown>([
      env.run('charge (1,500)', () => w.instance(0).charge(chargeRequest('order-S', 1_500))),
      env.run('retry, then a lookup of the charge it answers with', async () => {
        const charge = await w.instance(1).charge(chargeRequest('order-S', 1_500));
        return { status: charge.status, onFile: (await w.charges.get(charge.id)) !== undefined };
      }),
    ]);
    const answer = retry!;
    if (answer.status === 'rejected') {
      // Refused while the first request runs: nothing to look up (other tests judge the refusal).
      expectThat(Boolean((answer.reason as { code?: string })?.code), `the retry failed: ${String(answer.reason)}`);
      return;
    }
    expectSame(
      answer.value,
      { status: 'failed', onFile: true },
      'a retry was answered with the decline of a charge that was not on file yet: a lookup sent right after the answer did not find it',
    );
  });
}, EXPLORE_TIMEOUT);
