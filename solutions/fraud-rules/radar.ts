import { assertAmount, toUsdCents } from './currencies';
import { ValueLists, type ListName } from './lists';
import { countInWindow, valueOf, VelocityCounters } from './velocity';
import {
  RadarError,
  type Action,
  type AmountRule,
  type Authorization,
  type Clock,
  type CounterEvent,
  type Decision,
  type RadarTables,
  type RiskScorer,
  type RuleSet,
  type VelocityRule,
} from './types';

/** Scores at or above these are held for review, or blocked outright. */
const REVIEW_SCORE = 65;
const BLOCK_SCORE = 75;

/**
 * Decides, for every card authorization, whether to let it through, hold it for a risk
 * analyst or block it. Several authorization servers run this engine over the same tables.
 */
export class Radar {
  private readonly velocity: VelocityCounters;
  private readonly lists: ValueLists;

  constructor(
    private readonly tables: RadarTables,
    private readonly scorer: RiskScorer,
    private readonly clock: Clock,
    private readonly rules: RuleSet,
  ) {
    this.velocity = new VelocityCounters(tables.counters);
    this.lists = new ValueLists(tables.lists);
  }

  async assess(authorization: Authorization): Promise<Decision> {
    assertAmount(authorization.amount, authorization.currency);
    const saved = await this.tables.decisions.get(authorization.id);
    if (saved) return saved;

    const now = this.clock.now();
    const counts = await this.recordVelocity(authorization, now);
    const decision = await this.decide(authorization, counts, now);
    // The first decision saved is final: a retry that ran alongside us answers with it too.
    if (await this.tables.decisions.setIfAbsent(authorization.id, decision)) return decision;
    return this.load(authorization.id);
  }

  /** An analyst's verdict on an authorization held for review. */
  async resolveReview(authorizationId: string, resolution: 'approved' | 'refused'): Promise<Decision> {
    const decision = await this.load(authorizationId);
    if (decision.review !== 'open') {
      throw new RadarError('review_not_open', `Authorization ${authorizationId} has no open review.`);
    }
    const resolved: Decision = { ...decision, review: resolution };
    if (!(await this.tables.decisions.compareAndSet(authorizationId, decision, resolved))) {
      throw new RadarError('lock_timeout', `The review of ${authorizationId} was updated by another analyst; reload it.`);
    }
    return resolved;
  }

  /** Counts the authorization in every counter a velocity rule reads; returns each rule's count. */
  private async recordVelocity(authorization: Authorization, now: number): Promise<Map<string, number>> {
    const recorded = new Map<string, CounterEvent[]>();
    const counts = new Map<string, number>();
    for (const rule of this.rules.velocity) {
      const key = `${rule.dimension}:${valueOf(rule.dimension, authorization)}`;
      const events = recorded.get(key) ?? (await this.velocity.record(key, authorization.id, now));
      recorded.set(key, events);
      counts.set(rule.id, countInWindow(events, rule.windowMs, now));
    }
    return counts;
  }

  private async decide(authorization: Authorization, counts: Map<string, number>, now: number): Promise<Decision> {
    const decision = (action: Action, rule: string | null, risk_score: number | null): Decision => ({
      authorization_id: authorization.id,
      action,
      rule,
      risk_score,
      review: action === 'review' ? 'open' : null,
      created: now,
    });

    const listed = await this.listed(authorization);
    if (listed) return decision(listed, `${listed}_list`, null);

    const score = await this.riskScore(authorization);
    const fired = this.firedRules(authorization, counts);
    const block = fired.find((rule) => rule.action === 'block');
    if (block) return decision('block', block.id, score);
    if (score !== null && score >= BLOCK_SCORE) return decision('block', 'risk_score', score);
    const review = fired.find((rule) => rule.action === 'review');
    if (review) return decision('review', review.id, score);
    if (score === null) return decision('review', 'score_unavailable', null);
    if (score >= REVIEW_SCORE) return decision('review', 'risk_score', score);
    return decision('allow', null, score);
  }

  /** The list that decides for this authorization, if it is on one. */
  private async listed(authorization: Authorization): Promise<ListName | null> {
    const blocked = await this.lists.matches('block', authorization);
    const allowed = await this.lists.matches('allow', authorization);
    return blocked ? 'block' : allowed ? 'allow' : null;
  }

  /** Velocity rules first, then amount rules, each in the order configured. */
  private firedRules(authorization: Authorization, counts: Map<string, number>): (VelocityRule | AmountRule)[] {
    const usdCents = toUsdCents(authorization.amount, authorization.currency);
    return [
      ...this.rules.velocity.filter((rule) => (counts.get(rule.id) ?? 0) > rule.limit),
      ...this.rules.amount.filter((rule) => usdCents > rule.aboveUsdCents),
    ];
  }

  private async riskScore(authorization: Authorization): Promise<number | null> {
    try {
      return await this.scorer.score(authorization);
    } catch {
      return null;
    }
  }

  private async load(authorizationId: string): Promise<Decision> {
    const decision = await this.tables.decisions.get(authorizationId);
    if (!decision) throw new RadarError('resource_missing', `No decision for authorization ${authorizationId}.`);
    return decision;
  }
}
