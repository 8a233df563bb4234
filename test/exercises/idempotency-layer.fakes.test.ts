import { describe, expect, it } from 'vitest';
import { Env, FakeClock } from '../../src/harness/index.js';
import { ALICE, CHARGES, DECLINED, FLAKY, FakePaymentsApi, LOOKUP_DOWN, LOOKUP_FAILURE, PAYMENT_INTENTS, UPSTREAM_TIMEOUT, validationErrorOf, type FakeRequest } from '../../exercises/idempotency-layer/hidden/fakes.js';

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function api() {
  const clock = new FakeClock();
  return { clock, api: new FakePaymentsApi(new Env(), clock, ApiError) };
}

const request = (params: Record<string, unknown>, options: Partial<FakeRequest> = {}): FakeRequest => ({
  accountId: 'acct_1',
  endpoint: CHARGES,
  idempotencyKey: 'k',
  params,
  ...options,
});
const ORDER = { amount: 2000, currency: 'usd', customer: ALICE };

describe('FakePaymentsApi (idempotency-layer)', () => {
  it('validates like the charges endpoint: URL, amount bounds, currency, customer', async () => {
    const { api: payments } = api();
    const codeOf = (req: FakeRequest) => payments.validate(req).then(() => 'ok', (error: ApiError) => `${error.status} ${error.code}`);
    expect(await codeOf(request(ORDER))).toBe('ok');
    expect(await codeOf(request(ORDER, { endpoint: PAYMENT_INTENTS }))).toBe('ok');
    expect(await codeOf(request(ORDER, { endpoint: 'POST /v1/charge' }))).toBe('404 resource_missing');
    expect(await codeOf(request({ ...ORDER, amount: 49 }))).toBe('400 amount_invalid');
    expect(await codeOf(request({ ...ORDER, amount: 50 }))).toBe('ok');
    expect(await codeOf(request({ ...ORDER, amount: 99_999_999 }))).toBe('ok');
    expect(await codeOf(request({ ...ORDER, amount: 100_000_000 }))).toBe('400 amount_invalid');
    expect(await codeOf(request({ ...ORDER, amount: 19.99 }))).toBe('400 amount_invalid');
    expect(await codeOf(request({ ...ORDER, currency: 'USD' }))).toBe('400 currency_invalid');
    expect(await codeOf(request({ ...ORDER, customer: 'alice' }))).toBe('400 resource_missing');
    expect(validationErrorOf(request(ORDER))).toBeUndefined();
  });

  it('an unreachable customer database fails validation with the driver\'s own error, not an ApiError', async () => {
    const { api: payments } = api();
    const failure = await payments.validate(request({ ...ORDER, customer: LOOKUP_DOWN })).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(ApiError);
    expect((failure as Error).message).toBe(LOOKUP_FAILURE);
    expect(validationErrorOf(request({ ...ORDER, customer: LOOKUP_DOWN }))).toBeUndefined();
    expect(payments.executions).toEqual([]);
  });

  it('validation moves no money', async () => {
    const { api: payments } = api();
    await payments.validate(request(ORDER));
    expect(payments.charges).toEqual([]);
    expect(payments.executions).toEqual([]);
  });

  it('refuses to execute what validation refuses, charging nothing', async () => {
    const { api: payments } = api();
    await expect(payments.execute(request({ ...ORDER, amount: 10 }))).rejects.toMatchObject({ status: 400, code: 'amount_invalid' });
    expect(payments.charges).toEqual([]);
  });

  it('charges the card and records the execution with its key and time', async () => {
    const { api: payments, clock } = api();
    const response = await payments.execute(request(ORDER));
    expect(response).toEqual({ status: 200, body: { id: 'ch_1', object: 'charge', amount: 2000, currency: 'usd', customer: ALICE, status: 'succeeded' } });
    expect(payments.executions).toEqual([{ accountId: 'acct_1', key: 'k', endpoint: CHARGES, at: clock.now() }]);
    const intent = await payments.execute(request(ORDER, { endpoint: PAYMENT_INTENTS }));
    expect(intent.body).toMatchObject({ id: 'pi_2', object: 'payment_intent' });
  });

  it('a declined card answers 402 and charges nothing, but counts the try', async () => {
    const { api: payments } = api();
    const response = await payments.execute(request({ ...ORDER, customer: DECLINED }));
    expect(response.status).toBe(402);
    expect(payments.charges).toEqual([]);
    expect(payments.declines).toEqual([DECLINED]);
  });

  it('fails after the charge (a 500 after money moved) and answers a 502 of its own after charging', async () => {
    const { api: payments } = api();
    await expect(payments.execute(request({ ...ORDER, customer: FLAKY }))).rejects.toThrow('receipt store timed out');
    const upstream = await payments.execute(request({ ...ORDER, customer: UPSTREAM_TIMEOUT }));
    expect(upstream.status).toBe(502);
    expect(payments.charges.map((c) => c.customer)).toEqual([FLAKY, UPSTREAM_TIMEOUT]);
  });

  it('planned failures: before the charge nothing moves, after it the card is charged', async () => {
    const { api: payments } = api();
    payments.failNext('before-charge', 'after-charge');
    await expect(payments.execute(request(ORDER))).rejects.toThrow('connection reset');
    expect(payments.charges).toHaveLength(0);
    await expect(payments.execute(request(ORDER))).rejects.toThrow('receipt store timed out');
    expect(payments.charges).toHaveLength(1);
    expect(payments.executions).toHaveLength(2);
  });

  it('a crashed execution never returns and charges nothing', async () => {
    const { api: payments } = api();
    payments.crashNext();
    let settled = false;
    void payments.execute(request(ORDER)).finally(() => (settled = true));
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect({ settled, crashed: payments.crashed, charges: payments.charges.length }).toEqual({ settled: false, crashed: 1, charges: 0 });
    expect((await payments.execute(request(ORDER))).status).toBe(200);
  });

  it('held executions wait after charging until released', async () => {
    const { api: payments } = api();
    const hold = payments.holdExecutions();
    let done = false;
    const running = payments.execute(request(ORDER)).then((r) => ((done = true), r));
    await hold.started;
    expect({ done, charges: payments.charges.length }).toEqual({ done: false, charges: 1 });
    hold.release();
    expect((await running).status).toBe(200);
  });
});
