/**
 * The world around the risk engine in the hidden suites: the decisions, counters and lists
 * tables (FakeStore), a scoring service, and a hand-moved clock. The brief says several
 * authorization servers run the engine and several dashboard servers edit the lists over the
 * same tables, so a world builds two of each, from separate module instances, all tracked.
 */
import { Env, FakeClock, FakeStore } from 'bugbash/harness';
import { Radar } from '@impl/radar';
import { Radar as SecondServer } from '@impl/radar?instance=2';
import { ValueLists } from '@impl/lists';
import { ValueLists as SecondDashboard } from '@impl/lists?instance=2';
import type { Authorization, Counter, Decision, RuleSet, ValueList, VelocityRule } from '@impl/types';
import { FakeScorer } from './fakes';

export { exactUsdCents, ScorerUnavailableError } from './fakes';

export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const CARD = 'fp_4242';
export const OTHER_CARD = 'fp_5555';

/** An authorization of 20.00 usd on CARD; every test names its own ids, emails and IPs. */
export function auth(id: string, overrides: Partial<Authorization> = {}): Authorization {
  return { id, amount: 2000, currency: 'usd', card: CARD, email: `${id}@example.com`, ip: `198.51.100.${id.length}`, ...overrides };
}

/** At most `limit` authorizations per card per hour; one more is blocked. */
export function cardPerHour(limit: number, action: 'block' | 'review' = 'block'): VelocityRule {
  return { id: `card_${limit}_per_hour`, dimension: 'card', windowMs: HOUR, limit, action };
}

export interface WorldOptions {
  rules?: Partial<RuleSet>;
  scores?: Record<string, number>;
  decisions?: Record<string, Decision>;
  counters?: Record<string, Counter>;
  lists?: Record<string, ValueList>;
}

export interface World {
  env: Env;
  clock: FakeClock;
  decisions: FakeStore<Decision>;
  counters: FakeStore<Counter>;
  lists: FakeStore<ValueList>;
  scorer: FakeScorer;
  /** Two authorization servers over the same tables. */
  radar: Radar;
  radar2: Radar;
  /** Two dashboard servers editing the same lists. */
  dashboard: ValueLists;
  dashboard2: ValueLists;
}

/** A fresh world; its invariants hold at every moment and are checked after every write. */
export function world(env: Env = new Env(), options: WorldOptions = {}): World {
  const clock = new FakeClock(T0);
  const decisions = new FakeStore<Decision>(env, 'decisions', options.decisions);
  const counters = new FakeStore<Counter>(env, 'counters', options.counters);
  const lists = new FakeStore<ValueList>(env, 'lists', options.lists);
  const scorer = new FakeScorer(env, options.scores);
  const rules: RuleSet = { velocity: options.rules?.velocity ?? [], amount: options.rules?.amount ?? [] };
  const tables = { decisions, counters, lists };
  const radar = env.track(new Radar(tables, scorer, clock, rules));
  const radar2 = env.track(new SecondServer(tables, scorer, clock, rules) as unknown as Radar);
  const dashboard = env.track(new ValueLists(lists));
  const dashboard2 = env.track(new SecondDashboard(lists) as unknown as ValueLists);

  env.invariant('an authorization is counted at most once in each counter', () => {
    for (const [key, counter] of Object.entries(counters.snapshot())) {
      const ids = counter.events.map((event) => event.authorization_id);
      const twice = ids.find((id, i) => ids.indexOf(id) !== i);
      if (twice !== undefined) return `${key} counts ${twice} ${ids.filter((id) => id === twice).length} times`;
    }
    return true;
  });

  const recorded = new Map<string, Map<string, number>>();
  env.invariant('a counter never loses an authorization it recorded within the last 24 hours', () => {
    const horizon = clock.now() - DAY;
    for (const [key, counter] of Object.entries(counters.snapshot())) {
      const seen = recorded.get(key) ?? new Map<string, number>();
      const present = new Set(counter.events.map((event) => event.authorization_id));
      const lost = [...seen].filter(([id, at]) => at > horizon && !present.has(id)).map(([id]) => id);
      if (lost.length > 0) return `${key} no longer counts ${lost.join(', ')}: another write replaced it`;
      for (const event of counter.events) seen.set(event.authorization_id, event.at);
      recorded.set(key, seen);
    }
    return true;
  });

  const first = new Map<string, Decision>();
  env.invariant('a saved decision never changes, except an open review being approved or refused once', () => {
    for (const decision of decisions.values()) {
      const before = first.get(decision.authorization_id);
      if (!before) {
        first.set(decision.authorization_id, decision);
        continue;
      }
      const same = JSON.stringify({ ...before, review: null }) === JSON.stringify({ ...decision, review: null });
      const reviewOk = before.review === decision.review || (before.review === 'open' && (decision.review === 'approved' || decision.review === 'refused'));
      if (!same || !reviewOk) return `${decision.authorization_id} went from ${describe(before)} to ${describe(decision)}`;
      first.set(decision.authorization_id, decision);
    }
    return true;
  });

  return { env, clock, decisions, counters, lists, scorer, radar, radar2, dashboard, dashboard2 };
}

function describe(decision: Decision): string {
  return `${decision.action} (${decision.rule ?? 'no rule'}${decision.review ? `, review ${decision.review}` : ''})`;
}

/** The authorization ids a counter holds, in order. */
export function counted(w: World, key: string): string[] {
  return (w.counters.peek(key)?.events ?? []).map((event) => event.authorization_id);
}

/** Action and rule: what the authorization server acts on. */
export function verdict(decision: Decision): { action: string; rule: string | null } {
  return { action: decision.action, rule: decision.rule };
}
