import { bug, guard, errorCode, expectRejects, expectSame, expectThat, explore } from 'bugbash/harness';
import type { Authorization, VelocityRule } from '@impl/types';
import { auth, CARD, cardPerHour, counted, DAY, HOUR, MINUTE, OTHER_CARD, T0, verdict, world } from './world';

// Velocity rules: sliding windows per card, email and IP, one request at a time, then racing.

function settledAs(result: PromiseSettledResult<{ action: string; rule: string | null }>): string {
  return result.status === 'fulfilled' ? `${result.value.action}${result.value.rule ? ` (${result.value.rule})` : ''}` : `failed with ${errorCode(result.reason)}`;
}

/** Assesses each authorization at its minute (from T0) in a fresh world; returns the decisions, as action and rule. */
async function decisionsAt(rules: VelocityRule[], timeline: [string, number, Partial<Authorization>?][]): Promise<{ action: string; rule: string | null }[]> {
  const w = world(undefined, { rules: { velocity: rules } });
  const out = [];
  for (const [id, at, overrides] of timeline) {
    w.clock.set(T0 + at);
    out.push(verdict(await w.radar.assess(auth(id, overrides))));
  }
  return out;
}

/**
 * Two rules over one counter, the higher limit first: a count of 1 and a count of 2 get
 * different decisions whichever way the limit itself is read, so a window test never
 * depends on the limit comparison.
 */
function ladder(dimension: 'card' | 'email', windowMs: number): VelocityRule[] {
  return [
    { id: `${dimension}_2`, dimension, windowMs, limit: 2, action: 'block' },
    { id: `${dimension}_1`, dimension, windowMs, limit: 1, action: 'review' },
  ];
}

bug('window-boundary', 'an authorization exactly one window old no longer counts, one a millisecond younger still does', async () => {
  const rules = ladder('card', HOUR);
  const [, oneHourLater] = await decisionsAt(rules, [['auth_a', 0], ['auth_b', HOUR]]);
  const [alone] = await decisionsAt(rules, [['auth_b', HOUR]]);
  expectSame(oneHourLater, alone, 'an authorization exactly one hour after the first was judged as if the first still counted in a 1-hour window');
  const [, justInside] = await decisionsAt(rules, [['auth_a', 0], ['auth_b', HOUR - 1]]);
  const [, together] = await decisionsAt(rules, [['auth_a', HOUR - 1], ['auth_b', HOUR - 1]]);
  expectSame(justInside, together, 'an authorization one hour minus 1 ms after the first was judged as if the first no longer counted in a 1-hour window');
});

bug('window-boundary', 'a ten-minute email window stops counting an authorization once it is ten minutes old', async () => {
  const email = 'card.tester@example.com';
  const rules = ladder('email', 10 * MINUTE);
  const [, tenMinutesLater] = await decisionsAt(rules, [['auth_0', 0, { card: 'fp_0', email }], ['auth_1', 10 * MINUTE, { card: 'fp_1', email: 'Card.Tester@example.com' }]]);
  const [alone] = await decisionsAt(rules, [['auth_1', 10 * MINUTE, { card: 'fp_1', email }]]);
  expectSame(tenMinutesLater, alone, 'two authorizations from one email, 10 minutes apart, in a 10-minute window: the first still counted for the second');
});

bug('limit-boundary', 'a velocity limit of N lets N authorizations through and stops the next one', async () => {
  for (const limit of [1, 2, 3]) {
    const w = world(undefined, { rules: { velocity: [cardPerHour(limit)] } });
    const actions: string[] = [];
    for (let i = 0; i <= limit; i += 1) {
      w.clock.advance(MINUTE);
      actions.push((await w.radar.assess(auth(`auth_${i}`))).action);
    }
    expectSame(
      actions,
      [...Array(limit).fill('allow'), 'block'],
      `with a limit of ${limit} per card per hour, ${limit + 1} authorizations of one card were not ${limit} allowed then one blocked`,
    );
  }
});

