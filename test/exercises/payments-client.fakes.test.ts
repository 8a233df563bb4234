import { describe, expect, it } from 'vitest';
import { Env } from 'bugbash/harness';
import { DECLINED_SOURCE, FakeApi, type Request, type Response } from '../../exercises/payments-client/hidden/fakes';

function post(path: string, body: string, key?: string): Request {
  return { method: 'POST', url: `https://api.stripe.com${path}`, headers: key ? { 'Idempotency-Key': key } : {}, body, timeout: 80_000 };
}

function get(pathAndQuery: string): Request {
  return { method: 'GET', url: `https://api.stripe.com${pathAndQuery}`, headers: {}, body: null, timeout: 80_000 };
}

async function failure(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  throw new Error('expected the request to fail');
}

const body = (response: Response) => JSON.parse(response.body) as Record<string, any>;

describe('payments-client fakes: idempotency keys', () => {
  it('carries out a key once and replays its saved status and body', async () => {
    const api = new FakeApi(new Env());
    const first = await api.request(post('/v1/charges', 'amount=2000&currency=usd&customer=cus_1', 'k1'));
    const again = await api.request(post('/v1/charges', 'amount=2000&currency=usd&customer=cus_1', 'k1'));
    expect(api.objects.charges).toHaveLength(1);
    expect(again.body).toBe(first.body);
    expect(again.headers['Idempotent-Replayed']).toBe('true');
  });

  it('replays a saved decline, and refuses a key reused with other parameters', async () => {
    const api = new FakeApi(new Env());
    const declined = await api.request(post('/v1/charges', `amount=2000&currency=usd&source=${DECLINED_SOURCE}`, 'k2'));
    const replay = await api.request(post('/v1/charges', `amount=2000&currency=usd&source=${DECLINED_SOURCE}`, 'k2'));
    const other = await api.request(post('/v1/charges', 'amount=2500&currency=usd&customer=cus_1', 'k2'));
    expect([declined.status, replay.status, other.status]).toEqual([402, 402, 400]);
    expect(body(other).error.type).toBe('idempotency_error');
  });

  it('does not save a validation failure, so a corrected retry may succeed', async () => {
    const api = new FakeApi(new Env());
    const missing = await api.request(post('/v1/charges', 'currency=usd', 'k3'));
    const retry = await api.request(post('/v1/charges', 'amount=2000&currency=usd&customer=cus_1', 'k3'));
    expect([missing.status, retry.status]).toEqual([400, 200]);
  });

  it('answers 409 idempotency_key_in_use while a request with the key still runs, then replays it', async () => {
    const api = new FakeApi(new Env());
    api.inject({ kind: 'still-running', busy: 2 });
    expect(await failure(api.request(post('/v1/customers', 'email=a%40b.co', 'k4')))).toBe('ETIMEDOUT');
    const busy1 = await api.request(post('/v1/customers', 'email=a%40b.co', 'k4'));
    const busy2 = await api.request(post('/v1/customers', 'email=a%40b.co', 'k4'));
    const done = await api.request(post('/v1/customers', 'email=a%40b.co', 'k4'));
    expect([busy1.status, busy2.status, done.status]).toEqual([409, 409, 200]);
    expect(body(busy1).error.code).toBe('idempotency_key_in_use');
    expect(api.objects.customers).toHaveLength(1);
  });

  it('a POST without a key is carried out every time', async () => {
    const api = new FakeApi(new Env());
    await api.request(post('/v1/customers', 'name=A'));
    await api.request(post('/v1/customers', 'name=A'));
    expect(api.objects.customers).toHaveLength(2);
  });
});

