import type { Authorization, Counter, CounterEvent, Dimension, Table } from './types';

/** A counter keeps a day of history: no rule window is longer. */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The value an authorization is counted and listed under, for one dimension. */
export function valueOf(dimension: Dimension, authorization: Authorization): string {
  return dimension === 'email' ? normalizeEmail(authorization.email) : authorization[dimension];
}

/** Sliding-window counters of authorizations, one row per card, email or IP. */
export class VelocityCounters {
  constructor(private readonly counters: Table<Counter>) {}

  /** Records the authorization in the counter `key` and returns the counter's events. */
  async record(key: string, authorizationId: string, now: number): Promise<CounterEvent[]> {
    const row = await this.counters.get(key);
    const events = withEvent(row?.events ?? [], authorizationId, now);
    // Every authorization server records into the same rows.
    // @bug velocity-lost-update
    await this.counters.set(key, { events });
    return events;
  }
}

/** How many events fall within the last `windowMs` milliseconds before `now`. */
export function countInWindow(events: CounterEvent[], windowMs: number, now: number): number {
  // @bug window-boundary
  return events.filter((event) => event.at >= now - windowMs).length;
}

function withEvent(events: CounterEvent[], authorizationId: string, now: number): CounterEvent[] {
  const recent = events.filter((event) => event.at > now - RETENTION_MS);
  // @bug retry-counted-twice
  return [...recent, { authorization_id: authorizationId, at: now }];
}
