import { describe, expect, it } from 'vitest';
import { durationSeconds } from '../../functions/domain/duration.ts';
import { loopMetrics } from '../../functions/domain/loop-metrics.ts';
import { OrgTree } from '../../functions/domain/org.ts';
import { allowedActions, applyAction, checkSla, escalate, openTicket, ticketIdFor, type Ticket } from '../../functions/domain/tickets.ts';
import { demoManagers, demoUnits } from '../../functions/local/demo.ts';

const org = new OrgTree(demoUnits);
const t0 = new Date('2026-11-23T02:00:00Z');
const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

function ticket(sla = { acknowledgeWithin: 'PT3S', resolveWithin: 'PT1M' }): Ticket {
  return openTicket(
    { responseId: 'r1', ruleId: 'detractor', ruleName: 'NPS ≤ 6', severity: 'medium', surveyId: 'hotel-stay', unitId: 'sh-bund', sla, summary: { nps: 3, scores: { nps: 3 }, matched: ['nps = 3'] } },
    org,
    demoManagers,
    t0,
  );
}

describe('durations', () => {
  it('reads ISO-8601 durations down to seconds', () => {
    expect(durationSeconds('PT2H')).toBe(7200);
    expect(durationSeconds('P2D')).toBe(172800);
    expect(durationSeconds('PT3S')).toBe(3);
    expect(durationSeconds('P1DT30M')).toBe(88200);
    expect(durationSeconds('P')).toBeNull();
    expect(durationSeconds('2h')).toBeNull();
  });
});

describe('a new ticket', () => {
  it('has an id derived from response and rule, the hotel managers, and deadlines from the SLA', () => {
    const t = ticket();
    expect(t.id).toBe(ticketIdFor('r1', 'detractor'));
    expect(t.assignedUnitId).toBe('sh-bund');
    expect(t.assignees.map((m) => m.email)).toEqual(['bund@cloudstay.example']);
    expect(t.ackDueAt).toBe('2026-11-23T02:00:03.000Z');
    expect(t.unitPath).toEqual(['sh-bund', 'east', 'hq']);
  });
});

describe('workflow', () => {
  it('goes open → acknowledged → in progress → resolved → closed, and reopens', () => {
    let t = ticket();
    for (const [action, state] of [['acknowledge', 'acknowledged'], ['start', 'in_progress']] as const) {
      const r = applyAction(t, { action }, 'zhang', later(1));
      if (r.kind !== 'ok') throw new Error(r.kind);
      expect(r.ticket.state).toBe(state);
      t = r.ticket;
    }
    const resolved = applyAction(t, { action: 'resolve', rootCause: 'staff_behaviour', note: 'Apologised and refunded one night' }, 'zhang', later(60));
    if (resolved.kind !== 'ok') throw new Error(resolved.kind);
    expect(resolved.ticket).toMatchObject({ state: 'resolved', rootCause: 'staff_behaviour', acknowledgedAt: later(1).toISOString() });
    const closed = applyAction(resolved.ticket, { action: 'close' }, 'li', later(70));
    if (closed.kind !== 'ok') throw new Error(closed.kind);
    const reopened = applyAction(closed.ticket, { action: 'reopen', note: 'Guest called again' }, 'li', later(80));
    if (reopened.kind !== 'ok') throw new Error(reopened.kind);
    expect(reopened.ticket.state).toBe('open');
    expect(reopened.ticket.history.map((h) => h.action)).toEqual(['created', 'acknowledge', 'start', 'resolve', 'close', 'reopen']);
    expect(reopened.ticket.history.at(-1)).toMatchObject({ by: 'li', from: 'closed', to: 'open', note: 'Guest called again' });
  });

  it('refuses a transition the state does not allow, saying which are allowed', () => {
    const r = applyAction(ticket(), { action: 'close' }, 'x', t0);
    expect(r).toMatchObject({ kind: 'invalid_transition', allowed: allowedActions('open') });
    if (r.kind === 'invalid_transition') expect(r.message).toMatch(/allowed: acknowledge, start, comment, resolve, reassign/);
  });

  it('needs a root cause and a note to resolve, and a manager of the unit to reassign', () => {
    const r = applyAction(ticket(), { action: 'resolve' }, 'x', t0);
    expect(r.kind === 'invalid' ? r.issues.map((i) => i.path) : []).toEqual(['rootCause', 'note']);
    const bad = applyAction(ticket(), { action: 'reassign', assignee: 'stranger@example.com' }, 'x', t0);
    expect(bad.kind).toBe('invalid');
  });
});

describe('SLA and escalation', () => {
  it('waits until the deadline, then escalates hotel → region → HQ, and flags overdue at the top', () => {
    let t = ticket();
    expect(checkSla(t, 'acknowledge', later(2))).toMatchObject({ kind: 'wait' });
    expect(checkSla(t, 'acknowledge', later(3))).toEqual({ kind: 'breached' });
    const first = escalate(t, 'acknowledge', org, demoManagers, later(3));
    expect(first).toMatchObject({ escalated: true, ticket: { assignedUnitId: 'east', escalationLevel: 1, ackDueAt: later(6).toISOString() } });
    t = escalate(first.ticket, 'acknowledge', org, demoManagers, later(6)).ticket;
    expect(t.assignedUnitId).toBe('hq');
    expect(t.assignees[0]?.email).toBe('cx.director@cloudstay.example');
    const top = escalate(t, 'acknowledge', org, demoManagers, later(9));
    expect(top.escalated).toBe(false);
    expect(top.ticket).toMatchObject({ assignedUnitId: 'hq', overdue: true });
  });

  it('does not escalate an acknowledged ticket', () => {
    const r = applyAction(ticket(), { action: 'acknowledge' }, 'zhang', later(1));
    if (r.kind !== 'ok') throw new Error(r.kind);
    expect(checkSla(r.ticket, 'acknowledge', later(10))).toEqual({ kind: 'satisfied' });
  });
});

describe('loop metrics', () => {
  it('reports medians, % within SLA and open/overdue by unit', () => {
    const fast = applyAction(ticket(), { action: 'resolve', rootCause: 'other', note: 'done' }, 'x', later(600));
    if (fast.kind !== 'ok') throw new Error(fast.kind);
    const late = escalate(ticket(), 'acknowledge', org, demoManagers, later(3)).ticket;
    const metrics = loopMetrics([fast.ticket, late], ['east', 'south']);
    expect(metrics).toMatchObject({ total: 2, open: 1, overdue: 1, resolved: 1, escalations: 1, medianMinutesToResolve: 10, withinSlaPercent: 100 });
    expect(metrics.byUnit).toEqual([
      { unitId: 'east', total: 2, open: 1, overdue: 1 },
      { unitId: 'south', total: 0, open: 0, overdue: 0 },
    ]);
  });
});
