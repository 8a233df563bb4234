import { bug, guard, errorCode, expectRejects, expectResolves, expectSame, expectThat, explore } from 'bugbash/harness';
import { auth, CARD, cardPerHour, counted, exactUsdCents, verdict, world } from './world';

// Lists, amount rules, risk scores and reviews: what decides, in which order.

guard('an allow-listed customer is let through whatever the rules and the score say, still counted, not scored', async () => {
  const w = world(undefined, {
    rules: { velocity: [cardPerHour(0)], amount: [{ id: 'over_100', aboveUsdCents: 10_000, action: 'block' }] },
    lists: { allow: { entries: ['email:vip@example.com'] } },
    scores: { auth_vip: 95 },
  });
  const decision = await w.radar.assess(auth('auth_vip', { email: 'VIP@example.com', amount: 50_000 }));
  expectSame(
    { decision: { ...verdict(decision), risk_score: decision.risk_score }, counted: counted(w, `card:${CARD}`), scored: w.scorer.calls },
    { decision: { action: 'allow', rule: 'allow_list', risk_score: null }, counted: ['auth_vip'], scored: [] },
    'an authorization from an allow-listed email was not allowed by the allow list (or was not counted, or was scored)',
  );
});

guard('a blocked card, email or IP is blocked by the block list', async () => {
  const w = world(undefined, { lists: { block: { entries: ['card:fp_stolen', 'email:mallory@example.com', 'ip:192.0.2.66'] } } });
  const decisions = [
    await w.radar.assess(auth('auth_1', { card: 'fp_stolen' })),
    await w.radar.assess(auth('auth_2', { email: ' Mallory@Example.com' })),
    await w.radar.assess(auth('auth_3', { ip: '192.0.2.66' })),
    await w.radar.assess(auth('auth_4')),
  ];
  expectSame(
    decisions.map(verdict),
    [{ action: 'block', rule: 'block_list' }, { action: 'block', rule: 'block_list' }, { action: 'block', rule: 'block_list' }, { action: 'allow', rule: null }],
    'authorizations with a block-listed card, email or IP were not blocked by the block list',
  );
});

bug('block-list-precedence', 'a block-listed card is blocked even when the email is on the allow list', async () => {
  const w = world(undefined, { lists: { allow: { entries: ['email:regular@example.com'] }, block: { entries: ['card:fp_stolen'] } } });
  const decision = await w.radar.assess(auth('auth_1', { card: 'fp_stolen', email: 'regular@example.com' }));
  expectSame(verdict(decision), { action: 'block', rule: 'block_list' }, 'a stolen card on the block list went through because the email it was used with is on the allow list');
});

bug('block-list-precedence', 'a value on both lists is blocked', async () => {
  const w = world(undefined, { lists: { allow: { entries: ['ip:198.51.100.20'] }, block: { entries: ['ip:198.51.100.20'] } } });
  const decision = await w.radar.assess(auth('auth_1', { ip: '198.51.100.20' }));
  expectSame(verdict(decision), { action: 'block', rule: 'block_list' }, 'an IP on both the allow list and the block list was allowed');
});

guard('risk scores of 65 and above are reviewed, 75 and above are blocked', async () => {
  const scores = { auth_64: 64, auth_65: 65, auth_74: 74, auth_75: 75, auth_99: 99, auth_0: 0 };
  const w = world(undefined, { scores });
  const seen: Record<string, unknown> = {};
  for (const id of Object.keys(scores)) {
    const decision = await w.radar.assess(auth(id));
    seen[id] = { action: decision.action, rule: decision.rule, risk_score: decision.risk_score, review: decision.review };
  }
  expectSame(
    seen,
    {
      auth_64: { action: 'allow', rule: null, risk_score: 64, review: null },
      auth_65: { action: 'review', rule: 'risk_score', risk_score: 65, review: 'open' },
      auth_74: { action: 'review', rule: 'risk_score', risk_score: 74, review: 'open' },
      auth_75: { action: 'block', rule: 'risk_score', risk_score: 75, review: null },
      auth_99: { action: 'block', rule: 'risk_score', risk_score: 99, review: null },
      auth_0: { action: 'allow', rule: null, risk_score: 0, review: null },
    },
    'risk scores were not mapped to allow, review and block at the thresholds 65 and 75',
  );
});

