// Use case: the tickets queue — open tickets for alerts, check SLAs when they fall due (delayed messages, re-sent until
// due), escalate up the org tree with a notification, attach respondents' contact requests, and send a paging window's
// digest once the window has closed.
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import { digestNotification, escalationNotification } from '../domain/notifications.ts';
import { OrgTree } from '../domain/org.ts';
import { secondsUntilClose } from '../domain/paging.ts';
import { MAX_DELAY_SECONDS, TicketMessage } from '../domain/ticket-messages.ts';
import { checkSla, dueAt, escalate, openTicket, responsibleManagers, type SlaStage, type Ticket } from '../domain/tickets.ts';
import type { Catalog, ClosedLoopDeps } from '../ports.ts';
import { notifyOnce } from './notify-once.ts';

export type TicketDeps = ClosedLoopDeps;

export async function handleTicketMessages(records: SQSRecord[], deps: TicketDeps): Promise<SQSBatchResponse> {
  const catalog = await deps.catalog.load();
  const failures: { itemIdentifier: string }[] = [];
  // Messages are independent (tickets are keyed, checks are stale-safe), so a batch is worked on concurrently.
  await Promise.all(records.map(async (record) => {
    try {
      const message = TicketMessage.parse(JSON.parse(record.body));
      await handleMessage(message, catalog, deps);
    } catch (error) {
      // Only this message is retried; after maxReceiveCount it moves to the dead-letter queue.
      const reason = error instanceof ZodError ? `not a ticket message (${error.issues.map((i) => i.path.join('.') || '(body)').join(', ')})` : String(error);
      deps.log?.('ticket message failed', { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount, error: reason });
      failures.push({ itemIdentifier: record.messageId });
    }
  }));
  return { batchItemFailures: failures };
}

async function handleMessage(message: TicketMessage, catalog: Catalog, deps: TicketDeps): Promise<void> {
  const org = new OrgTree(catalog.units);
  switch (message.type) {
    case 'open': {
      const { type: _type, ...input } = message;
      const { created, ticket } = await deps.tickets.createIfAbsent(openTicket(input, org, catalog.managers, deps.clock.now()));
      // A retry after a failed send finds the ticket untouched and schedules again; duplicate checks are harmless
      // (the second one finds its deadline already handled and does nothing).
      if (created || ticket.history.length === 1) await scheduleChecks(ticket, deps);
      return;
    }
    case 'sla-check':
      return checkTicketSla(message.ticketId, message.stage, message.dueAt, catalog, deps);
    case 'contact-request': {
      for (const ticketId of message.ticketIds) {
        const ticket = await deps.tickets.get(ticketId);
        // The ticket's own "open" message may still be on its way: fail, and the retry will find it.
        if (!ticket) throw new Error(`ticket ${ticketId} is not open yet; retrying the contact request`);
        if (ticket.contactRequest) continue;
        const at = deps.clock.now().toISOString();
        const updated: Ticket = {
          ...ticket,
          contactRequest: message.contactRequest,
          updatedAt: at,
          version: ticket.version + 1,
          history: [...ticket.history, { at, by: 'respondent', action: 'contact_requested', detail: message.contactRequest.channel }],
        };
        if (!(await deps.tickets.save(updated, ticket.version))) throw new Error(`ticket ${ticket.id} changed meanwhile; retrying`);
      }
      return;
    }
    case 'digest': {
      const { type: _type, ruleName, severity, ...window } = message;
      const wait = secondsUntilClose(window, deps.clock.now());
      // Alerts may still join the digest until the window closes; a window longer than SQS's delay hops.
      if (wait > 0) return deps.queue.send(message, Math.min(MAX_DELAY_SECONDS, wait));
      const { digested } = await deps.tickets.pagingCounts(window);
      if (digested === 0) return;
      const recipients = responsibleManagers(window.unitId, org, catalog.managers).managers;
      const rule = catalog.rules.find((r) => r.id === window.ruleId) ?? { id: window.ruleId, name: ruleName, severity };
      await notifyOnce(digestNotification(window, rule, digested, org, catalog.organisation, recipients, deps.dashboardUrl), deps);
      return;
    }
  }
}

export async function scheduleChecks(ticket: Ticket, deps: Pick<TicketDeps, 'queue' | 'clock'>): Promise<void> {
  for (const stage of ['acknowledge', 'resolve'] as const) await scheduleCheck(ticket, stage, deps);
}

async function scheduleCheck(ticket: Ticket, stage: SlaStage, deps: Pick<TicketDeps, 'queue' | 'clock'>): Promise<void> {
  const due = dueAt(ticket, stage);
  const seconds = (new Date(due).getTime() - deps.clock.now().getTime()) / 1000;
  await deps.queue.send({ type: 'sla-check', ticketId: ticket.id, stage, dueAt: due }, Math.min(MAX_DELAY_SECONDS, Math.max(0, seconds)));
}

async function checkTicketSla(ticketId: string, stage: SlaStage, expectedDue: string, catalog: Catalog, deps: TicketDeps): Promise<void> {
  const ticket = await deps.tickets.get(ticketId);
  // A check for a deadline that has since moved (escalated, reopened) is stale: the newer check is already queued.
  if (!ticket || dueAt(ticket, stage) !== expectedDue) return;
  const now = deps.clock.now();
  const decision = checkSla(ticket, stage, now);
  if (decision.kind === 'satisfied') return;
  if (decision.kind === 'wait') {
    // SQS delays at most 15 minutes: a longer SLA hops through several delayed messages.
    await deps.queue.send({ type: 'sla-check', ticketId, stage, dueAt: expectedDue }, Math.min(MAX_DELAY_SECONDS, decision.seconds));
    return;
  }
  const org = new OrgTree(catalog.units);
  const result = escalate(ticket, stage, org, catalog.managers, now);
  // Schedule and notify before saving: a retry after any failure recomputes the same escalation, its notification
  // (keyed by the missed deadline) is not sent twice, and a check scheduled for an unsaved deadline is dropped as stale.
  if (result.escalated) await scheduleCheck(result.ticket, stage, deps);
  const notification = escalationNotification(result.ticket, ticket.assignedUnitId, result.escalated, org, catalog.organisation, deps.dashboardUrl);
  await notifyOnce({ ...notification, key: `${notification.kind}#${ticketId}#${stage}#${expectedDue}` }, deps);
  if (!(await deps.tickets.save(result.ticket, ticket.version))) throw new Error(`ticket ${ticketId} changed meanwhile; retrying the SLA check`);
}
