/** Billing periods run from 00:00 UTC on one anchor date to 00:00 UTC on the next. */
export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** 00:00 UTC on the anchor day of the given month (months past 11 roll into the next year). */
export function anchorIn(year: number, month: number, anchorDay: number): number {
  const first = new Date(Date.UTC(year, month));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  // @bug anchor-month-overflow
  return Date.UTC(y, m, anchorDay);
}

/** The end of the period that starts at `start`: the anchor date of the following month. */
export function periodEndAfter(start: number, anchorDay: number): number {
  const date = new Date(start);
  return anchorIn(date.getUTCFullYear(), date.getUTCMonth() + 1, anchorDay);
}

export function startOfDay(at: number): number {
  return at - (at % DAY_MS);
}

/** `2026-02-28`, for descriptions. */
export function isoDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
