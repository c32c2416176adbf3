// The admin API of rebuilds: start one (recount every counter from the responses into a new generation), read its
// progress, and queue its unfinished segments again. The work itself runs in the rebuild worker (functions/rebuild/).
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { organisationFirst } from './setup-guard.ts';
import { MAX_REBUILD_SEGMENTS, REBUILD_ID_PATTERN, RebuildRequest, type RebuildMessage, type RebuildView } from '../domain/rebuild.ts';
import type { AggregateStore, CatalogStore, Clock, MessageQueue, RebuildStore, ResponseScan } from '../ports.ts';
import { readRebuild, resumeRebuild, startRebuild } from '../rebuild/rebuild.ts';
import type { AdminEnv } from './auth.ts';
import { ErrorBody, errorBody, validationError, zodIssues } from './errors.ts';
import { commonProblems, json, security } from './route-docs.ts';

/** What starting and reading rebuilds needs beyond the API's own stores. */
export interface RebuildApiDeps {
  jobs: RebuildStore;
  responses: Pick<ResponseScan, 'estimatedCount'>;
  queue: MessageQueue<RebuildMessage>;
}

export interface RebuildRouteDeps {
  aggregates: AggregateStore;
  catalog: Pick<CatalogStore, 'organisation'>;
  clock: Clock;
  /** Absent in API set-ups without a rebuild queue (some tests): the routes are then not offered. */
  rebuilds?: RebuildApiDeps | undefined;
}


export const RebuildOut = z
  .object({
    id: z.string().openapi({ example: '01JD5X8W6T1ZQ3M4N5P6R7S8T9' }),
    status: z.enum(['running', 'complete', 'failed']),
    generation: z.number().int().openapi({ description: 'The counter generation this rebuild writes; live once complete' }),
    segments: z.number().int(),
    segmentsDone: z.number().int(),
    scanned: z.number().int().openapi({ description: 'Responses read so far' }),
    counted: z.number().int().openapi({ description: 'Of those, counted into the new generation' }),
    skipped: z.number().int().openapi({ description: 'Of those, not countable (unknown survey or version)' }),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
    progress: z.number().min(0).max(1).openapi({ description: '0–1; an estimate until complete' }),
    error: z.string().optional(),
  })
  .openapi('Rebuild');

const IdParam = z.object({ id: z.string().regex(REBUILD_ID_PATTERN, 'must be a rebuild id (a ULID)').openapi({ param: { name: 'id', in: 'path' }, example: '01JD5X8W6T1ZQ3M4N5P6R7S8T9' }) });

const routes = {
  start: createRoute({
    method: 'post',
    path: '/api/v1/admin/rebuilds',
    summary: 'Rebuild every counter from the responses',
    description:
      `Recounts all responses (in parallel scan segments) into a new counter generation, scoring each with the survey ` +
      `version it answered and rolling it up the org tree as it is now — after a unit moved, a scoring fix, or any doubt. ` +
      `The dashboard keeps the current numbers until the rebuild completes, then switches to the new ones at once. ` +
      `Responses that arrive meanwhile are counted in both. Optional JSON body: {"segments": 1–${MAX_REBUILD_SEGMENTS}} (default 4). ` +
      `Only one rebuild runs at a time (409 conflict, naming the running one in \`id\`).`,
    security,
    responses: {
      202: json(RebuildOut, 'Started; poll its Location'),
      400: json(ErrorBody, 'Invalid body'),
      401: json(ErrorBody, 'Missing or invalid bearer token'),
      409: json(ErrorBody, 'A rebuild is already running (its id in `id`)'),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/v1/admin/rebuilds/{id}',
    summary: 'A rebuild and its progress',
    security,
    request: { params: IdParam },
    responses: { 200: json(RebuildOut, 'The rebuild'), 400: json(ErrorBody, 'Not a rebuild id'), 401: json(ErrorBody, 'Missing or invalid bearer token'), 404: json(ErrorBody, 'No such rebuild') },
  }),
  resume: createRoute({
    method: 'post',
    path: '/api/v1/admin/rebuilds/{id}/resume',
    summary: 'Queue the unfinished segments of a running rebuild again',
    description: 'For a rebuild whose messages were lost (e.g. a purged queue). Harmless on one that is still moving: a segment never runs twice at once for long, and counts nothing twice.',
    security,
    request: { params: IdParam },
    responses: {
      202: json(RebuildOut, 'Queued again'),
      400: json(ErrorBody, 'Not a rebuild id'),
      401: json(ErrorBody, 'Missing or invalid bearer token'),
      404: json(ErrorBody, 'No such rebuild'),
      409: json(ErrorBody, 'The rebuild is not running (complete or failed)'),
    },
  }),
};

const out = (view: RebuildView) => RebuildOut.parse(view);

export function registerRebuildRoutes(app: OpenAPIHono<AdminEnv>, deps: RebuildRouteDeps): void {
  const rebuilds = deps.rebuilds;
  if (!rebuilds) return;
  const notFound = (id: string) => errorBody('not_found', `No rebuild "${id}".`, [{ path: 'id', message: 'unknown rebuild' }]);
  // Nothing to recount before the organisation exists (and its workers could only fail).
  app.use('/api/v1/admin/rebuilds', organisationFirst(deps.catalog));

  app.openapi(routes.start, async (c) => {
    // The body is optional, even with a JSON content type: an empty one means the defaults.
    const text = await c.req.text();
    let raw: unknown = {};
    if (text.trim() !== '') {
      try {
        raw = JSON.parse(text);
      } catch {
        return c.json(validationError([{ path: '(body)', message: 'must be JSON, e.g. {"segments": 4}' }]), 400);
      }
    }
    const parsed = RebuildRequest.safeParse(raw);
    if (!parsed.success) return c.json(validationError(zodIssues(parsed.error)), 400);
    const result = await startRebuild(parsed.data, { aggregates: deps.aggregates, clock: deps.clock, ...rebuilds });
    if (result.kind === 'conflict') {
      return c.json({ ...errorBody('conflict', `A rebuild is already running (${result.runningId}); wait for it to finish, or follow it at /api/v1/admin/rebuilds/${result.runningId}.`), id: result.runningId }, 409);
    }
    c.header('Location', `/api/v1/admin/rebuilds/${result.rebuild.id}`);
    return c.json(out(result.rebuild), 202);
  });

  app.openapi(routes.get, async (c) => {
    const { id } = c.req.valid('param');
    const view = await readRebuild(id, rebuilds);
    if (!view) return c.json(notFound(id), 404);
    return c.json(out(view), 200);
  });

  app.openapi(routes.resume, async (c) => {
    const { id } = c.req.valid('param');
    const result = await resumeRebuild(id, rebuilds);
    if (result.kind === 'not_found') return c.json(notFound(id), 404);
    if (result.kind === 'not_running') return c.json({ ...errorBody('conflict', `Rebuild ${id} is ${result.rebuild.status}; start a new one instead.`), id }, 409);
    return c.json(out(result.rebuild), 202);
  });
}
