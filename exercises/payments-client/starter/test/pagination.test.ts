import { describe, expect, it } from 'vitest';
import { PaymentsClient } from '../src/client';
import { ParameterError } from '../src/errors';
import type { HttpRequest, HttpResponse } from '../src/http';

function json(status: number, body: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A list endpoint over `ids` (newest first) with the API's cursor semantics. */
function listEndpoint(ids: string[]): (request: HttpRequest) => HttpResponse {
  return (request) => {
    const query = new URL(request.url).searchParams;
    const limit = Number(query.get('limit') ?? 10);
    if (limit < 1 || limit > 100) return json(400, { error: { type: 'invalid_request_error', code: 'parameter_invalid_integer' } });
    const after = query.get('starting_after');
    const before = query.get('ending_before');
    let data: string[];
    let hasMore: boolean;
    if (before !== null) {
      const end = ids.indexOf(before);
      data = ids.slice(Math.max(0, end - limit), end);
      hasMore = end - limit > 0;
    } else {
      const start = after === null ? 0 : ids.indexOf(after) + 1;
      data = ids.slice(start, start + limit);
      hasMore = start + limit < ids.length;
    }
    return json(200, { object: 'list', url: new URL(request.url).pathname, has_more: hasMore, data: data.map((id) => ({ id, object: 'customer' })) });
  };
}

/** A client over `listEndpoint(ids)`, recording the requests it sends. */
function testClient(handler: (request: HttpRequest) => HttpResponse) {
  const requests: HttpRequest[] = [];
  const transport = {
    requests,
    query: () => Object.fromEntries(new URL(requests[requests.length - 1]!.url).searchParams),
    request: async (request: HttpRequest) => {
      requests.push(request);
      return handler(request);
    },
  };
  const client = new PaymentsClient({ apiKey: 'sk_test_123', transport, sleep: async () => undefined, random: () => 0.5 });
  return { client, transport };
}

/** Seven customers, newest first. */
const IDS = ['cus_7', 'cus_6', 'cus_5', 'cus_4', 'cus_3', 'cus_2', 'cus_1'];

describe('list pages', () => {
  it('awaiting a list gives its first page', async () => {
    const { client, transport } = testClient(listEndpoint(IDS));
    const page = await client.customers.list({ limit: 3 });
    expect(page.data.map((c) => c.id)).toEqual(['cus_7', 'cus_6', 'cus_5']);
    expect(page.has_more).toBe(true);
    expect(transport.query()).toEqual({ limit: '3' });
  });

  it('passes filters and cursors through', async () => {
    const { client, transport } = testClient(listEndpoint(IDS));
    await client.customers.list({ limit: 2, starting_after: 'cus_5', email: 'jenny@example.com' });
    expect(transport.query()).toEqual({ limit: '2', starting_after: 'cus_5', email: 'jenny@example.com' });
  });

  it('refuses a page size outside 1 to 100', () => {
    const { client } = testClient(listEndpoint(IDS));
    expect(() => client.customers.list({ limit: 0 })).toThrow(ParameterError);
    expect(() => client.customers.list({ limit: 101 })).toThrow(ParameterError);
    expect(() => client.customers.list({ limit: 2.5 })).toThrow(ParameterError);
    expect(() => client.customers.list({ limit: 100 })).not.toThrow();
  });

  it('refuses both cursors at once', () => {
    const { client } = testClient(listEndpoint(IDS));
    expect(() => client.customers.list({ starting_after: 'cus_5', ending_before: 'cus_2' })).toThrow(ParameterError);
  });
});

describe('auto-paging', () => {
  it('visits every customer once, across pages', async () => {
    const { client, transport } = testClient(listEndpoint(IDS));
    const seen: string[] = [];
    for await (const customer of client.customers.list({ limit: 3 })) seen.push(customer.id);
    expect(seen).toEqual(IDS);
    expect(transport.requests.map((r) => new URL(r.url).searchParams.get('starting_after'))).toEqual([null, 'cus_5', 'cus_2']);
  });

  it('stops after a single page without a further request', async () => {
    const { client, transport } = testClient(listEndpoint(IDS));
    const seen: string[] = [];
    for await (const customer of client.customers.list({ limit: 10 })) seen.push(customer.id);
    expect(seen).toEqual(IDS);
    expect(transport.requests).toHaveLength(1);
  });

  it('collects up to a limit with autoPagingToArray', async () => {
    const { client } = testClient(listEndpoint(IDS));
    const customers = await client.customers.list({ limit: 2 }).autoPagingToArray({ limit: 5 });
    expect(customers.map((c) => c.id)).toEqual(['cus_7', 'cus_6', 'cus_5', 'cus_4', 'cus_3']);
    await expect(client.customers.list().autoPagingToArray({ limit: 10_001 })).rejects.toThrow(ParameterError);
  });

  it('stops early when autoPagingEach returns false', async () => {
    const { client, transport } = testClient(listEndpoint(IDS));
    const seen: string[] = [];
    await client.customers.list({ limit: 3 }).autoPagingEach((customer) => {
      seen.push(customer.id);
      return seen.length < 2;
    });
    expect(seen).toEqual(['cus_7', 'cus_6']);
    expect(transport.requests).toHaveLength(1);
  });

  it('walks toward newer objects from ending_before', async () => {
    const { client } = testClient(listEndpoint(IDS));
    const seen: string[] = [];
    for await (const customer of client.customers.list({ limit: 2, ending_before: 'cus_2' })) seen.push(customer.id);
    expect(seen).toEqual(['cus_4', 'cus_3', 'cus_6', 'cus_5', 'cus_7']);
  });
});
