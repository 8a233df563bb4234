import { Env, bug, compareWithReference, expectSame, expectThat, explore, fail, fc, guard, outcome } from 'bugbash/harness';
import { OLD_SECRET, SECRET, RUNAWAY_RETRIES, dispatcherWorld, hmac, topUpEvent, type Reply, type Side } from './world';

const event = topUpEvent('succeeded');

/** Delivers once and describes the result, turning a runaway retry loop into a readable failure. */
async function deliver(world: ReturnType<typeof dispatcherWorld>, symptom: string, budget = 'the first attempt plus 2 retries') {
  const result = await outcome(world.dispatcher.deliver(event));
  if (!result.ok) {
    if (result.code === 'RunawayRetries') {
      fail(`${symptom}: the dispatcher was still retrying after ${RUNAWAY_RETRIES} retries and never gave up`, {
        expected: `give up after ${budget}`,
        actual: `${world.requests.length} attempts and counting`,
      });
    }
    fail(`${symptom}: deliver() threw instead of returning an undelivered result`, { expected: 'a DeliveryResult', actual: { error: result.code } });
  }
  return result.value;
}

// --- network-errors-retried-forever -------------------------------------------------------

bug('network-errors-retried-forever', 'an endpoint that never answers is given up on after 2 retries', async () => {
  const world = dispatcherWorld(new Env());
  world.reply('no response');
  const symptom = 'a merchant endpoint that was down (connections refused) kept the delivery worker busy';
  const result = await deliver(world, symptom);
  expectSame(
    { result, attempts: world.requests.length, retryDelays: world.delays.length },
    { result: { delivered: false, attempts: 3, status: null }, attempts: 3, retryDelays: 2 },
    `${symptom}: it must stop after the first attempt plus 2 retries and report the event undelivered`,
  );
});

bug('network-errors-retried-forever', 'a 503 followed by dropped connections still counts toward the retry budget', async () => {
  const world = dispatcherWorld(new Env(), { maxRetries: 3 });
  world.reply(503, 'no response');
  const symptom = 'an endpoint that answered 503 once and then dropped every connection was retried past the retry budget';
  const result = await deliver(world, symptom, 'the first attempt plus 3 retries');
  expectSame(
    { result, attempts: world.requests.length },
    { result: { delivered: false, attempts: 4, status: null }, attempts: 4 },
    `${symptom}: with maxRetries 3 it must stop after 4 attempts, whatever mix of failures it met`,
  );
});

bug('network-errors-retried-forever', 'with no retries allowed, a dropped connection is reported at once', async () => {
  const world = dispatcherWorld(new Env(), { maxRetries: 0 });
  world.reply('no response');
  const symptom = 'with maxRetries 0 a delivery that got no response was retried anyway';
  const result = await deliver(world, symptom, 'the first attempt');
  expectSame(
    { result, retryDelays: world.delays },
    { result: { delivered: false, attempts: 1, status: null }, retryDelays: [] },
    symptom,
  );
});

bug('network-errors-retried-forever', 'every delivery gets its own retry budget, one after another or at the same time', async () => {
  const world = dispatcherWorld(new Env());
  world.reply('no response');
  const first = await deliver(world, 'the first delivery to an endpoint that is down');
  const second = await deliver(world, 'a second delivery to the same endpoint, still down');
  expectSame(
    { first, second },
    { first: { delivered: false, attempts: 3, status: null }, second: { delivered: false, attempts: 3, status: null } },
    'two deliveries in a row to an endpoint that is down did not each get the first attempt plus 2 retries',
  );
  // One retry each keeps every ordering of the two deliveries small enough to run them all.
  await explore({ arrivals: 'now' }, async (env) => {
    const shared = dispatcherWorld(env, { maxRetries: 1 });
    shared.reply('no response');
    const results = await env.outcomes([
      env.run('delivery of evt_a', () => shared.dispatcher.deliver(topUpEvent('succeeded', { id: 'evt_a' }))),
      env.run('delivery of evt_b', () => shared.dispatcher.deliver(topUpEvent('succeeded', { id: 'evt_b' }))),
    ]);
    expectSame(
      results.map((r) => (r.status === 'fulfilled' ? r.value : { error: String(r.reason) })),
      [{ delivered: false, attempts: 2, status: null }, { delivered: false, attempts: 2, status: null }],
      'two deliveries running at the same time on one dispatcher (maxRetries 1), to an endpoint that is down, did not each get the first attempt plus 1 retry',
    );
  });
}, { timeout: 8_000 });

