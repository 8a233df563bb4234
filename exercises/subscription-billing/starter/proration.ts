import { DAY_MS, isoDay, startOfDay } from './calendar';
import type { InvoiceLine, Plan, Subscription } from './types';

/** Also used by the portal to preview an upgrade. */
export function remainingDays(at: number, periodEnd: number): number {
  // @bug proration-day-count
  return Math.floor((periodEnd - at) / DAY_MS);
}

/** The part of a monthly `amount` that `days` of a `periodDays`-day period are worth. */
export function share(amount: number, days: number, periodDays: number): number {
  // @bug proration-rounding
  return Math.floor((amount * days) / periodDays);
}

/**
 * The two lines a plan change adds to the next invoice: a credit for the unused time on the
 * old plan and a charge for the remaining time on the new one, each rounded on its own.
 */
export function prorationLines(subscription: Subscription, from: Plan, to: Plan, at: number): InvoiceLine[] {
  const end = subscription.current_period_end;
  const periodDays = (end - subscription.current_period_start) / DAY_MS;
  const days = remainingDays(at, end);
  const period = { period_start: startOfDay(at), period_end: end, proration: true };
  return [
    { description: `Unused time on ${from.id} from ${isoDay(startOfDay(at))}`, amount: -share(from.amount, days, periodDays), ...period },
    { description: `Remaining time on ${to.id} from ${isoDay(startOfDay(at))}`, amount: share(to.amount, days, periodDays), ...period },
  ];
}
