/**
 * Cursor pagination. A list endpoint answers one page (`data`, `has_more`); the next page is
 * asked for with the id of the page's last object as `starting_after` (or, walking toward
 * newer objects, the page's first object as `ending_before`). A `List` is the first page plus
 * an auto-paging iterator over every object of every page.
 */

import { ParameterError } from './errors';
import type { ListPage, ListParams } from './types';

export const MIN_PAGE_SIZE = 1;
export const MAX_PAGE_SIZE = 100;
/** The most objects `autoPagingToArray` collects. */
export const MAX_TO_ARRAY_LIMIT = 10_000;

type FetchPage<T> = (params: ListParams & Record<string, unknown>) => Promise<ListPage<T>>;

/** Refuses list parameters the API would refuse, before a request is sent. */
export function checkListParams(params: ListParams): void {
  if (params.limit !== undefined) {
    if (!Number.isInteger(params.limit) || params.limit < MIN_PAGE_SIZE || params.limit > MAX_PAGE_SIZE) {
      throw new ParameterError('limit', `limit must be an integer from ${MIN_PAGE_SIZE} to ${MAX_PAGE_SIZE}`);
    }
  }
  if (params.starting_after !== undefined && params.ending_before !== undefined) {
    throw new ParameterError('starting_after', 'starting_after and ending_before cannot be used together');
  }
  for (const cursor of ['starting_after', 'ending_before'] as const) {
    const value = params[cursor];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw new ParameterError(cursor, `${cursor} must be an object id`);
    }
  }
}

/**
 * The answer of a list method: await it for the first page, or iterate it
 * (`for await (const charge of client.charges.list())`) for every object of every page.
 */
export class List<T extends { id: string }> implements PromiseLike<ListPage<T>>, AsyncIterable<T> {
  private firstPage: Promise<ListPage<T>> | null = null;

  constructor(
    private readonly fetchPage: FetchPage<T>,
    private readonly params: ListParams & Record<string, unknown>,
  ) {
    checkListParams(params);
  }

  /** The first page, fetched once however often it is awaited. */
  page(): Promise<ListPage<T>> {
    this.firstPage ??= this.fetchPage(this.params);
    return this.firstPage;
  }

  then<R1 = ListPage<T>, R2 = never>(onFulfilled?: ((page: ListPage<T>) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): PromiseLike<R1 | R2> {
    return this.page().then(onFulfilled, onRejected);
  }

  /** Every object of every page, in the order the API lists them; one request per page. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const backwards = this.params.ending_before !== undefined;
    let page = await this.page();
    // @bug auto-paging-skips-first-item
    for (let first = true; ; first = false) {
      for (const item of first ? page.data : page.data.slice(1)) yield item;
      if (!page.has_more || page.data.length === 0) return;
      const cursor = backwards ? page.data[0]!.id : page.data[page.data.length - 1]!.id;
      const { starting_after: _after, ending_before: _before, ...rest } = this.params;
      page = await this.fetchPage(backwards ? { ...rest, ending_before: cursor } : { ...rest, starting_after: cursor });
    }
  }

  /** Calls `onItem` for every object; stops early when it returns `false`. */
  async autoPagingEach(onItem: (item: T) => void | boolean | Promise<void | boolean>): Promise<void> {
    for await (const item of this) {
      if ((await onItem(item)) === false) return;
    }
  }

  /** Collects up to `limit` objects (at most 10,000) from as many pages as it takes. */
  async autoPagingToArray(options: { limit: number }): Promise<T[]> {
    const limit = options?.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TO_ARRAY_LIMIT) {
      throw new ParameterError('limit', `autoPagingToArray needs a limit from 1 to ${MAX_TO_ARRAY_LIMIT}`);
    }
    const items: T[] = [];
    for await (const item of this) {
      items.push(item);
      if (items.length >= limit) break;
    }
    return items;
  }
}