describe('payments-client fakes: faults', () => {
  it('a refused request does nothing; a lost response did the work', async () => {
    const api = new FakeApi(new Env());
    api.inject({ method: 'POST', path: '/v1/charges', kind: 'refused' });
    api.inject({ method: 'POST', path: '/v1/charges', kind: 'lost-response' });
    expect(await failure(api.request(post('/v1/charges', 'amount=2000&currency=usd&customer=cus_1', 'a')))).toBe('ECONNREFUSED');
    expect(api.objects.charges).toHaveLength(0);
    expect(await failure(api.request(post('/v1/charges', 'amount=2000&currency=usd&customer=cus_1', 'b')))).toBe('ETIMEDOUT');
    expect(api.objects.charges).toHaveLength(1);
    expect(api.received.map((r) => r.idempotencyKey)).toEqual(['a', 'b']);
  });

  it('an injected answer does nothing and is not saved under the key', async () => {
    const api = new FakeApi(new Env());
    api.inject({ kind: 'answer', status: 429, headers: { 'Retry-After': '2' }, times: 2 });
    const first = await api.request(post('/v1/customers', 'name=A', 'k'));
    const second = await api.request(post('/v1/customers', 'name=A', 'k'));
    const third = await api.request(post('/v1/customers', 'name=A', 'k'));
    expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
    expect(first.headers['Retry-After']).toBe('2');
    expect(api.objects.customers).toHaveLength(1);
  });

  it('faults match their method and path only', async () => {
    const api = new FakeApi(new Env());
    api.seed('customers', 1);
    api.inject({ method: 'POST', path: '/v1/refunds', kind: 'answer', status: 500 });
    expect((await api.request(get('/v1/customers/cus_0001'))).status).toBe(200);
    expect((await api.request(post('/v1/customers', 'name=A'))).status).toBe(200);
  });
});

describe('payments-client fakes: lists and objects', () => {
  it('pages with exclusive cursors in both directions and refuses page sizes outside 1 to 100', async () => {
    const api = new FakeApi(new Env());
    const ids = api.seed('customers', 5);
    expect(ids).toEqual(['cus_0005', 'cus_0004', 'cus_0003', 'cus_0002', 'cus_0001']);
    const first = body(await api.request(get('/v1/customers?limit=2')));
    const next = body(await api.request(get('/v1/customers?limit=2&starting_after=cus_0004')));
    const last = body(await api.request(get('/v1/customers?limit=2&starting_after=cus_0002')));
    const back = body(await api.request(get('/v1/customers?limit=2&ending_before=cus_0002')));
    const top = body(await api.request(get('/v1/customers?limit=2&ending_before=cus_0004')));
    expect([first, next, last, back, top].map((p) => [p.data.map((o: { id: string }) => o.id), p.has_more])).toEqual([
      [['cus_0005', 'cus_0004'], true],
      [['cus_0003', 'cus_0002'], true],
      [['cus_0001'], false],
      [['cus_0004', 'cus_0003'], true],
      [['cus_0005'], false],
    ]);
    for (const limit of [0, 101, 1.5]) expect((await api.request(get(`/v1/customers?limit=${limit}`))).status).toBe(400);
    expect((await api.request(get('/v1/customers?starting_after=cus_9999'))).status).toBe(400);
  });

  it('filters lists, and refunds never exceed the charge', async () => {
    const api = new FakeApi(new Env());
    const [chargeId] = api.seed('charges', 1, { amount: 1_000, amount_refunded: 0, currency: 'usd', customer: 'cus_1' });
    api.seed('charges', 1, { customer: 'cus_2' });
    expect(body(await api.request(get('/v1/charges?customer=cus_1'))).data).toHaveLength(1);
    expect((await api.request(post('/v1/refunds', `charge=${chargeId}&amount=600`))).status).toBe(200);
    expect(body(await api.request(post('/v1/refunds', `charge=${chargeId}&amount=500`))).error.code).toBe('amount_too_large');
    expect(body(await api.request(post('/v1/refunds', `charge=${chargeId}`))).amount).toBe(400);
    expect(body(await api.request(post('/v1/refunds', `charge=${chargeId}`))).error.code).toBe('charge_already_refunded');
  });

  it('updates, captures once, cancels and deletes', async () => {
    const api = new FakeApi(new Env());
    const charge = body(await api.request(post('/v1/charges', 'amount=2000&currency=usd&customer=cus_1&capture=false')));
    expect(charge.captured).toBe(false);
    expect(body(await api.request(post(`/v1/charges/${charge.id}`, 'description=&metadata%5Bk%5D=v'))).metadata).toEqual({ k: 'v' });
    expect(body(await api.request(post(`/v1/charges/${charge.id}/capture`, 'amount=1500'))).amount_captured).toBe(1_500);
    expect(body(await api.request(post(`/v1/charges/${charge.id}/capture`, ''))).error.code).toBe('charge_already_captured');
    const deleted = await api.request({ method: 'DELETE', url: 'https://api.stripe.com/v1/customers/cus_x', headers: {}, body: null, timeout: 1 });
    expect(deleted.status).toBe(404);
    expect((await api.request(get('/v2/anything'))).status).toBe(404);
  });
});
