import type { Clock, EventBus, OutboxEvent, OutboxStore } from './types';

/**
 * A relay that dies mid-publish leaves its claim behind; once the claim is this old another
 * relay takes the event over. Publishing times out well before this (10 s).
 */
export const CLAIM_TIMEOUT_MS = 60_000;

/**
 * Moves events from the outbox to the event bus. One relay runs per worker, so several may
 * flush at the same time, and any of them may crash between two lines.
 */
export class OutboxRelay {
  constructor(
    private readonly outbox: OutboxStore,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly relayId: string,
  ) {}

  /** Publishes every event that is waiting; returns how many this call published. */
  async flush(): Promise<number> {
    let published = 0;
    for (const event of await this.outbox.unsent()) {
      if (!this.claimable(event)) continue;
      const claim: OutboxEvent = { ...event, status: 'publishing', claimedBy: this.relayId, claimedAt: this.clock.now() };
      // @bug relay-double-publish
      await this.outbox.set(event.id, claim);
      try {
        await this.bus.publish({
          id: event.id,
          type: event.type,
          orderId: event.orderId,
          payload: event.payload,
          occurredAt: event.createdAt,
        });
      } catch {
        // The bus did not take it: hand the event back so the next flush tries again.
        await this.outbox.set(event.id, { ...event, status: 'pending', attempts: event.attempts + 1 });
        continue;
      }
      await this.outbox.set(event.id, { ...claim, status: 'sent', sentAt: this.clock.now() });
      published += 1;
    }
    return published;
  }

  private claimable(event: OutboxEvent): boolean {
    if (event.status === 'pending') return true;
    return event.status === 'publishing' && this.clock.now() - (event.claimedAt ?? 0) >= CLAIM_TIMEOUT_MS;
  }
}
