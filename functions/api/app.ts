// The HTTP API as one hono app: respondent pages, response capture and the admin API, the same in Lambda and locally.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Context } from 'hono';
import { localize, Locale } from '../domain/survey.ts';
import type { AggregateStore, CatalogStore, Clock, ResponseStore } from '../ports.ts';
import { requireAdmin, type AdminEnv, type AuthConfig } from './auth.ts';
import { registerLoopRoutes, type LoopDeps } from './loop-routes.ts';
import { registerRebuildRoutes, type RebuildApiDeps } from './rebuild-routes.ts';
import { captureResponse, isResponseId } from './capture.ts';
import { contentSecurity } from './content-security.ts';
import { readForm, textField } from './form-body.ts';
import { envelopeFromForm } from './envelope.ts';
import { sameOriginForms, type FormOriginPolicy } from './form-origin.ts';
import { clientAddress, clientKey, formAdmission, type FormLimitSettings } from './rate-limit.ts';
import { linkHiddenFields, linkProblemOf, readSurveyLink } from './survey-link.ts';
import { renderApiReference } from './docs.ts';
import { errorBody, validationError, zodIssues } from './errors.ts';
import { readMetrics, readUnitMetrics } from './read-metrics.ts';
import { answersFromForm, MessagePage, pickLocale, SurveyPage } from './survey-page.tsx';
import * as schema from './schemas.ts';

