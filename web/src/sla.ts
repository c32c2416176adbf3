// Where a ticket stands against its deadlines, and that in words: "Response due in 1 h 12 min", "Resolution overdue by
// 5 min", "Resolved in 3 h 20 min"; and a ticket's age ("2 h ago").
import type { Ticket } from './api.ts';
import { formatDuration, minutesBetween } from './durations.ts';
import { t } from './i18n.ts';

export type SlaStatus =
  /** Waiting for a first response (open) or for the resolution (acknowledged, in progress). */
  | { phase: 'ack' | 'resolve'; overdue: boolean; /** Minutes left, or minutes past the deadline when overdue. */ minutes: number }
  /** Resolved or closed: how long it took, and whether that was after the deadline. */
  | { phase: 'done'; late: boolean; minutes: number | null }
  /** No usable deadline. */
  | { phase: 'none' };

type SlaFields = Pick<Ticket, 'state' | 'createdAt' | 'ackDueAt' | 'resolveDueAt' | 'resolvedAt' | 'closedAt'>;

export function slaStatus(ticket: SlaFields, now: number): SlaStatus {
  if (ticket.state === 'resolved' || ticket.state === 'closed') {
    const endedAt = ticket.resolvedAt ?? ticket.closedAt;
    const took = endedAt ? minutesBetween(ticket.createdAt, endedAt) : NaN;
    const late = endedAt ? minutesBetween(ticket.resolveDueAt, endedAt) > 0 : false;
    return { phase: 'done', late, minutes: Number.isFinite(took) ? took : null };
  }
  const phase = ticket.state === 'open' ? 'ack' : 'resolve';
  const left = minutesBetween(now, phase === 'ack' ? ticket.ackDueAt : ticket.resolveDueAt);
  if (!Number.isFinite(left)) return { phase: 'none' };
  // Round up what is left (30 s left is "due in 1 min"), down what is past.
  return left >= 0 ? { phase, overdue: false, minutes: Math.ceil(left) } : { phase, overdue: true, minutes: Math.floor(-left) };
}

export function slaText(status: SlaStatus): string {
  switch (status.phase) {
    case 'none':
      return '';
    case 'done':
      return status.minutes === null ? '' : t(status.late ? 'sla.resolvedLate' : 'sla.resolvedIn', { d: formatDuration(status.minutes) });
    case 'ack':
      return t(status.overdue ? 'sla.ackOverdue' : 'sla.ackDueIn', { d: formatDuration(status.minutes) });
    case 'resolve':
      return t(status.overdue ? 'sla.resolveOverdue' : 'sla.resolveDueIn', { d: formatDuration(status.minutes) });
  }
}

/** "2 h ago" (one unit is enough for an age), "just now" under a minute. */
export function ageText(createdAt: string, now: number): string {
  const minutes = minutesBetween(createdAt, now);
  if (!Number.isFinite(minutes)) return '';
  return minutes < 1 ? t('ticket.justNow') : t('ticket.ago', { d: formatDuration(Math.floor(minutes), 1) });
}