bug('limit-boundary', 'a review rule holds the authorization one past its limit, not the one at it', async () => {
  const rule = { id: 'ip_2_per_hour', dimension: 'ip' as const, windowMs: HOUR, limit: 2, action: 'review' as const };
  const w = world(undefined, { rules: { velocity: [rule] } });
  const ip = '203.0.113.9';
  const decisions = [];
  for (const i of [1, 2, 3]) decisions.push(verdict(await w.radar.assess(auth(`auth_${i}`, { card: `fp_${i}`, ip }))));
  expectSame(
    decisions,
    [{ action: 'allow', rule: null }, { action: 'allow', rule: null }, { action: 'review', rule: 'ip_2_per_hour' }],
    'three authorizations from one IP against a limit of 2 per hour were not allowed, allowed, then reviewed',
  );
});

// Guards stay clear of the limit itself (a count at the limit, or one past it): they judge
// only what every reading of the limit agrees on, so that they never blame a limit bug.

guard('each dimension has its own counter, and emails are counted case-insensitively', async () => {
  const rules = {
    velocity: [cardPerHour(3), { id: 'email_2_per_hour', dimension: 'email' as const, windowMs: HOUR, limit: 2, action: 'review' as const }],
  };
  const w = world(undefined, { rules });
  const first = await w.radar.assess(auth('auth_1', { email: 'Ana@Example.com' }));
  await w.radar.assess(auth('auth_2', { card: OTHER_CARD, email: ' ana@example.com ' }));
  await w.radar.assess(auth('auth_3', { email: 'bo@example.com' }));
  await w.radar.assess(auth('auth_4', { card: 'fp_other', email: 'ANA@example.com' }));
  const fourth = await w.radar.assess(auth('auth_5', { card: 'fp_x', email: 'ana@example.com' }));
  expectSame(
    [verdict(first), verdict(fourth)],
    [{ action: 'allow', rule: null }, { action: 'review', rule: 'email_2_per_hour' }],
    'the fourth authorization of one email (written in different cases) within an hour was not reviewed by its email rule',
  );
  expectSame(
    { card: counted(w, `card:${CARD}`), email: counted(w, 'email:ana@example.com'), rows: Object.keys(w.counters.snapshot()) },
    {
      card: ['auth_1', 'auth_3'],
      email: ['auth_1', 'auth_2', 'auth_4', 'auth_5'],
      rows: [`card:${CARD}`, `card:${OTHER_CARD}`, 'card:fp_other', 'card:fp_x', 'email:ana@example.com', 'email:bo@example.com'],
    },
    'the counters do not hold what was assessed (or an IP counter is kept although no rule reads IPs)',
  );
});

guard('every assessed authorization is counted, whatever was decided, and old history is dropped after a day', async () => {
  const w = world(undefined, { rules: { velocity: [cardPerHour(1)] }, lists: { block: { entries: ['email:mallory@example.com'] } } });
  const blocked = await w.radar.assess(auth('auth_1', { email: 'mallory@example.com' }));
  await w.radar.assess(auth('auth_2'));
  const third = await w.radar.assess(auth('auth_3'));
  expectSame([verdict(blocked), verdict(third)], [{ action: 'block', rule: 'block_list' }, { action: 'block', rule: 'card_1_per_hour' }], 'an authorization blocked by a list was not counted for the velocity of its card');
  w.clock.advance(DAY);
  await w.radar.assess(auth('auth_4'));
  expectSame(counted(w, `card:${CARD}`), ['auth_4'], 'a day later, the card counter still held authorizations 24 hours old');
});

guard('a counter keeps every authorization younger than 24 hours, so a 24-hour window sees them all', async () => {
  const rule = { id: 'card_per_day', dimension: 'card' as const, windowMs: DAY, limit: 5, action: 'review' as const };
  const w = world(undefined, { rules: { velocity: [rule] } });
  await w.radar.assess(auth('auth_a'));
  w.clock.advance(DAY - HOUR);
  await w.radar.assess(auth('auth_b'));
  w.clock.advance(HOUR - 1);
  await w.radar.assess(auth('auth_c'));
  expectSame(counted(w, `card:${CARD}`), ['auth_a', 'auth_b', 'auth_c'], 'a card counter dropped an authorization less than 24 hours old');
});

guard('an authorization refused as malformed is not counted', async () => {
  const w = world(undefined, { rules: { velocity: [cardPerHour(2)] } });
  await expectRejects(() => w.radar.assess(auth('auth_bad', { amount: 19.99 })), 'amount_invalid', 'a fractional amount was not refused with amount_invalid');
  const next = await w.radar.assess(auth('auth_ok'));
  expectSame({ action: next.action, counted: counted(w, `card:${CARD}`) }, { action: 'allow', counted: ['auth_ok'] }, 'a refused authorization was counted against its card');
});