bug('network-errors-retried-forever', 'deliveries match the reference when dropped connections and HTTP errors mix', async () => {
  type Command = Reply[];
  const reply = fc.constantFrom<Reply>('no response', 'no response', 200, 409, 429, 500, 503);
  await compareWithReference<ReturnType<typeof dispatcherWorld>, Command>({
    symptom: 'a delivery meeting dropped connections ended differently from the reference (attempts, result, waits or jitter draws)',
    commands: fc.array(fc.array(reply, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
    create: (side: Side, env) => dispatcherWorld(env, { side, maxRetries: 3, jitter: [0.1, 0.7, 0.3] }),
    apply: async (world, replies) => {
      world.reply(...replies);
      const result = await outcome(world.dispatcher.deliver(event));
      return result.ok ? result.value : { error: result.code };
    },
    state: (world) => ({ attempts: world.requests.length, retryDelaysMs: [...world.delays], jitterDraws: world.draws() }),
    describe: (replies) => `deliver(event) while the endpoint answers ${replies.join(', ')} (the last one repeats)`,
    seed: 9,
    runs: 40,
  });
}, { timeout: 8_000 });

// --- guards -------------------------------------------------------------------------------

bug('backoff-jitter-after-cap', 'jitter is drawn once per retry and stays within its bounds', async () => {
  const expectedDelay = (retry: number, r: number) => Math.max(0.5, Math.min(0.5 * 2 ** (retry - 1), 5) * 0.5 * (1 + r)) * 1000;
  for (const r of [0, 0.999999]) {
    const world = dispatcherWorld(new Env(), { maxRetries: 6, jitter: [r] });
    world.reply(503);
    await deliver(world, 'an endpoint answering 503 every time');
    const expected = [1, 2, 3, 4, 5, 6].map((retry) => expectedDelay(retry, r));
    const close = world.delays.length === expected.length && world.delays.every((ms, i) => Math.abs(ms - expected[i]!) < 1e-6);
    expectThat(close && world.draws() === 6, `with random() = ${r}, the waits between retries or the number of jitter draws are not as the backoff rule says`, {
      expected: { delaysMs: expected, jitterDraws: 6 },
      actual: { delaysMs: world.delays, jitterDraws: world.draws() },
    });
  }
  const world = dispatcherWorld(new Env());
  world.reply(200);
  await deliver(world, 'an endpoint accepting at once');
  expectSame({ waits: world.delays, jitterDraws: world.draws() }, { waits: [], jitterDraws: 0 }, 'a delivery accepted at the first attempt waited or drew jitter');
});



bug('backoff-jitter-after-cap', 'retries past the 5 s cap keep their jitter: two workers do not wait the same 5 s', async () => {
  const waits: Record<string, number[]> = {};
  for (const r of [0, 0.25, 0.75]) {
    const world = dispatcherWorld(new Env(), { maxRetries: 7, jitter: [r] });
    world.reply(503);
    await deliver(world, 'an endpoint answering 503 every time');
    waits[`random() = ${r}`] = world.delays.slice(4);
  }
  expectSame(
    waits,
    { 'random() = 0': [2500, 2500, 2500], 'random() = 0.25': [3125, 3125, 3125], 'random() = 0.75': [4375, 4375, 4375] },
    'retries 5 to 7 (past the 5 s cap) did not wait 5 s × 0.5 · (1 + random()): the jitter was lost at the cap, so every worker retries in step',
  );
});

guard('a dropped connection is retried and the retry can succeed', async () => {
  const world = dispatcherWorld(new Env());
  world.reply('no response', 200);
  const result = await deliver(world, 'a delivery that got no response once');
  expectSame(result, { delivered: true, attempts: 2, status: 200 }, 'a delivery whose first connection dropped was not retried to success');
});

guard('a 4xx other than 409 is the final answer and is not retried', async () => {
  for (const status of [400, 401, 404, 410, 422, 429, 499]) {
    const world = dispatcherWorld(new Env());
    world.reply(status, 200);
    const result = await deliver(world, `an endpoint answering ${status}`);
    expectSame(result, { delivered: false, attempts: 1, status }, `an endpoint that answered ${status} was retried; only no response, 409 and 5xx are retried`);
  }
});

guard('409 and 5xx are retried until the endpoint accepts', async () => {
  const world = dispatcherWorld(new Env());
  world.reply(409, 502, 204);
  const result = await deliver(world, 'an endpoint answering 409, 502, then 204');
  expectSame(result, { delivered: true, attempts: 3, status: 204 }, 'a delivery answered 409 then 502 was not retried until the 204');
});

guard('a persistently failing endpoint gets exactly maxRetries retries', async () => {
  const world = dispatcherWorld(new Env());
  world.reply(500);
  const result = await deliver(world, 'an endpoint answering 500 every time');
  expectSame(result, { delivered: false, attempts: 3, status: 500 }, 'an endpoint answering 500 every time did not get exactly 1 attempt plus 2 retries');
});

bug('backoff-jitter-after-cap', 'retry delays follow the capped, jittered exponential backoff', async () => {
  const world = dispatcherWorld(new Env(), { maxRetries: 6, jitter: [0.5] });
  world.reply(503);
  await deliver(world, 'an endpoint answering 503 every time');
  // min(0.5 · 2^(n−1), 5) s × 0.5 · (1 + 0.5), never below 0.5 s
  expectSame(world.delays, [500, 750, 1500, 3000, 3750, 3750], 'the waits between retries are not min(0.5 · 2^(n−1), 5) s with jitter × 0.5·(1 + random), floored at 0.5 s');
});

guard('every attempt is freshly signed with each active secret over the exact body sent', async () => {
  const world = dispatcherWorld(new Env(), { secrets: [OLD_SECRET, SECRET], jitter: [0.9] });
  world.reply(500, 500, 200);
  await deliver(world, 'a delivery retried twice');
  expectThat(world.requests.length === 3, 'a delivery retried twice did not make three attempts', { expected: 3, actual: world.requests.length });
  // The waits (0.5 s, then 0.95 s) carry the third attempt into the next second.
  for (const [index, request] of world.requests.entries()) {
    const t = Math.floor(request.sentAt / 1000);
    const expected = `t=${t},v1=${hmac(t, request.body, OLD_SECRET)},v1=${hmac(t, request.body, SECRET)}`;
    expectSame(request.signature, expected, `attempt ${index + 1} was not signed at the time it was sent, with every active secret, over the body it carried`);
  }
  expectSame(JSON.parse(world.requests[0].body), event, 'the body sent is not the event as JSON');
});

guard('deliveries match the reference for any sequence of HTTP answers', async () => {
  type Command = Reply[];
  const status = fc.constantFrom<Reply>(200, 202, 204, 301, 400, 404, 409, 422, 429, 500, 502, 503, 504);
  await compareWithReference<ReturnType<typeof dispatcherWorld>, Command>({
    symptom: 'a delivery ended differently from the reference',
    commands: fc.array(fc.array(status, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
    create: (side: Side, env) => dispatcherWorld(env, { side, maxRetries: 3, jitter: [0.1, 0.7, 0.3] }),
    apply: async (world, replies) => {
      world.reply(...replies);
      return world.dispatcher.deliver(event);
    },
    state: (world) => ({ attempts: world.requests.length, retryDelaysMs: [...world.delays] }),
    describe: (replies) => `deliver(event) while the endpoint answers ${replies.join(', ')} (the last one repeats)`,
    seed: 5,
    runs: 40,
  });
}, { timeout: 5_000 });
