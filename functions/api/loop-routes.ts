// The "act" half of the admin API: alert rules, unit managers, tickets and their workflow, loop metrics, and (locally)
// the outbox of notifications that SNS would have sent.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { AlertRule } from '../domain/alert-rules.ts';
import { saveManagers, saveRule } from '../authoring/alert-rules.ts';
import { loopMetrics } from '../domain/loop-metrics.ts';
import { OrgTree } from '../domain/org.ts';
import { addDays, localDay, notBeforeFirstDay, windowProblem } from '../domain/periods.ts';
import type { TicketMessage } from '../domain/ticket-messages.ts';
import { applyAction, Manager, TICKET_STATES, TicketCommand, ticketView } from '../domain/tickets.ts';
import { InvalidCursorError, MAX_OUTBOX_PAGE, rootUnitOrSetup, outboxPosition, type CatalogStore, type Clock, type MessageQueue, type OutboxReader, type TicketStore } from '../ports.ts';
import { scheduleChecks } from '../tickets/handle-messages.ts';
import type { AdminEnv } from './auth.ts';
import { ErrorBody, errorBody, validationError } from './errors.ts';
import { commonProblems, json, security } from './route-docs.ts';
import { windowIssue } from './read-metrics.ts';
import { Day } from './schemas.ts';

export interface LoopDeps {
  catalog: CatalogStore;
  tickets: TicketStore;
  queue: MessageQueue<TicketMessage>;
  clock: Clock;
  /** Present in the local runtime only, where notifications land in an outbox instead of SNS. */
  outbox?: OutboxReader | undefined;
}

const problems = {
  ...commonProblems,
  404: json(ErrorBody, 'Not found'),
};
const Id = z.string().min(1).max(64);
const TicketOut = z.record(z.string(), z.unknown()).openapi('Ticket', { description: 'A ticket with its deadlines, assignees, history and allowed actions' });