bug('retry-counted-twice', 'a retry after a failed decision write is counted once', async () => {
  const w = world(undefined, { rules: { velocity: [cardPerHour(1)] } });
  w.decisions.inject({ operation: 'setIfAbsent', key: 'auth_1', kind: 'fail' });
  await expectRejects(() => w.radar.assess(auth('auth_1')), 'store_unavailable', 'an assessment whose decision could not be saved did not fail with the store error');
  w.clock.advance(30_000);
  const retry = await w.radar.assess(auth('auth_1'));
  const once = world(undefined, { rules: { velocity: [cardPerHour(1)] } });
  once.clock.advance(30_000);
  const assessedOnce = await once.radar.assess(auth('auth_1'));
  expectSame(
    { decision: verdict(retry), counted: counted(w, `card:${CARD}`) },
    { decision: verdict(assessedOnce), counted: ['auth_1'] },
    'the network retried an authorization whose first assessment failed, and the retry was counted again: the customer was blocked by their own retry',
  );
});

bug('retry-counted-twice', 'a retry that comes after another authorization of the card is still counted once', async () => {
  const w = world(undefined, { rules: { velocity: [cardPerHour(2)] } });
  w.decisions.inject({ operation: 'setIfAbsent', key: 'auth_1', kind: 'fail' });
  await expectRejects(() => w.radar.assess(auth('auth_1')), 'store_unavailable', 'an assessment whose decision could not be saved did not fail with the store error');
  w.clock.advance(MINUTE);
  const other = await w.radar.assess(auth('auth_2'));
  w.clock.advance(MINUTE);
  const retry = await w.radar2.assess(auth('auth_1'));
  const [, expected] = await decisionsAt([cardPerHour(2)], [['auth_1', 0], ['auth_2', MINUTE]]);
  expectSame(
    { other: verdict(other), retry: verdict(retry), counted: counted(w, `card:${CARD}`) },
    { other: expected, retry: expected, counted: ['auth_1', 'auth_2'] },
    'a retried authorization was counted a second time: two authorizations of a card, against a limit of 2 per hour, ended with the retry blocked',
  );
});

guard('a retry after a decision write that landed (then the connection reset) returns that decision', async () => {
  const w = world(undefined, { rules: { velocity: [cardPerHour(2)] } });
  w.decisions.inject({ operation: 'setIfAbsent', key: 'auth_1', kind: 'fail-after-write' });
  await expectRejects(() => w.radar.assess(auth('auth_1')), 'store_unavailable', 'an assessment whose decision write reset the connection did not fail with the store error');
  const retry = await w.radar.assess(auth('auth_1'));
  expectSame({ decision: verdict(retry), counted: counted(w, `card:${CARD}`) }, { decision: { action: 'allow', rule: null }, counted: ['auth_1'] }, 'the retry did not return the decision that was saved');
});

bug('retry-counted-twice', 'an authorization and its retry on two servers at once are counted once and get one decision', async () => {
  await explore({}, async (env) => {
    const w = world(env, { rules: { velocity: [cardPerHour(1)] } });
    const results = await env.outcomes([
      env.run('authorization', () => w.radar.assess(auth('auth_1'))),
      env.run('network retry', () => w.radar2.assess(auth('auth_1'))),
    ]);
    const saved = w.decisions.peek('auth_1');
    expectThat(
      results.every((r) => r.status === 'fulfilled' && JSON.stringify(r.value) === JSON.stringify(saved)) && counted(w, `card:${CARD}`).length === 1,
      'an authorization and its retry, assessed at the same time, were counted twice or answered differently',
      { expected: { results: 'both the saved decision', counted: ['auth_1'] }, actual: { results: results.map(settledAs), saved: saved && verdict(saved), counted: counted(w, `card:${CARD}`) } },
    );
  });
});

guard('a retry of a decided authorization returns the saved decision and counts nothing', async () => {
  const w = world(undefined, { rules: { velocity: [cardPerHour(2)] } });
  const first = await w.radar.assess(auth('auth_1'));
  w.clock.advance(MINUTE);
  const retry = await w.radar2.assess(auth('auth_1'));
  expectSame(retry, first, 'a retried authorization got a different decision from the one saved');
  expectSame({ counted: counted(w, `card:${CARD}`), scored: w.scorer.calls }, { counted: ['auth_1'], scored: ['auth_1'] }, 'a retried authorization was counted or scored again');
});