guard('block rules win over review rules and scores; the first matching rule in order decides', async () => {
  const rules = {
    velocity: [cardPerHour(0, 'review'), { id: 'ip_0_per_hour', dimension: 'ip' as const, windowMs: 3_600_000, limit: 0, action: 'block' as const }],
    amount: [{ id: 'over_10', aboveUsdCents: 1_000, action: 'block' as const }, { id: 'over_5', aboveUsdCents: 500, action: 'block' as const }],
  };
  const w = world(undefined, { rules, scores: { auth_1: 80 } });
  await w.radar.assess(auth('auth_0'));
  const first = await w.radar.assess(auth('auth_1'));
  const w2 = world(undefined, { rules: { amount: [{ id: 'over_5', aboveUsdCents: 500, action: 'review' }] }, scores: { auth_2: 90 } });
  const second = await w2.radar.assess(auth('auth_2'));
  const w3 = world(undefined, { rules: { amount: [{ id: 'over_5', aboveUsdCents: 500, action: 'review' }] }, scores: { auth_3: 70 } });
  const third = await w3.radar.assess(auth('auth_3'));
  expectSame(
    [first, second, third].map((d) => ({ ...verdict(d), risk_score: d.risk_score })),
    [
      { action: 'block', rule: 'ip_0_per_hour', risk_score: 80 },
      { action: 'block', rule: 'risk_score', risk_score: 90 },
      { action: 'review', rule: 'over_5', risk_score: 70 },
    ],
    'when several rules fired, the decision was not the one the documented order gives',
  );
});

bug('score-outage-allows', 'when the scoring service is down, an authorization no rule stops is held for review', async () => {
  const w = world();
  w.scorer.down = true;
  const decision = await w.radar.assess(auth('auth_1'));
  expectSame(
    { ...verdict(decision), risk_score: decision.risk_score, review: decision.review },
    { action: 'review', rule: 'score_unavailable', risk_score: null, review: 'open' },
    'during a scoring outage an unscored authorization was let through as if it were safe',
  );
});

bug('score-outage-allows', 'when the scoring service is down, a review rule that fired is the reason of the review', async () => {
  const w = world(undefined, { rules: { amount: [{ id: 'over_500', aboveUsdCents: 50_000, action: 'review' }] } });
  w.scorer.down = true;
  const big = await w.radar.assess(auth('auth_big', { amount: 60_000 }));
  const small = await w.radar.assess(auth('auth_small', { amount: 1_000 }));
  expectSame(
    [big, small].map((d) => ({ ...verdict(d), risk_score: d.risk_score })),
    [{ action: 'review', rule: 'over_500', risk_score: null }, { action: 'review', rule: 'score_unavailable', risk_score: null }],
    'during a scoring outage authorizations were not reviewed with the reason the documented order gives',
  );
});

bug('score-outage-allows', 'when the scoring service is down, block rules and lists still decide, and the rest is reviewed', async () => {
  const w = world(undefined, { rules: { velocity: [cardPerHour(0)] }, lists: { allow: { entries: ['email:vip@example.com'] } } });
  w.scorer.down = true;
  await w.radar.assess(auth('auth_1', { card: 'fp_1' }));
  const decisions = [
    await w.radar.assess(auth('auth_2', { card: 'fp_1' })),
    await w.radar.assess(auth('auth_3', { card: 'fp_2', email: 'vip@example.com' })),
  ];
  const quiet = world();
  quiet.scorer.down = true;
  decisions.push(await quiet.radar.assess(auth('auth_4', { card: 'fp_3' })));
  expectSame(
    decisions.map((d) => ({ ...verdict(d), risk_score: d.risk_score })),
    [
      { action: 'block', rule: 'card_0_per_hour', risk_score: null },
      { action: 'allow', rule: 'allow_list', risk_score: null },
      { action: 'review', rule: 'score_unavailable', risk_score: null },
    ],
    'during a scoring outage a velocity block rule or the allow list did not decide, or an authorization no rule stopped was not held for review',
  );
});

