// Tickets: the record of handling one alert — who owns it, by when it must be acknowledged and resolved, its workflow
// (open → acknowledged → in progress → resolved → closed, reopen) and escalation up the org tree when an SLA passes.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FieldIssue } from './answers.ts';
import type { Severity } from './alert-rules.ts';
import { addSeconds, durationSeconds } from './duration.ts';
import type { OrgTree } from './org.ts';
import { Locale } from './survey.ts';

export const Manager = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +8613800138000'),
  locale: Locale,
});
export type Manager = z.infer<typeof Manager>;

export const TICKET_STATES = ['open', 'acknowledged', 'in_progress', 'resolved', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const TICKET_ACTIONS = ['acknowledge', 'start', 'comment', 'resolve', 'close', 'reopen', 'reassign'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export const ROOT_CAUSES = ['staff_behaviour', 'cleanliness', 'facilities', 'process', 'wait_time', 'pricing', 'product', 'other'] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];

export type SlaStage = 'acknowledge' | 'resolve';

export interface HistoryEntry {
  at: string;
  by: string;
  action: TicketAction | 'created' | 'escalated' | 'overdue' | 'contact_requested';
  from?: TicketState;
  to?: TicketState;
  note?: string;
  detail?: string;
}

export interface Ticket {
  id: string;
  responseId: string;
  ruleId: string;
  ruleName: string;
  severity: Severity;
  surveyId: string;
  /** Where the response came from. */
  unitId: string;
  /** The response's unit and every unit above it, for "this unit and below" filters. */
  unitPath: string[];
  /** The unit whose managers own the ticket now (moves up on escalation). */
  assignedUnitId: string;
  assignees: Manager[];
  assignee: string | null;
  state: TicketState;
  createdAt: string;
  updatedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  closedAt?: string;
  sla: { acknowledgeWithin: string; resolveWithin: string };
  ackDueAt: string;
  resolveDueAt: string;
  escalationLevel: number;
  escalations: number;
  overdue: boolean;
  /** Whether an SLA was ever missed (for "% within SLA"). */
  breached: boolean;
  rootCause?: RootCause;
  resolutionNote?: string;
  summary: { nps?: number; scores: Record<string, number>; text?: string; matched: string[] };
  contact?: { name?: string; phone?: string; email?: string };
  contactRequest?: { consent: boolean; channel: 'phone' | 'sms' | 'email' };
  history: HistoryEntry[];
  version: number;
}

/** One ticket per (response, rule), whatever the retries: the id is derived from both. */
export function ticketIdFor(responseId: string, ruleId: string): string {
  return `tk_${createHash('sha256').update(`${responseId}|${ruleId}`).digest('base64url').slice(0, 22)}`;
}

/** Managers of the unit, or of the nearest unit above it that has any; with the unit they belong to. */
export function responsibleManagers(unitId: string, org: OrgTree, managers: Record<string, Manager[]>): { unitId: string; managers: Manager[] } {
  for (const unit of org.lineage(unitId)) {
    const list = Object.hasOwn(managers, unit.id) ? managers[unit.id] : undefined;
    if (list?.length) return { unitId: unit.id, managers: list };
  }
  return { unitId, managers: [] };
}

/** What an alert knows when it asks for a ticket; the rest (owner, deadlines, history) follows from it. */
export type NewTicket = Pick<Ticket, 'responseId' | 'ruleId' | 'ruleName' | 'severity' | 'surveyId' | 'unitId' | 'sla' | 'summary' | 'contact' | 'contactRequest'>;

export function openTicket(input: NewTicket, org: OrgTree, managers: Record<string, Manager[]>, now: Date): Ticket {
  const at = now.toISOString();
  const owner = responsibleManagers(input.unitId, org, managers);
  return {
    id: ticketIdFor(input.responseId, input.ruleId),
    ...input,
    unitPath: org.lineage(input.unitId).map((u) => u.id),
    assignedUnitId: owner.unitId,
    assignees: owner.managers,
    assignee: null,
    state: 'open',
    createdAt: at,
    updatedAt: at,
    ackDueAt: addSeconds(at, durationSeconds(input.sla.acknowledgeWithin) ?? 0),
    resolveDueAt: addSeconds(at, durationSeconds(input.sla.resolveWithin) ?? 0),
    escalationLevel: 0,
    escalations: 0,
    overdue: false,
    breached: false,
    history: [{ at, by: 'system', action: 'created', to: 'open', detail: input.summary.matched.join('; ') }],
    version: 1,
  };
}

const TRANSITIONS: Record<TicketAction, { from: readonly TicketState[]; to?: TicketState }> = {
  acknowledge: { from: ['open'], to: 'acknowledged' },
  start: { from: ['open', 'acknowledged'], to: 'in_progress' },
  resolve: { from: ['open', 'acknowledged', 'in_progress'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'open' },
  reassign: { from: ['open', 'acknowledged', 'in_progress'] },
  comment: { from: TICKET_STATES },
};

export function allowedActions(state: TicketState): TicketAction[] {
  return TICKET_ACTIONS.filter((action) => TRANSITIONS[action].from.includes(state));
}

export const TicketCommand = z.object({
  action: z.enum(TICKET_ACTIONS),
  note: z.string().trim().min(1).max(5000).optional(),
  rootCause: z.enum(ROOT_CAUSES).optional(),
  assignee: z.email().optional(),
});
export type TicketCommand = z.infer<typeof TicketCommand>;

export type ActionResult =
  | { kind: 'ok'; ticket: Ticket }
  | { kind: 'invalid_transition'; message: string; allowed: TicketAction[] }
  | { kind: 'invalid'; issues: FieldIssue[] };

/** Applies a person's action to a ticket; the returned ticket carries the new history entry and version. */
export function applyAction(ticket: Ticket, command: TicketCommand, actor: string, now: Date): ActionResult {
  const rule = TRANSITIONS[command.action];
  if (!rule.from.includes(ticket.state)) {
    const allowed = allowedActions(ticket.state);
    return {
      kind: 'invalid_transition',
      allowed,
      message: `Cannot ${command.action} a ticket that is ${ticket.state.replace('_', ' ')}; allowed: ${allowed.join(', ')}.`,
    };
  }
  const issues: FieldIssue[] = [];
  if (command.action === 'resolve') {
    if (!command.rootCause) issues.push({ path: 'rootCause', message: 'a resolution needs a root-cause category' });
    if (!command.note) issues.push({ path: 'note', message: 'a resolution needs a note saying what was done' });
  }
  if (command.action === 'comment' && !command.note) issues.push({ path: 'note', message: 'a comment needs a note' });
  if (command.action === 'reassign') {
    if (!command.assignee) issues.push({ path: 'assignee', message: 'name the manager (e-mail) to assign' });
    else if (!ticket.assignees.some((m) => m.email === command.assignee)) {
      issues.push({ path: 'assignee', message: `not a manager of this ticket's unit: ${ticket.assignees.map((m) => m.email).join(', ') || 'none'}` });
    }
  }
  if (issues.length) return { kind: 'invalid', issues };

  const at = now.toISOString();
  const next: Ticket = { ...ticket, updatedAt: at, version: ticket.version + 1, history: [...ticket.history] };
  const entry: HistoryEntry = { at, by: actor, action: command.action, from: ticket.state };
  if (command.note) entry.note = command.note;
  if (rule.to) {
    next.state = rule.to;
    entry.to = rule.to;
  }
  if (rule.to && rule.to !== 'open' && !next.acknowledgedAt) next.acknowledgedAt = at;
  switch (command.action) {
    case 'resolve':
      next.resolvedAt = at;
      next.rootCause = command.rootCause;
      next.resolutionNote = command.note;
      next.overdue = false;
      entry.detail = command.rootCause;
      break;
    case 'close':
      next.closedAt = at;
      break;
    case 'reopen': {
      // A reopened ticket gets fresh deadlines: the customer's problem is back on someone's desk.
      next.ackDueAt = addSeconds(at, durationSeconds(ticket.sla.acknowledgeWithin) ?? 0);
      next.resolveDueAt = addSeconds(at, durationSeconds(ticket.sla.resolveWithin) ?? 0);
      delete next.acknowledgedAt;
      delete next.resolvedAt;
      delete next.closedAt;
      break;
    }
    case 'reassign':
      next.assignee = command.assignee ?? null;
      entry.detail = command.assignee;
      break;
    default:
      break;
  }
  next.history.push(entry);
  return { kind: 'ok', ticket: next };
}

/** Whether the stage's requirement is met: acknowledged (any state past open), or resolved. */
export function stageSatisfied(ticket: Ticket, stage: SlaStage): boolean {
  return stage === 'acknowledge' ? ticket.state !== 'open' : ticket.state === 'resolved' || ticket.state === 'closed';
}

export function dueAt(ticket: Ticket, stage: SlaStage): string {
  return stage === 'acknowledge' ? ticket.ackDueAt : ticket.resolveDueAt;
}

export type SlaDecision = { kind: 'satisfied' } | { kind: 'wait'; seconds: number } | { kind: 'breached' };

export function checkSla(ticket: Ticket, stage: SlaStage, now: Date): SlaDecision {
  if (stageSatisfied(ticket, stage)) return { kind: 'satisfied' };
  const remaining = (new Date(dueAt(ticket, stage)).getTime() - now.getTime()) / 1000;
  return remaining > 0 ? { kind: 'wait', seconds: remaining } : { kind: 'breached' };
}

/**
 * Moves a ticket whose SLA passed to the managers of the unit above, with a new deadline for the same stage.
 * At the top of the org tree it stays where it is and is flagged overdue; `escalated` says which happened.
 */
export function escalate(
  ticket: Ticket,
  stage: SlaStage,
  org: OrgTree,
  managers: Record<string, Manager[]>,
  now: Date,
): { ticket: Ticket; escalated: boolean } {
  const at = now.toISOString();
  const parentId = org.get(ticket.assignedUnitId)?.parentId ?? null;
  const next: Ticket = { ...ticket, updatedAt: at, version: ticket.version + 1, overdue: true, breached: true, history: [...ticket.history] };
  if (!parentId) {
    next.history.push({ at, by: 'system', action: 'overdue', detail: `${stage} SLA passed at the top of the organisation` });
    return { ticket: next, escalated: false };
  }
  const owner = responsibleManagers(parentId, org, managers);
  next.assignedUnitId = owner.unitId;
  next.assignees = owner.managers;
  next.assignee = null;
  next.escalationLevel = ticket.escalationLevel + 1;
  next.escalations = ticket.escalations + 1;
  const within = durationSeconds(stage === 'acknowledge' ? ticket.sla.acknowledgeWithin : ticket.sla.resolveWithin) ?? 0;
  if (stage === 'acknowledge') next.ackDueAt = addSeconds(at, within);
  else next.resolveDueAt = addSeconds(at, within);
  next.history.push({ at, by: 'system', action: 'escalated', detail: `${stage} SLA passed; escalated from ${ticket.assignedUnitId} to ${owner.unitId}` });
  return { ticket: next, escalated: true };
}

/** The public view of a ticket, with the actions its state allows. */
export function ticketView(ticket: Ticket) {
  const { version: _version, ...rest } = ticket;
  return { ...rest, allowedActions: allowedActions(ticket.state) };
}