/** What the engine decides for these authorizations one after another: the outcome concurrency must not change. */
async function oneAfterAnother(rules: VelocityRule[], authorizations: Authorization[]): Promise<string> {
  const w = world(undefined, { rules: { velocity: rules } });
  const actions = [];
  for (const authorization of authorizations) actions.push((await w.radar.assess(authorization)).action);
  return actions.sort().join();
}

bug('velocity-lost-update', 'two authorizations of one card on two servers at once are both counted', async () => {
  const sequential = await oneAfterAnother([cardPerHour(1)], [auth('auth_a'), auth('auth_b')]);
  await explore({}, async (env) => {
    const w = world(env, { rules: { velocity: [cardPerHour(1)] } });
    const results = await env.outcomes([
      env.run('authorization A', () => w.radar.assess(auth('auth_a'))),
      env.run('authorization B', () => w.radar2.assess(auth('auth_b'))),
    ]);
    const actions = results.map((r) => (r.status === 'fulfilled' ? r.value.action : 'failed')).sort();
    expectThat(
      actions.join() === sequential && counted(w, `card:${CARD}`).length === 2,
      'two authorizations of one card, assessed at the same time against a limit of 1 per hour, were judged as if the other did not exist (one of them was not counted)',
      { expected: { results: sequential, counted: ['auth_a', 'auth_b'] }, actual: { results: results.map(settledAs), counted: counted(w, `card:${CARD}`) } },
    );
  });
});

bug('velocity-lost-update', 'three authorizations racing one card counter let exactly the limit through', async () => {
  const sequential = await oneAfterAnother([cardPerHour(2)], [auth('auth_a'), auth('auth_b'), auth('auth_c')]);
  // Late arrivals are explored by the two-authorization tests; here all three meet at the counter.
  await explore({ arrivals: 'now' }, async (env) => {
    const w = world(env, { rules: { velocity: [cardPerHour(2)] } });
    const results = await env.outcomes([
      env.run('authorization A', () => w.radar.assess(auth('auth_a'))),
      env.run('authorization B', () => w.radar2.assess(auth('auth_b'))),
      env.run('authorization C', () => w.radar.assess(auth('auth_c'))),
    ]);
    const actions = results.map((r) => (r.status === 'fulfilled' ? r.value.action : 'failed')).sort();
    expectThat(
      actions.join() === sequential && counted(w, `card:${CARD}`).length === 3,
      'three authorizations of one card at once against a limit of 2 per hour were not judged as they are one after another: more got through than the limit allows',
      { expected: { results: sequential, counted: 3 }, actual: { results: results.map(settledAs), counted: counted(w, `card:${CARD}`) } },
    );
  });
});

bug('velocity-lost-update', 'two authorizations from one email on two servers at once are both counted', async () => {
  const rule = { id: 'email_1_per_hour', dimension: 'email' as const, windowMs: HOUR, limit: 1, action: 'review' as const };
  const sequential = await oneAfterAnother([rule], [auth('auth_a', { email: 'Eve@example.com' }), auth('auth_b', { card: OTHER_CARD, email: 'eve@example.com' })]);
  await explore({}, async (env) => {
    const w = world(env, { rules: { velocity: [rule] } });
    const results = await env.outcomes([
      env.run('authorization A', () => w.radar.assess(auth('auth_a', { email: 'Eve@example.com' }))),
      env.run('authorization B', () => w.radar2.assess(auth('auth_b', { card: OTHER_CARD, email: 'eve@example.com' }))),
    ]);
    const actions = results.map((r) => (r.status === 'fulfilled' ? r.value.action : 'failed')).sort();
    expectThat(
      actions.join() === sequential && counted(w, 'email:eve@example.com').length === 2,
      'two authorizations from one email, at the same time, against a limit of 1 per hour were judged as if the other did not exist',
      { expected: { results: sequential, counted: ['auth_a', 'auth_b'] }, actual: { results: results.map(settledAs), counted: counted(w, 'email:eve@example.com') } },
    );
  });
});