bug('minor-unit-exponent', 'amount rules see yen and dinar amounts at their value in US cents', async () => {
  const rule = { id: 'over_500_usd', aboveUsdCents: 50_000, action: 'review' as const };
  const cases: [number, string][] = [
    [100_000, 'jpy'],
    [74_628, 'jpy'],
    [74_630, 'jpy'],
    [100_000, 'kwd'],
    [153_840, 'kwd'],
    [153_850, 'kwd'],
    [46_297, 'eur'],
    [50_001, 'usd'],
  ];
  const w = world(undefined, { rules: { amount: [rule] } });
  const actual: Record<string, string> = {};
  const expected: Record<string, string> = {};
  for (const [i, [amount, currency]] of cases.entries()) {
    actual[`${amount} ${currency}`] = (await w.radar.assess(auth(`auth_${i}`, { amount, currency }))).action;
    expected[`${amount} ${currency}`] = exactUsdCents(amount, currency) > 50_000 ? 'review' : 'allow';
  }
  expectSame(actual, expected, 'a rule reviewing amounts above 500.00 USD misjudged amounts in currencies whose minor unit is not a cent (yen have none, dinars have three decimals)');
});

bug('minor-unit-exponent', 'converted amounts are exact at every threshold: a minor unit above fires, the threshold itself does not', async () => {
  const cases: [number, string][] = [
    [775, 'eur'],
    [5_500, 'gbp'],
    [300, 'jpy'],
    [1_230, 'kwd'],
    [12_345, 'usd'],
    // The largest amounts: a rate off by a millionth of a dollar shows here.
    [99_999_999, 'usd'],
    [99_999_999, 'eur'],
    [99_999_999, 'gbp'],
    [99_999_999, 'jpy'],
    [99_999_990, 'kwd'],
  ];
  const actual: Record<string, string[]> = {};
  const expected: Record<string, string[]> = {};
  for (const [i, [amount, currency]] of cases.entries()) {
    const usdCents = exactUsdCents(amount, currency);
    const w = world(undefined, {
      rules: { amount: [{ id: 'at', aboveUsdCents: usdCents, action: 'block' }, { id: 'below', aboveUsdCents: usdCents - 1, action: 'review' }] },
    });
    const decision = await w.radar.assess(auth(`auth_${i}`, { amount, currency }));
    actual[`${amount} ${currency} (${usdCents} US cents)`] = [decision.action, String(decision.rule)];
    expected[`${amount} ${currency} (${usdCents} US cents)`] = ['review', 'below'];
  }
  expectSame(actual, expected, 'an amount converted to US cents was off by a cent or more: amount rules fired at the wrong threshold');
});

guard('malformed amounts and unsupported currencies are refused', async () => {
  const w = world();
  const cases: [number, string, string][] = [
    [19.99, 'usd', 'amount_invalid'],
    [0, 'usd', 'amount_invalid'],
    [-100, 'eur', 'amount_invalid'],
    [Number.NaN, 'usd', 'amount_invalid'],
    [100_000_000, 'usd', 'amount_invalid'],
    [1_235, 'kwd', 'amount_invalid'],
    [1_000, 'USD', 'currency_not_supported'],
    [1_000, 'chf', 'currency_not_supported'],
    [1_000, 'constructor', 'currency_not_supported'],
  ];
  for (const [i, [amount, currency, code]] of cases.entries()) {
    await expectRejects(() => w.radar.assess(auth(`auth_${i}`, { amount, currency })), code, `assessing ${amount} ${currency} was not refused with ${code}`);
  }
  await expectResolves(() => w.radar.assess(auth('auth_max', { amount: 99_999_999, currency: 'usd' })), 'the largest amount, 99,999,999, was refused');
  await expectResolves(() => w.radar.assess(auth('auth_min', { amount: 1, currency: 'usd' })), 'the smallest amount, 1 minor unit, was refused');
  await expectResolves(() => w.radar.assess(auth('auth_kwd', { amount: 1_230, currency: 'kwd' })), '1.230 KWD was refused');
  expectSame(w.decisions.values().length, 3, 'refused authorizations left decisions behind');
});