const routes = {
  listRules: createRoute({
    method: 'get',
    path: '/api/v1/alert-rules',
    summary: 'Alert rules',
    security,
    responses: { 200: json(z.object({ rules: z.array(AlertRule) }), 'Rules'), 401: problems[401] },
  }),
  putRule: createRoute({
    method: 'put',
    path: '/api/v1/alert-rules/{id}',
    summary: 'Create or replace an alert rule',
    description: 'Rejected with 400 when it refers to unknown surveys, units, nodes, questions or options, or when a condition can never hold (e.g. NPS ≤ 11 on a CSAT question).',
    security,
    request: { params: z.object({ id: Id }), body: { content: { 'application/json': { schema: AlertRule.omit({ id: true }) } }, required: true } },
    responses: { 200: json(AlertRule, 'The stored rule'), 400: problems[400], 401: problems[401] },
  }),
  deleteRule: createRoute({
    method: 'delete',
    path: '/api/v1/alert-rules/{id}',
    summary: 'Delete an alert rule',
    security,
    request: { params: z.object({ id: Id }) },
    responses: { 204: { description: 'Deleted' }, 401: problems[401], 404: problems[404] },
  }),
  getManagers: createRoute({
    method: 'get',
    path: '/api/v1/org/units/{id}/managers',
    summary: 'Managers of an org unit (who gets its alerts and tickets)',
    security,
    request: { params: z.object({ id: Id }) },
    responses: { 200: json(z.object({ unitId: z.string(), managers: z.array(Manager) }), 'Managers'), 401: problems[401], 404: problems[404] },
  }),
  putManagers: createRoute({
    method: 'put',
    path: '/api/v1/org/units/{id}/managers',
    summary: 'Replace the managers of an org unit',
    security,
    request: { params: z.object({ id: Id }), body: { content: { 'application/json': { schema: z.object({ managers: z.array(Manager).max(50) }).strict() } }, required: true } },
    responses: { 200: json(z.object({ unitId: z.string(), managers: z.array(Manager) }), 'Managers'), 400: problems[400], 401: problems[401], 404: problems[404] },
  }),
  listTickets: createRoute({
    method: 'get',
    path: '/api/v1/tickets',
    summary: 'Tickets, newest first (paged)',
    security,
    request: {
      query: z.object({
        state: z.enum(TICKET_STATES).optional(),
        unitId: Id.optional().openapi({ description: 'Tickets of responses from this unit or below it' }),
        overdue: z.enum(['true', 'false']).optional(),
        cursor: z.string().max(2000).optional().openapi({ description: 'nextCursor of the previous page, as given' }),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: { 200: json(z.object({ tickets: z.array(TicketOut), nextCursor: z.string().nullable() }), 'A page of tickets'), 400: problems[400], 401: problems[401] },
  }),
  getTicket: createRoute({
    method: 'get',
    path: '/api/v1/tickets/{id}',
    summary: 'One ticket with its history',
    security,
    request: { params: z.object({ id: Id }) },
    responses: { 200: json(TicketOut, 'The ticket'), 401: problems[401], 404: problems[404] },
  }),
  actOnTicket: createRoute({
    method: 'post',
    path: '/api/v1/tickets/{id}/actions',
    summary: 'Acknowledge, start, comment, resolve, close, reopen or reassign a ticket',
    description: 'An action the ticket’s state does not allow answers 409 and says which actions are allowed. Resolving needs a rootCause and a note.',
    security,
    request: { params: z.object({ id: Id }), body: { content: { 'application/json': { schema: TicketCommand.strict() } }, required: true } },
    responses: { 200: json(TicketOut, 'The updated ticket'), 400: problems[400], 401: problems[401], 404: problems[404], 409: json(ErrorBody, 'Not allowed in this state, or changed meanwhile') },
  }),
  loopMetrics: createRoute({
    method: 'get',
    path: '/api/v1/loop-metrics',
    summary: 'Closed-loop metrics: time to acknowledge and resolve, % within SLA, escalations, open and overdue by unit',
    security,
    request: { query: z.object({ unitId: Id.optional(), from: Day.optional(), to: Day.optional() }) },
    responses: { 200: json(z.record(z.string(), z.unknown()).openapi('LoopMetrics'), 'Loop metrics'), 400: problems[400], 401: problems[401] },
  }),
  outbox: createRoute({
    method: 'get',
    path: '/api/v1/outbox',
    summary: 'Local runtime only: every notification "sent" (instead of SNS/SMS/e-mail)',
    security,
    request: {
      query: z.object({
        since: z.string().max(100).optional().openapi({ description: 'Only entries after this ISO time, or after a page’s `next`' }),
        limit: z.coerce.number().int().min(1).max(MAX_OUTBOX_PAGE).default(MAX_OUTBOX_PAGE),
      }),
    },
    responses: {
      200: json(
        z.object({ entries: z.array(z.record(z.string(), z.unknown())), next: z.string().nullable().openapi({ description: 'Pass as `since` for the next page; null on the last one' }) }),
        'Outbox entries, oldest first',
      ),
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
};

export function registerLoopRoutes(app: OpenAPIHono<AdminEnv>, deps: LoopDeps): void {
  const notFound = (what: string) => errorBody('not_found', `No ${what}.`);

  app.openapi(routes.listRules, async (c) => c.json({ rules: (await deps.catalog.load()).rules }, 200));

  app.openapi(routes.putRule, async (c) => {
    const saved = await saveRule(c.req.valid('param').id, c.req.valid('json'), deps);
    if (saved.kind === 'invalid') return c.json(validationError(saved.issues), 400);
    return c.json(saved.rule, 200);
  });

  app.openapi(routes.deleteRule, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deps.catalog.deleteRule(id))) return c.json(notFound(`alert rule "${id}"`), 404);
    return c.body(null, 204);
  });

  app.openapi(routes.getManagers, async (c) => {
    const { id } = c.req.valid('param');
    const catalog = await deps.catalog.load();
    if (!catalog.units.some((u) => u.id === id)) return c.json(notFound(`org unit "${id}"`), 404);
    return c.json({ unitId: id, managers: (Object.hasOwn(catalog.managers, id) ? catalog.managers[id] : undefined) ?? [] }, 200);
  });

  app.openapi(routes.putManagers, async (c) => {
    const { id } = c.req.valid('param');
    const { managers } = c.req.valid('json');
    if ((await saveManagers(id, managers, deps)).kind === 'unknown_unit') return c.json(notFound(`org unit "${id}"`), 404);
    return c.json({ unitId: id, managers }, 200);
  });

  app.openapi(routes.listTickets, async (c) => {
    const query = c.req.valid('query');
    const page = await deps.tickets
      .list({
        state: query.state,
        unitId: query.unitId,
        overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
        cursor: query.cursor,
        limit: query.limit,
      })
      .catch((error: unknown) => {
        if (error instanceof InvalidCursorError) return error;
        throw error;
      });
    if (page instanceof InvalidCursorError) return c.json(validationError([{ path: 'query.cursor', message: page.message }]), 400);
    const tickets = page.tickets.map((t) => {
      const { history: _history, ...rest } = ticketView(t);
      return rest;
    });
    return c.json({ tickets, nextCursor: page.nextCursor }, 200);
  });

  app.openapi(routes.getTicket, async (c) => {
    const { id } = c.req.valid('param');
    const ticket = await deps.tickets.get(id);
    if (!ticket) return c.json(notFound(`ticket "${id}"`), 404);
    return c.json(ticketView(ticket), 200);
  });

  app.openapi(routes.actOnTicket, async (c) => {
    const { id } = c.req.valid('param');
    const ticket = await deps.tickets.get(id);
    if (!ticket) return c.json(notFound(`ticket "${id}"`), 404);
    const result = applyAction(ticket, c.req.valid('json'), c.get('actor'), deps.clock.now());
    if (result.kind === 'invalid') return c.json(validationError(result.issues), 400);
    if (result.kind === 'invalid_transition') return c.json(errorBody('invalid_transition', result.message), 409);
    if (!(await deps.tickets.save(result.ticket, ticket.version))) {
      return c.json(errorBody('conflict', 'The ticket changed while you were acting on it; reload it and try again.'), 409);
    }
    // A reopened ticket has new deadlines, and they need watching like the first ones.
    if (c.req.valid('json').action === 'reopen') await scheduleChecks(result.ticket, deps);
    return c.json(ticketView(result.ticket), 200);
  });

  app.openapi(routes.loopMetrics, async (c) => {
    const query = c.req.valid('query');
    const catalog = await deps.catalog.load();
    const org = new OrgTree(catalog.units);
    const unitId = query.unitId ?? rootUnitOrSetup(org).id;
    if (!org.get(unitId)) return c.json(validationError([{ path: 'query.unitId', message: `unknown org unit "${unitId}"` }]), 400);
    const timeZone = catalog.organisation.timeZone;
    const to = query.to ?? localDay(deps.clock.now(), timeZone);
    const from = query.from ?? notBeforeFirstDay(addDays(to, -29));
    const problem = windowProblem(from, to, 'total');
    if (problem) return c.json(validationError([windowIssue(problem, to, 'total')]), 400);
    // Read a day either side of the window (time zones), then keep the tickets whose local day falls inside it.
    const candidates = await deps.tickets.createdBetween(`${addDays(from, -1)}T00:00:00.000Z`, `${addDays(to, 2)}T00:00:00.000Z`);
    const tickets = candidates.filter((t) => {
      const day = localDay(t.createdAt, timeZone);
      return day >= from && day <= to && t.unitPath.includes(unitId);
    });
    return c.json({ from, to, unitId, ...loopMetrics(tickets, org.children(unitId).map((u) => u.id)) }, 200);
  });

  app.openapi(routes.outbox, async (c) => {
    if (!deps.outbox) return c.json(errorBody('not_found', 'The outbox exists only in the local runtime; in AWS notifications go to SNS.'), 404);
    const { since, limit } = c.req.valid('query');
    const entries = await deps.outbox.since(since, limit);
    const last = entries.length === limit ? entries[entries.length - 1] : undefined;
    return c.json({ entries, next: last ? outboxPosition(last) : null }, 200);
  });
}
