import { valueOf, normalizeEmail } from './velocity';
import type { Authorization, Dimension, Table, ValueList } from './types';

export type ListName = 'allow' | 'block';

const DIMENSIONS: readonly Dimension[] = ['card', 'email', 'ip'];

/** Allow and block lists, edited by risk analysts from the dashboard while authorizations flow. */
export class ValueLists {
  constructor(private readonly lists: Table<ValueList>) {}

  async add(list: ListName, dimension: Dimension, value: string): Promise<void> {
    const entry = entryOf(dimension, value);
    const row = await this.lists.get(list);
    if (row?.entries.includes(entry)) return;
    const next = { entries: [...(row?.entries ?? []), entry] };
    // @bug list-edit-lost-update
    await this.lists.set(list, next);
  }

  async remove(list: ListName, dimension: Dimension, value: string): Promise<void> {
    const entry = entryOf(dimension, value);
    const row = await this.lists.get(list);
    if (!row?.entries.includes(entry)) return;
    const next = { entries: row.entries.filter((existing) => existing !== entry) };
    if (!(await this.lists.compareAndSet(list, row, next))) return this.remove(list, dimension, value);
  }

  /** Whether the authorization's card, email or IP is on the list. */
  async matches(list: ListName, authorization: Authorization): Promise<boolean> {
    const entries = new Set((await this.lists.get(list))?.entries ?? []);
    return DIMENSIONS.some((dimension) => entries.has(`${dimension}:${valueOf(dimension, authorization)}`));
  }
}

function entryOf(dimension: Dimension, value: string): string {
  return `${dimension}:${dimension === 'email' ? normalizeEmail(value) : value}`;
}