async function reviewed(w: ReturnType<typeof world>, id = 'auth_r') {
  return w.radar.assess(auth(id));
}

bug('review-resolved-twice', 'a refused review cannot be approved afterwards', async () => {
  const w = world(undefined, { scores: { auth_r: 70 } });
  await reviewed(w);
  await w.radar.resolveReview('auth_r', 'refused');
  await expectRejects(() => w.radar2.resolveReview('auth_r', 'approved'), 'review_not_open', 'an analyst approved an authorization another analyst had already refused');
  expectSame(w.decisions.peek('auth_r')?.review, 'refused', 'the refusal of a review was overwritten');
});

bug('review-resolved-twice', 'an approved review cannot be resolved again', async () => {
  const w = world(undefined, { scores: { auth_r: 70 } });
  await reviewed(w);
  const approved = await w.radar.resolveReview('auth_r', 'approved');
  await expectRejects(() => w.radar.resolveReview('auth_r', 'refused'), 'review_not_open', 'an approved review could be refused afterwards');
  await expectRejects(() => w.radar.resolveReview('auth_r', 'approved'), 'review_not_open', 'an approved review could be approved again');
  expectSame(w.decisions.peek('auth_r'), approved, 'the approved decision changed');
});

guard('an open review is approved or refused, and only reviews can be', async () => {
  const w = world(undefined, { scores: { auth_r: 70, auth_s: 70, auth_b: 90, auth_a: 10 } });
  const review = await reviewed(w);
  await reviewed(w, 'auth_s');
  await w.radar.assess(auth('auth_b'));
  await w.radar.assess(auth('auth_a'));
  const approved = await w.radar.resolveReview('auth_r', 'approved');
  const refused = await w.radar2.resolveReview('auth_s', 'refused');
  expectSame({ approved, refused: refused.review }, { approved: { ...review, review: 'approved' }, refused: 'refused' }, 'resolving an open review did not record the resolution');
  await expectRejects(() => w.radar.resolveReview('auth_b', 'approved'), 'review_not_open', 'a blocked authorization could be approved');
  await expectRejects(() => w.radar.resolveReview('auth_a', 'refused'), 'review_not_open', 'an allowed authorization could be refused');
  await expectRejects(() => w.radar.resolveReview('auth_missing', 'approved'), 'resource_missing', 'resolving an unknown authorization was not resource_missing');
  expectSame(await w.radar.assess(auth('auth_r')), approved, 'a retry of a reviewed authorization did not return its resolved decision');
});

bug('review-resolved-twice', 'two analysts resolving one review at once: exactly one resolution is recorded', async () => {
  await explore({}, async (env) => {
    const w = world(env, { scores: { auth_r: 70 } });
    await w.radar.assess(auth('auth_r'));
    const results = await env.outcomes([
      env.run('approve', () => w.radar.resolveReview('auth_r', 'approved')),
      env.run('refuse', () => w.radar2.resolveReview('auth_r', 'refused')),
    ]);
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [['approved', 'refused'][i]] : []));
    const lost = results.filter((r) => r.status === 'rejected').map((r) => errorCode((r as PromiseRejectedResult).reason));
    expectThat(
      won.length === 1 && lost.every((code) => code === 'lock_timeout' || code === 'review_not_open') && w.decisions.peek('auth_r')?.review === won[0],
      'two analysts resolving the same review at once both succeeded, or the saved resolution is not the one that succeeded',
      { expected: 'one resolution succeeds and is saved; the other fails with lock_timeout or review_not_open', actual: { won, lost, saved: w.decisions.peek('auth_r')?.review } },
    );
  });
});
