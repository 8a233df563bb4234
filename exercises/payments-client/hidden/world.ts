/**
 * The world of the hidden suites: the client under test over the fake payments API of
 * ./fakes, a sleep that records each wait and moves the API's clock, and a fixed jitter.
 */
import { Env } from 'bugbash/harness';
import { PaymentsClient, type ClientConfig } from '@impl/src/client';
import { FakeApi } from './fakes';

export { DECLINED_SOURCE, T0, type ApiFault } from './fakes';

export const API_KEY = 'sk_test_51HqLyjWDarjtT1zdp7dc';

export function world(config: Partial<ClientConfig> = {}, env = new Env()) {
  const api = new FakeApi(env);
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    await env.step(`wait ${ms} ms`, () => api.clock.advance(ms));
  };
  const client = env.track(new PaymentsClient({ apiKey: API_KEY, transport: api, sleep, random: () => 0.5, ...config }));
  return { env, api, client, sleeps };
}

export type World = ReturnType<typeof world>;

/** What a request looked like at the API, for diffs. */
export function seen(w: World) {
  return w.api.received.map((r) => `${r.method} ${r.path}${r.idempotencyKey ? ` key=${r.idempotencyKey}` : ''}`);
}

/** How a call ended, in words for a diff: `resolved`, or the error's class and code. */
export function ending(result: { ok: true } | { ok: false; error: unknown }): string {
  if (result.ok) return 'resolved';
  const error = result.error as { name?: string; code?: string | null };
  return error.code ? `${error.name}: ${error.code}` : `${error.name}`;
}
