// Closed-loop metrics from tickets: how fast alerts are acknowledged and resolved, how often within SLA, what is open.
import type { Ticket } from './tickets.ts';

export interface LoopMetrics {
  total: number;
  open: number;
  overdue: number;
  acknowledged: number;
  resolved: number;
  escalations: number;
  medianMinutesToAcknowledge: number | null;
  medianMinutesToResolve: number | null;
  /** Share of finished tickets (resolved or closed) that never missed an SLA, in percent, one decimal. */
  withinSlaPercent: number | null;
  byUnit: { unitId: string; total: number; open: number; overdue: number }[];
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value * 10) / 10;
}

const minutesBetween = (from: string, to: string) => (new Date(to).getTime() - new Date(from).getTime()) / 60_000;

/** Metrics over tickets; `childUnitIds` are the units to break down by (a ticket counts under the child it lies below). */
export function loopMetrics(tickets: readonly Ticket[], childUnitIds: readonly string[]): LoopMetrics {
  const isOpen = (t: Ticket) => t.state !== 'resolved' && t.state !== 'closed';
  const finished = tickets.filter((t) => !isOpen(t));
  return {
    total: tickets.length,
    open: tickets.filter(isOpen).length,
    overdue: tickets.filter((t) => isOpen(t) && t.overdue).length,
    acknowledged: tickets.filter((t) => t.acknowledgedAt).length,
    resolved: finished.length,
    escalations: tickets.reduce((sum, t) => sum + t.escalations, 0),
    medianMinutesToAcknowledge: median(tickets.flatMap((t) => (t.acknowledgedAt ? [minutesBetween(t.createdAt, t.acknowledgedAt)] : []))),
    medianMinutesToResolve: median(finished.flatMap((t) => (t.resolvedAt ? [minutesBetween(t.createdAt, t.resolvedAt)] : []))),
    withinSlaPercent: finished.length ? Math.round((1000 * finished.filter((t) => !t.breached).length) / finished.length) / 10 : null,
    byUnit: childUnitIds.map((unitId) => {
      const mine = tickets.filter((t) => t.unitPath.includes(unitId));
      return { unitId, total: mine.length, open: mine.filter(isOpen).length, overdue: mine.filter((t) => isOpen(t) && t.overdue).length };
    }),
  };
}
