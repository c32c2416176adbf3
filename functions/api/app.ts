// The HTTP API as one hono app: respondent pages, response capture and the admin API, the same in Lambda and locally.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { SetupRequiredError, type AggregateStore, type CatalogStore, type Clock, type ResponseStore } from '../ports.ts';
import { requireAdmin, type AdminEnv, type AuthConfig } from './auth.ts';
import { registerLoopRoutes, type LoopDeps } from './loop-routes.ts';
import { ORG_IMPORT_PATH, registerOrgRoutes } from './org-routes.ts';
import { registerRebuildRoutes, type RebuildApiDeps } from './rebuild-routes.ts';
import { captureResponse } from './capture.ts';
import { contentSecurity } from './content-security.ts';
import type { FormOriginPolicy } from './form-origin.ts';
import type { FormLimitSettings } from './rate-limit.ts';
import { registerRespondentRoutes } from './respondent-routes.tsx';
import { renderApiReference } from './docs.ts';
import { errorBody, validationError, zodIssues } from './errors.ts';
import { readMetrics, readUnitMetrics } from './read-metrics.ts';
import * as schema from './schemas.ts';
import { registerSurveyRoutes, registerSurveySchemaRoute, type SurveyRoutesDeps } from './survey-routes.ts';

export interface ApiDeps extends LoopDeps, SurveyRoutesDeps {
  catalog: CatalogStore;
  responses: ResponseStore;
  aggregates: AggregateStore;
  clock: Clock;
  auth: AuthConfig;
  /** Origins allowed to frame the survey pages (web intercept); default none. */
  surveyFrameAncestors?: readonly string[] | undefined;
  /** The public survey form's guards: which origins may post it, and how often. */
  publicForms: { origins: FormOriginPolicy; limits: FormLimitSettings };
  /** Rebuild jobs (POST/GET /api/v1/admin/rebuilds); without them those routes are not offered. */
  rebuilds?: RebuildApiDeps | undefined;
}

/** Largest request body accepted anywhere: 64 KB. */
export const MAX_BODY_BYTES = 64 * 1024;

export function createApi(deps: ApiDeps) {
  const app = new OpenAPIHono<AdminEnv>({
    // Every validation failure gets the same shape, naming each bad field.
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationError(zodIssues(result.error, result.target === 'json' ? '' : result.target)), 400);
      return undefined;
    },
  });

  app.use('*', contentSecurity({ surveyFrameAncestors: deps.surveyFrameAncestors ?? [] }));
  app.use('*', secureHeaders({ crossOriginResourcePolicy: false }));
  app.use(
    '*',
    // The org CSV import has a larger limit of its own (org-routes.ts).
    except(
      ORG_IMPORT_PATH,
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: (c) => c.json(errorBody('body_too_large', `The request body must be at most ${MAX_BODY_BYTES} bytes.`, [{ path: '(body)', message: 'too large' }]), 400),
      }),
    ),
  );

  app.onError((error, c) => {
    // An empty catalog: say what to create first (every route that needs the organisation ends up here).
    if (error instanceof SetupRequiredError) return c.json(errorBody('setup_required', error.message), 409);
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 415 ? 'unsupported_media_type' : status === 400 ? 'invalid_body' : 'http_error';
      return c.json(errorBody(code, error.message || 'The request could not be read.', [{ path: '(body)', message: error.message }]), status);
    }
    console.error(JSON.stringify({ level: 'error', message: 'unhandled error', error: String(error), stack: (error as Error).stack }));
    return c.json(errorBody('internal', 'Something went wrong on our side; the request was not stored. Please try again.'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `No route for ${c.req.method} ${c.req.path}.`), 404));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  // ---- respondent pages (public) ----
  registerRespondentRoutes(app, deps);

  // ---- admin API (bearer token locally, Cognito JWT in AWS) ----
  // Public: the survey format for editors (registered before the admin guard so it needs no token).
  registerSurveySchemaRoute(app);
  app.use('/api/v1/*', requireAdmin(deps.auth));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.openapi(schema.postResponse, async (c) => {
    const body = c.req.valid('json');
    const result = await captureResponse({ ...body, channel: 'api' }, deps);
    if (result.kind === 'invalid') return c.json(validationError(result.issues), 400);
    if (result.kind === 'closed') return c.json(errorBody('survey_closed', closedMessage(result.surveyId, result.reason), [{ path: 'surveyId', message: result.reason }]), 409);
    if (result.kind === 'duplicate')
      return c.json({ ...errorBody('already_submitted', 'A response was already submitted with this token; it was not changed.'), id: result.id }, 409);
    return c.json({ id: result.id }, 201);
  });

  registerSurveyRoutes(app, deps);

  app.openapi(schema.getMetrics, async (c) => {
    const result = await readMetrics(c.req.valid('query'), deps);
    if (result.kind === 'invalid') return c.json(validationError(result.issues), 400);
    return c.json(result.metrics, 200);
  });

  app.openapi(schema.getUnitMetrics, async (c) => {
    const result = await readUnitMetrics(c.req.valid('query'), deps);
    if (result.kind === 'invalid') return c.json(validationError(result.issues), 400);
    const { kind: _kind, ...body } = result;
    return c.json(body, 200);
  });

  registerLoopRoutes(app, deps);
  registerOrgRoutes(app, deps);
  registerRebuildRoutes(app, deps);

  // ---- API description ----
  const documentConfig = {
    openapi: '3.1.0',
    info: {
      title: 'OpenCEM API',
      version: '1',
      description:
        'Surveys, response capture and pre-computed experience metrics (NPS, CSAT, CES). Every /api/v1 route needs `Authorization: Bearer <token>`: the admin token locally, a Cognito ID token in AWS. Errors always have the shape {"error":{"code","message","issues":[{"path","message"}]}}.',
    },
  };
  app.doc31('/api/openapi.json', documentConfig);
  app.get('/api/docs', (c) => c.html(renderApiReference(app.getOpenAPI31Document(documentConfig))));

  return app;
}

export type Api = ReturnType<typeof createApi>;

function closedMessage(surveyId: string, reason: 'closed' | 'notYetOpen' | 'ended'): string {
  if (reason === 'notYetOpen') return `Survey "${surveyId}" is not open yet; it takes answers from its opensAt.`;
  if (reason === 'ended') return `Survey "${surveyId}" has ended (past its closesAt); it takes no more answers.`;
  return `Survey "${surveyId}" is closed; it takes no answers until it is reopened.`;
}
