import { bug, expectRejects, expectSame, guard, outcome } from 'bugbash/harness';
import { List, checkListParams } from '@impl/src/pagination';
import { ending, world } from './world';

async function collect<T>(iterable: AsyncIterable<T>, atMost = 1_000): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= atMost) break;
  }
  return items;
}

function cursors(w: ReturnType<typeof world>) {
  return w.api.received.map((r) => r.query.starting_after ?? (r.query.ending_before ? `before ${r.query.ending_before}` : 'first page'));
}

bug('auto-paging-skips-first-item', 'auto-paging 25 customers 10 at a time yields each once, in order, over 3 pages', async () => {
  const w = world();
  const ids = w.api.seed('customers', 25);
  const seen = (await collect(w.client.customers.list({ limit: 10 }))).map((c) => c.id);
  expectSame(
    { seen, requests: cursors(w) },
    { seen: ids, requests: ['first page', ids[9], ids[19]] },
    'auto-paging over three pages did not yield every customer exactly once, in order, from one request per page',
  );
});

bug('auto-paging-skips-first-item', 'auto-paging with pages of one object yields every object', async () => {
  const w = world();
  const ids = w.api.seed('charges', 4);
  const seen = (await outcome(collect(w.client.charges.list({ limit: 1 }), 10)));
  expectSame(
    { seen: seen.ok ? seen.value.map((c) => c.id) : ending(seen), requests: cursors(w) },
    { seen: ids, requests: ['first page', ...ids.slice(0, 3)] },
    'auto-paging with limit 1 did not yield each of four charges once',
  );
});

bug('auto-paging-skips-first-item', 'auto-paging with the largest page size crosses pages without losing an object', async () => {
  const w = world();
  const ids = w.api.seed('refunds', 250);
  const seen = await outcome(collect(w.client.refunds.list({ limit: 100 })));
  expectSame(
    { count: seen.ok ? seen.value.length : ending(seen), distinct: seen.ok ? new Set(seen.value.map((r) => r.id)).size : 0, last: seen.ok ? seen.value.at(-1)?.id : null, requests: w.api.received.length },
    { count: 250, distinct: 250, last: ids[249], requests: 3 },
    'auto-paging 250 refunds 100 at a time did not yield all 250',
  );
});

bug('auto-paging-skips-first-item', 'auto-paging from ending_before walks toward newer objects, each once', async () => {
  const actual: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const limit of [1, 2, 3]) {
    const w = world();
    const ids = w.api.seed('customers', 9); // newest first: cus_0009 … cus_0001
    const seen = await outcome(collect(w.client.customers.list({ limit, ending_before: 'cus_0002' }), 30));
    const newer = ids.slice(0, 7);
    const pages: string[][] = [];
    for (let end = newer.length; end > 0; end -= limit) pages.push(newer.slice(Math.max(0, end - limit), end));
    actual[`limit ${limit}`] = seen.ok ? seen.value.map((c) => c.id) : ending(seen);
    expected[`limit ${limit}`] = pages.flat();
  }
  expectSame(actual, expected, 'auto-paging a list that started with ending_before did not yield each newer customer once, page by page');
});

bug('auto-paging-skips-first-item', 'autoPagingEach and autoPagingToArray see every object across pages', async () => {
  const w = world();
  const ids = w.api.seed('charges', 12);
  const viaEach: string[] = [];
  await w.client.charges.list({ limit: 5 }).autoPagingEach((charge) => {
    viaEach.push(charge.id);
  });
  const viaArray = (await w.client.charges.list({ limit: 5 }).autoPagingToArray({ limit: 11 })).map((c) => c.id);
  expectSame({ viaEach, viaArray }, { viaEach: ids, viaArray: ids.slice(0, 11) }, 'autoPagingEach or autoPagingToArray missed charges that sit on later pages');
});

guard('a single page, or an empty list, is read with one request', async () => {
  const w = world();
  const ids = w.api.seed('customers', 3);
  const all = (await collect(w.client.customers.list({ limit: 3 }))).map((c) => c.id);
  const empty = await collect(w.client.refunds.list());
  expectSame({ all, empty, requests: w.api.received.length }, { all: ids, empty: [], requests: 2 }, 'a list that fits one page was not read with exactly one request');
});

guard('an empty page with has_more stops the iteration', async () => {
  let calls = 0;
  const list = new List<{ id: string }>(async () => {
    calls += 1;
    return { object: 'list', data: calls === 1 ? [{ id: 'ch_1' }] : [], has_more: true, url: '/v1/charges' };
  }, {});
  const seen = await collect(list, 10);
  expectSame({ seen: seen.map((c) => c.id), calls }, { seen: ['ch_1'], calls: 2 }, 'an empty page that claimed has_more did not end the iteration');
});