export interface ApiDeps extends LoopDeps {
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
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody('body_too_large', `The request body must be at most ${MAX_BODY_BYTES} bytes.`, [{ path: '(body)', message: 'too large' }]), 400),
    }),
  );

  app.onError((error, c) => {
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
  // Another site must not make its visitors' browsers post answers or contact requests here.
  const formOrigin = sameOriginForms(deps.publicForms.origins, async (c) =>
    c.html(MessagePage({ locale: (await surveyAndLocale(c)).locale, title: 'OpenCEM', message: 'crossOrigin' }), 403),
  );
  app.use('/s/:surveyId', formOrigin);
  app.use('/s/:surveyId/thanks', formOrigin);
  const admission = formAdmission(deps.publicForms.limits, deps.clock);

  app.get('/s/:surveyId', async (c) => {
    const { survey, locale, catalog } = await surveyAndLocale(c);
    if (!survey) return c.html(MessagePage({ locale, title: 'OpenCEM', message: 'notFound' }), 404);
    const link = readSurveyLink(survey.id, (name) => c.req.query(name), (unitId) => catalog.units.some((u) => u.id === unitId));
    if (!link.ok) return c.html(MessagePage({ locale, title: localize(survey.title, locale, survey.defaultLocale), message: link.problem }), 400);
    return c.html(SurveyPage({ survey, locale, hidden: link.hidden }));
  });

  app.post('/s/:surveyId', async (c) => {
    const form = await readForm(c);
    if (!form) return unreadableForm(c);
    const field = (name: string) => textField(form, name);
    const { survey, locale } = await surveyAndLocale(c, field('lang'));
    if (!survey) return c.html(MessagePage({ locale, title: 'OpenCEM', message: 'notFound' }), 404);
    const title = localize(survey.title, locale, survey.defaultLocale);
    // The link fields meet the API's own envelope schema; the respondent cannot fix them, so a page says what is wrong.
    const link = envelopeFromForm(survey.id, (name) => form[name]);
    if (!link.ok) return c.html(MessagePage({ locale, title, message: linkProblemOf(link.issues) ?? 'linkUnit' }), 400);
    // Every submission counts, personal ones too: tokens are not signed yet, so a made-up one would pass as personal.
    const admitted = admission.admit({ surveyId: survey.id, client: clientKey(clientAddress(c.env)), personal: link.envelope.token !== undefined });
    if (!admitted.ok) {
      c.header('Retry-After', String(admitted.retryAfterSeconds));
      return c.html(MessagePage({ locale, title, message: 'tooMany', minutes: Math.ceil(admitted.retryAfterSeconds / 60) }), 429);
    }
    const answers = answersFromForm(survey, form);
    const result = await captureResponse({ ...link.envelope, locale: link.envelope.locale ?? locale, answers, channel: 'web' }, deps);
    if (result.kind === 'invalid') {
      const problem = linkProblemOf(result.issues);
      if (problem) return c.html(MessagePage({ locale, title, message: problem }), 400);
      return c.html(SurveyPage({ survey, locale, hidden: linkHiddenFields(link.envelope), values: answers, issues: result.issues }), 400);
    }
    if (result.kind === 'duplicate') return c.html(MessagePage({ locale, title, message: 'already' }), 409);
    return c.redirect(`/s/${encodeURIComponent(survey.id)}/thanks?lang=${locale}&r=${encodeURIComponent(result.id)}`, 303);
  });

  app.get('/s/:surveyId/thanks', async (c) => {
    const { survey, locale } = await surveyAndLocale(c);
    const catalog = await deps.catalog.load();
    const title = survey ? localize(survey.title, locale, survey.defaultLocale) : 'OpenCEM';
    const extra = survey?.thanks ? localize(survey.thanks, locale, survey.defaultLocale) : undefined;
    // A mangled link still thanks the respondent; it only loses the recovery offer (no store call with a bad key).
    const responseId = c.req.query('r');
    const response = survey && responseId && isResponseId(responseId) ? await deps.responses.get(responseId) : undefined;
    // Detractor recovery: only after an NPS of 0–6 on this survey, and only once.
    const npsQuestion = survey?.questions.find((q) => q.type === 'nps');
    const score = npsQuestion ? response?.answers[npsQuestion.id] : undefined;
    const recoveryFor = response && response.surveyId === survey?.id && typeof score === 'number' && score <= 6 && !response.contactRequest ? response.id : undefined;
    return c.html(MessagePage({ locale, title, message: 'thanks', extra, recoveryFor, reviewUrl: catalog.organisation.reviewUrl }));
  });

  app.post('/s/:surveyId/thanks', async (c) => {
    const form = (await readForm(c)) ?? {};
    const field = (name: string) => textField(form, name);
    const { survey, locale } = await surveyAndLocale(c, field('lang'));
    const title = survey ? localize(survey.title, locale, survey.defaultLocale) : 'OpenCEM';
    const channel = field('channel');
    const responseId = field('r');
    if (!survey || !responseId || !isResponseId(responseId) || field('consent') !== 'yes' || (channel !== 'phone' && channel !== 'sms' && channel !== 'email')) {
      return c.html(MessagePage({ locale, title, message: 'thanks' }), 400);
    }
    const response = await deps.responses.get(responseId);
    if (!response || response.surveyId !== survey.id) return c.html(MessagePage({ locale, title, message: 'notFound' }), 404);
    await deps.responses.setContactRequest(responseId, { consent: true, channel, at: deps.clock.now().toISOString() });
    return c.html(MessagePage({ locale, title, message: 'contactThanks' }));
  });

  /** A post no survey form sends (malformed multipart, another media type): the form again, with a 400. */
  async function unreadableForm(c: Context) {
    const { survey, locale, catalog } = await surveyAndLocale(c);
    if (!survey) return c.html(MessagePage({ locale, title: 'OpenCEM', message: 'notFound' }), 404);
    const issues = [{ path: '(body)', message: 'the form could not be read; please answer and submit it again' }];
    const link = readSurveyLink(survey.id, (name) => c.req.query(name), (unitId) => catalog.units.some((u) => u.id === unitId));
    return c.html(SurveyPage({ survey, locale, hidden: link.ok ? link.hidden : {}, issues }), 400);
  }

  async function surveyAndLocale(c: Context, formLang?: string) {
    const catalog = await deps.catalog.load();
    const survey = catalog.surveys.find((s) => s.id === c.req.param('surveyId'));
    const requested = formLang ?? c.req.query('lang');
    const fallback = Locale.safeParse(requested).data ?? catalog.organisation.defaultLocale;
    return { catalog, survey, locale: survey ? pickLocale(requested, survey, c.req.header('accept-language')) : fallback };
  }

  // ---- admin API (bearer token locally, Cognito JWT in AWS) ----
  app.use('/api/v1/*', requireAdmin(deps.auth));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.openapi(schema.postResponse, async (c) => {
    const body = c.req.valid('json');
    const result = await captureResponse({ ...body, channel: 'api' }, deps);
    if (result.kind === 'invalid') return c.json(validationError(result.issues), 400);
    if (result.kind === 'duplicate')
      return c.json({ ...errorBody('already_submitted', 'A response was already submitted with this token; it was not changed.'), id: result.id }, 409);
    return c.json({ id: result.id }, 201);
  });

  app.openapi(schema.listSurveys, async (c) => c.json({ surveys: (await deps.catalog.load()).surveys }, 200));

  app.openapi(schema.getSurvey, async (c) => {
    const { id } = c.req.valid('param');
    const survey = (await deps.catalog.load()).surveys.find((s) => s.id === id);
    if (!survey) return c.json(errorBody('not_found', `No survey "${id}".`, [{ path: 'id', message: 'unknown survey' }]), 404);
    return c.json(survey, 200);
  });

  app.openapi(schema.listUnits, async (c) => {
    const catalog = await deps.catalog.load();
    return c.json({ organisation: catalog.organisation, units: catalog.units }, 200);
  });

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
