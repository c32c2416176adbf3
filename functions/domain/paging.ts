// Paging limits: how many alerts one rule may page about one unit in a window, and the single digest for the rest.
// A burst (a stuffing attack, a broken kiosk) still opens a ticket per response, but pages a manager at most `max`
// times per window, plus one digest at the window's end that says how many more there were.
import { z } from 'zod';

/** At most `max` alert notifications per rule × unit in each window of `windowMinutes`; the rest go into one digest. */
export const NotifyLimit = z.object({
  max: z.coerce.number().int().min(1).max(1_000),
  windowMinutes: z.coerce.number().int().min(1).max(1_440),
});
export type NotifyLimit = z.infer<typeof NotifyLimit>;

/** Ten pages per rule and unit in a quarter of an hour: a busy hotel's real detractors fit, a flood does not. */
export const DEFAULT_NOTIFY_LIMIT: NotifyLimit = { max: 10, windowMinutes: 15 };

/** One rule's paging window at one unit: windows are aligned to multiples of their length since the epoch (UTC). */
export interface PagingWindow {
  ruleId: string;
  unitId: string;
  /** ISO instant the window opens (inclusive) and closes (exclusive). */
  start: string;
  end: string;
}

export function pagingWindow(ruleId: string, unitId: string, at: Date, windowMinutes: number): PagingWindow {
  const length = windowMinutes * 60_000;
  const start = Math.floor(at.getTime() / length) * length;
  return { ruleId, unitId, start: new Date(start).toISOString(), end: new Date(start + length).toISOString() };
}

/**
 * What one alert does within its window: it pages on its own while the window has room ('page'); the first alert past
 * the cap schedules the digest ('first-digest'); every later one is only counted into it ('digest').
 */
export type PagingOutcome = 'page' | 'first-digest' | 'digest';

/** The window's counts so far: alerts that paged on their own, and alerts rolled into the digest. */
export interface PagingCounts {
  paged: number;
  digested: number;
}

/**
 * The outcome the next alert would have given the counts seen so far. Counts only grow, so a stale reading may only
 * suggest an outcome too early in the order page → first-digest → digest; the store's conditions settle the rest.
 */
export function nextOutcome(counts: PagingCounts, max: number): PagingOutcome {
  if (counts.paged < max) return 'page';
  return counts.digested === 0 ? 'first-digest' : 'digest';
}

export const PAGING_OUTCOMES: readonly PagingOutcome[] = ['page', 'first-digest', 'digest'];

/** Dedup key of the window's digest notification: one per rule, unit and window. */
export function digestKey(window: PagingWindow): string {
  return `digest#${window.ruleId}#${window.unitId}#${window.start}`;
}

/** Seconds from `now` until the window closes (0 once it has), for a delayed digest message. */
export function secondsUntilClose(window: PagingWindow, now: Date): number {
  return Math.max(0, Math.ceil((new Date(window.end).getTime() - now.getTime()) / 1000));
}