guard('filters and page size are sent with every page request, and only one cursor', async () => {
  const w = world();
  w.api.seed('charges', 5, { customer: 'cus_9' });
  w.api.seed('charges', 2, { customer: 'cus_other' });
  await collect(w.client.charges.list({ limit: 2, customer: 'cus_9', created: { gte: 100 } }));
  const queries = w.api.received.map((r) => r.query);
  expectSame(
    queries.map((q) => Object.keys(q).sort().join(',')),
    ['created[gte],customer,limit', 'created[gte],customer,limit,starting_after', 'created[gte],customer,limit,starting_after'],
    'later page requests did not repeat the filters and page size with a single cursor',
  );
  expectSame(queries.map((q) => [q.limit, q.customer]), [['2', 'cus_9'], ['2', 'cus_9'], ['2', 'cus_9']], 'later page requests changed the filters');
});

guard('a list that started with starting_after continues after it', async () => {
  const w = world();
  const ids = w.api.seed('customers', 8);
  const seen = (await collect(w.client.customers.list({ limit: 3, starting_after: ids[1]! }))).map((c) => c.id);
  expectSame(seen.slice(0, 3), ids.slice(2, 5), 'a list that started after a cursor did not start with the objects after it');
  expectSame(w.api.received[0]?.query.starting_after, ids[1], 'the first page was not requested after the given cursor');
});

guard('awaiting a list fetches its first page once, however often it is awaited', async () => {
  const w = world();
  w.api.seed('customers', 4);
  const list = w.client.customers.list({ limit: 2 });
  const first = await list;
  const again = await list;
  const page = await list.page();
  expectSame(
    { ids: first.data.map((c) => c.id), same: first === again && again === page, has_more: first.has_more, requests: w.api.received.length },
    { ids: ['cus_0004', 'cus_0003'], same: true, has_more: true, requests: 1 },
    'awaiting a list did not give its first page from one request',
  );
});

guard('a failing page request rejects the iteration and the awaited list', async () => {
  const w = world({ maxNetworkRetries: 0 });
  w.api.seed('customers', 3);
  w.api.inject({ kind: 'answer', status: 404 });
  const awaited = await outcome(Promise.resolve(w.client.customers.list({ limit: 2 })));
  const list = w.client.customers.list({ limit: 2 });
  await list;
  w.api.inject({ kind: 'answer', status: 401 });
  const iterated = await outcome(collect(list));
  expectSame({ awaited: ending(awaited), iterated: ending(iterated) }, { awaited: 'InvalidRequestError', iterated: 'AuthenticationError' }, 'a page request that failed did not reject with its error');
});

guard('autoPagingEach stops when the callback returns false, even asynchronously; autoPagingToArray stops at its limit', async () => {
  const w = world();
  w.api.seed('customers', 30);
  const seen: string[] = [];
  await w.client.customers.list({ limit: 10 }).autoPagingEach(async (customer) => {
    seen.push(customer.id);
    return seen.length < 12;
  });
  const requestsForEach = w.api.received.length;
  const ten = await w.client.customers.list({ limit: 10 }).autoPagingToArray({ limit: 10 });
  const one = await w.client.customers.list({ limit: 10 }).autoPagingToArray({ limit: 1 });
  expectSame(
    { seen: seen.length, requestsForEach, ten: ten.length, one: one.length, requestsForArrays: w.api.received.length - requestsForEach },
    { seen: 12, requestsForEach: 2, ten: 10, one: 1, requestsForArrays: 2 },
    'early stops of autoPagingEach / autoPagingToArray read too many or too few objects or pages',
  );
});

guard('autoPagingToArray refuses a limit outside 1 to 10,000', async () => {
  const w = world();
  w.api.seed('customers', 1);
  for (const limit of [0, 10_001, 2.5, Number.NaN, undefined]) {
    await expectRejects(w.client.customers.list().autoPagingToArray({ limit } as { limit: number }), 'ParameterError', `autoPagingToArray accepted a limit of ${limit}`);
  }
  const ok = await outcome(w.client.customers.list().autoPagingToArray({ limit: 10_000 }));
  expectSame(ok.ok, true, 'autoPagingToArray refused a limit of 10,000');
});

guard('page sizes outside 1 to 100 and conflicting or empty cursors are refused before sending', () => {
  const refused: Record<string, boolean> = {};
  const cases: Record<string, object> = {
    'limit 0': { limit: 0 }, 'limit 101': { limit: 101 }, 'limit 1.5': { limit: 1.5 }, 'limit -1': { limit: -1 }, 'limit NaN': { limit: Number.NaN },
    'limit 1': { limit: 1 }, 'limit 100': { limit: 100 }, 'both cursors': { starting_after: 'cus_1', ending_before: 'cus_2' },
    'empty starting_after': { starting_after: '' }, 'empty ending_before': { ending_before: '' }, 'numeric cursor': { starting_after: 5 }, 'one cursor': { ending_before: 'cus_2' },
  };
  for (const [name, params] of Object.entries(cases)) {
    try {
      checkListParams(params);
      refused[name] = false;
    } catch (error) {
      refused[name] = (error as Error).name === 'ParameterError';
    }
  }
  expectSame(refused, {
    'limit 0': true, 'limit 101': true, 'limit 1.5': true, 'limit -1': true, 'limit NaN': true, 'limit 1': false, 'limit 100': false,
    'both cursors': true, 'empty starting_after': true, 'empty ending_before': true, 'numeric cursor': true, 'one cursor': false,
  }, 'list parameters were refused, or accepted, against the documented rules');
});
