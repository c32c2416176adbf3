// The survey authoring API: create (from a template or our JSON), draft, publish versions, read live and earlier
// versions, close, reopen, schedule, delete; the template bank; and the survey JSON Schema for editors.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { Id } from '../domain/ids.ts';
import { organisationFirst } from './setup-guard.ts';
import type { Context } from 'hono';
import { Survey, SURVEY_STATUSES, SurveyState, type SurveyVersion } from '../domain/survey.ts';
import { surveyTemplates, type SurveyTemplate } from '../domain/templates/index.ts';
import {
  closeSurvey,
  createSurvey,
  deleteSurvey,
  getDraft,
  listVersions,
  publishSurvey,
  reopenSurvey,
  saveDraft,
  scheduleSurvey,
  type AuthoringResult,
  type SurveyAuthoringDeps,
} from '../authoring/surveys.ts';
import type { CatalogStore, Clock } from '../ports.ts';
import type { AdminEnv } from './auth.ts';
import { ErrorBody, errorBody, validationError } from './errors.ts';
import { commonProblems, json, security } from './route-docs.ts';

export interface SurveyRoutesDeps {
  catalog: CatalogStore;
  clock: Clock;
  /** The template bank; the built-in one (domain/templates) when absent. */
  templates?: readonly SurveyTemplate[] | undefined;
}

/** Where editors fetch the survey JSON Schema (public: it describes a format, nothing of the organisation's). */
export const SURVEY_SCHEMA_PATH = '/api/v1/schemas/survey.json';

const problems = {
  ...commonProblems,
  404: json(ErrorBody, 'No such survey (or version)'),
  409: json(ErrorBody, 'conflict: the id is taken, the survey has responses, or it changed meanwhile; setup_required: no organisation yet'),
};

/**
 * A survey definition in the OpenAPI document: a reference to the `Survey` component, which is the JSON Schema
 * generated from the domain's zod schema (its recursive conditions are beyond the OpenAPI generator, so the component
 * is registered from z.toJSONSchema instead). Requests are checked against the zod schema itself in the use cases.
 */
const surveyDoc = (description: string) =>
  z.record(z.string(), z.unknown()).openapi({ type: 'object', $ref: '#/components/schemas/Survey', description } as never);


const idParam = z.object({ id: z.string().min(1).max(64) });
const StateOut = SurveyState;
const LiveSurvey = surveyDoc('The definition of one published version, plus `version`, `status` and `state` (its lifecycle)');
const DraftOut = z.object({ state: StateOut, draft: surveyDoc('The draft definition') }).openapi('SurveyDraft');

const routes = {
  schema: createRoute({
    method: 'get',
    path: SURVEY_SCHEMA_PATH,
    summary: 'The survey definition format as JSON Schema (2020-12), generated from the zod schema',
    description: 'Public. Point an editor at it (`"$schema"`) to write survey JSON for POST /api/v1/surveys or PUT …/draft.',
    responses: { 200: json(z.record(z.string(), z.unknown()), 'The JSON Schema') },
  }),
  templates: createRoute({
    method: 'get',
    path: '/api/v1/templates',
    summary: 'The template bank: ready surveys per industry, each with an extra question bank',
    security,
    responses: {
      200: json(
        z.object({
          templates: z.array(
            z.object({
              id: z.string(),
              industry: z.string(),
              name: z.record(z.string(), z.string()),
              description: z.record(z.string(), z.string()),
              survey: surveyDoc('The survey a draft starts from (its id is replaced)'),
              questionBank: z.array(z.record(z.string(), z.unknown())),
            }),
          ),
        }),
        'Templates',
      ),
      401: problems[401],
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/v1/surveys',
    summary: 'Surveys: the live version of each published one (live or closed), and the drafts never published',
    security,
    responses: {
      200: json(z.object({ surveys: z.array(LiveSurvey), drafts: z.array(StateOut) }), 'Surveys'),
      401: problems[401],
      409: problems[409],
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/api/v1/surveys',
    summary: 'Create a survey draft from a template ({id, templateId}) or from survey JSON ({id, definition})',
    description: `The definition follows ${SURVEY_SCHEMA_PATH}; its id may be left out (the body's id is used). Nothing is live until it is published.`,
    security,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({ id: Id, templateId: z.string().min(1).max(64).optional(), definition: surveyDoc('The survey JSON to import').optional() })
              .strict()
              .superRefine((body, ctx) => {
                if ((body.templateId === undefined) === (body.definition === undefined))
                  ctx.addIssue({ code: 'custom', path: [body.templateId === undefined ? 'templateId' : 'definition'], message: 'give either templateId or definition (one of them)' });
              }),
          },
        },
      },
    },
    responses: { 201: json(DraftOut, 'The new draft'), 400: problems[400], 401: problems[401], 409: problems[409] },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/v1/surveys/{id}',
    summary: 'The live version of a survey (or `?version=N`), with `version` and `status`',
    description: 'A survey that was never published answers 404: its draft is at GET /api/v1/surveys/{id}/draft.',
    security,
    request: { params: idParam, query: z.object({ version: z.coerce.number().int().min(1).max(999_999).optional() }) },
    responses: { 200: json(LiveSurvey, 'The survey version'), 400: problems[400], 401: problems[401], 404: problems[404], 409: problems[409] },
  }),
  versions: createRoute({
    method: 'get',
    path: '/api/v1/surveys/{id}/versions',
    summary: 'The published versions of a survey, newest first',
    security,
    request: { params: idParam },
    responses: {
      200: json(z.object({ surveyId: z.string(), versions: z.array(z.object({ version: z.number().int(), publishedAt: z.string() })) }), 'Versions'),
      401: problems[401],
      404: problems[404],
    },
  }),
  getDraft: createRoute({
    method: 'get',
    path: '/api/v1/surveys/{id}/draft',
    summary: 'The draft of a survey (the base of its next version)',
    security,
    request: { params: idParam },
    responses: { 200: json(DraftOut, 'The draft'), 401: problems[401], 404: problems[404] },
  }),
  putDraft: createRoute({
    method: 'put',
    path: '/api/v1/surveys/{id}/draft',
    summary: 'Save the full draft definition',
    description: `Validated as on publish (${SURVEY_SCHEMA_PATH}); its id must be {id} (or left out). Respondents see nothing until it is published.`,
    security,
    request: { params: idParam, body: { required: true, content: { 'application/json': { schema: surveyDoc('The full definition') } } } },
    responses: { 200: json(DraftOut, 'The saved draft'), 400: problems[400], 401: problems[401], 404: problems[404], 409: problems[409] },
  }),
  publish: createRoute({
    method: 'post',
    path: '/api/v1/surveys/{id}/publish',
    summary: 'Publish the draft as the next immutable version',
    description:
      'Refused (400, naming the field) when it reuses a question id with another type, or puts a question on an indicator node whose counter holds answers on another scale. Dropping and adding questions is fine. A draft equal to the live version publishes nothing and answers the live version. Publishing a closed survey keeps it closed.',
    security,
    request: { params: idParam },
    responses: {
      200: json(z.object({ version: z.number().int(), status: z.enum(SURVEY_STATUSES) }), 'The published version'),
      400: problems[400],
      401: problems[401],
      404: problems[404],
      409: problems[409],
    },
  }),
  close: createRoute({
    method: 'post',
    path: '/api/v1/surveys/{id}/close',
    summary: 'Close a survey: it takes no answers (API 409 survey_closed; the page says so)',
    security,
    request: { params: idParam },
    responses: { 200: json(StateOut, 'The survey state'), 401: problems[401], 404: problems[404], 409: problems[409] },
  }),
  reopen: createRoute({
    method: 'post',
    path: '/api/v1/surveys/{id}/reopen',
    summary: 'Reopen a closed survey',
    security,
    request: { params: idParam },
    responses: { 200: json(StateOut, 'The survey state'), 401: problems[401], 404: problems[404], 409: problems[409] },
  }),
  schedule: createRoute({
    method: 'put',
    path: '/api/v1/surveys/{id}/schedule',
    summary: 'Set when a survey takes answers: optional opensAt and closesAt (ISO instants); absent ones are removed',
    security,
    request: {
      params: idParam,
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                opensAt: z.iso.datetime({ offset: true }).optional().openapi({ example: '2026-05-01T00:00:00+08:00' }),
                closesAt: z.iso.datetime({ offset: true }).optional().openapi({ example: '2026-06-01T00:00:00+08:00' }),
              })
              .strict(),
          },
        },
      },
    },
    responses: { 200: json(StateOut, 'The survey state'), 400: problems[400], 401: problems[401], 404: problems[404], 409: problems[409] },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/api/v1/surveys/{id}',
    summary: 'Delete a survey that has no responses (one with responses can only be closed: 409)',
    security,
    request: { params: idParam },
    responses: { 204: { description: 'Deleted' }, 401: problems[401], 404: problems[404], 409: problems[409] },
  }),
};

let schemaDocument: { jsonSchema: Record<string, unknown>; components: Record<string, Record<string, unknown>> } | undefined;

/**
 * The Survey JSON Schema, generated once from the zod schema (input side: defaults may be left out), and the same
 * schema as OpenAPI components (its shared parts under Survey_0, Survey_1, … instead of $defs).
 */
export function surveySchemas() {
  if (schemaDocument) return schemaDocument;
  const generated = z.toJSONSchema(Survey, { io: 'input', reused: 'ref', unrepresentable: 'any' }) as Record<string, unknown>;
  const jsonSchema = { ...generated, $id: SURVEY_SCHEMA_PATH, title: 'OpenCEM survey definition' };
  // The generator names shared parts __schema0, __schema1, …: a fixed pattern, so a plain replace is exact.
  const asComponents = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/__schema', '"#/components/schemas/Survey_')) as Record<string, unknown>;
  const { $defs, $schema: _schema, ...root } = asComponents as { $defs?: Record<string, Record<string, unknown>>; $schema?: string };
  const components: Record<string, Record<string, unknown>> = { Survey: root };
  for (const [name, part] of Object.entries($defs ?? {})) components[name.replace('__schema', 'Survey_')] = part;
  schemaDocument = { jsonSchema, components };
  return schemaDocument;
}

/** The public schema route; registered before the admin guard, so editors can fetch it without a token. */
export function registerSurveySchemaRoute(app: OpenAPIHono<AdminEnv>): void {
  app.openapi(routes.schema, (c) => c.json(surveySchemas().jsonSchema, 200));
}

export function registerSurveyRoutes(app: OpenAPIHono<AdminEnv>, deps: SurveyRoutesDeps): void {
  for (const [name, schema] of Object.entries(surveySchemas().components)) app.openAPIRegistry.registerComponent('schemas', name, schema as never);
  const authoring = (): SurveyAuthoringDeps => ({ surveys: deps.catalog.surveyAuthoring, clock: deps.clock, templates: deps.templates ?? surveyTemplates });
  // Surveys are authored for an organisation (its languages, its units). Registered before the routes, so it runs first.
  app.use('/api/v1/surveys', organisationFirst(deps.catalog));
  app.use('/api/v1/surveys/*', organisationFirst(deps.catalog));

  /** Maps a use case's refusal onto the error shape. */
  // Typed as never: each route documents the refusals its use case can give, and they all have the error shape.
  const refusal = (c: Context, result: Exclude<AuthoringResult<unknown>, { kind: 'ok' }>): never => {
    switch (result.kind) {
      case 'invalid':
        return c.json(validationError(result.issues), 400) as never;
      case 'not_found':
        return c.json(errorBody('not_found', result.message, [{ path: 'id', message: 'unknown survey' }]), 404) as never;
      case 'conflict':
        return c.json(errorBody('conflict', result.message), 409) as never;
    }
  };
  const withState = (survey: SurveyVersion, state: SurveyState | undefined) => ({ ...survey, status: state?.status ?? 'live', ...(state ? { state } : {}) });

  app.openapi(routes.templates, (c) => c.json({ templates: [...(deps.templates ?? surveyTemplates)] as never[] }, 200));

  app.openapi(routes.list, async (c) => {
    const catalog = await deps.catalog.load();
    const surveys = catalog.surveys.map((s) => withState(s, catalog.surveyStates[s.id]));
    const drafts = Object.values(catalog.surveyStates).filter((s) => s.liveVersion === null);
    return c.json({ surveys, drafts }, 200);
  });

  app.openapi(routes.create, async (c) => {
    const body = c.req.valid('json');
    const organisation = body.templateId !== undefined ? await deps.catalog.organisation() : undefined;
    const result = await createSurvey(
      body.templateId !== undefined ? { id: body.id, templateId: body.templateId, languages: organisation } : { id: body.id, definition: body.definition },
      authoring(),
    );
    if (result.kind !== 'ok') return refusal(c, result);
    return c.json(result.value, 201);
  });

  app.openapi(routes.get, async (c) => {
    const { id } = c.req.valid('param');
    const { version } = c.req.valid('query');
    const catalog = await deps.catalog.load();
    const state = Object.hasOwn(catalog.surveyStates, id) ? catalog.surveyStates[id] : undefined;
    const live = catalog.surveys.find((s) => s.id === id);
    if (!state) return c.json(errorBody('not_found', `No survey "${id}".`, [{ path: 'id', message: 'unknown survey' }]), 404);
    if (!live)
      return c.json(errorBody('not_found', `Survey "${id}" has no published version yet; its draft is at GET /api/v1/surveys/${id}/draft.`, [{ path: 'id', message: 'never published' }]), 404);
    if (version === undefined || version === live.version) return c.json(withState(live, state), 200);
    const older = version < live.version && version >= (state.firstVersion ?? 1) ? await deps.catalog.surveyVersion(id, version) : undefined;
    if (!older) return c.json(errorBody('not_found', `Survey "${id}" has no version ${version}; the live one is ${live.version}.`, [{ path: 'version', message: 'no such version' }]), 404);
    return c.json(withState(older, state), 200);
  });

  app.openapi(routes.versions, async (c) => {
    const { id } = c.req.valid('param');
    const result = await listVersions(id, authoring());
    if (result.kind !== 'ok') return refusal(c, result);
    return c.json({ surveyId: id, versions: result.value }, 200);
  });

  app.openapi(routes.getDraft, async (c) => {
    const result = await getDraft(c.req.valid('param').id, authoring());
    if (result.kind !== 'ok') return refusal(c, result);
    return c.json(result.value, 200);
  });

  app.openapi(routes.putDraft, async (c) => {
    const result = await saveDraft(c.req.valid('param').id, c.req.valid('json'), authoring());
    if (result.kind !== 'ok') return refusal(c, result);
    return c.json(result.value, 200);
  });

  app.openapi(routes.publish, async (c) => {
    const result = await publishSurvey(c.req.valid('param').id, authoring());
    if (result.kind !== 'ok') return refusal(c, result);
    return c.json({ version: result.value.version, status: result.value.status }, 200);
  });

  app.openapi(routes.close, async (c) => {
    const result = await closeSurvey(c.req.valid('param').id, authoring());
    if (result.kind !== 'ok') return refusal(c, result);
    return c.json(result.value, 200);
  });

  app.openapi(routes.reopen, async (c) => {
    const result = await reopenSurvey(c.req.valid('param').id, authoring());
    if (result.kind !== 'ok') return refusal(c, result);
    return c.json(result.value, 200);
  });

  app.openapi(routes.schedule, async (c) => {
    const result = await scheduleSurvey(c.req.valid('param').id, c.req.valid('json'), authoring());
    if (result.kind !== 'ok') return refusal(c, result);
    return c.json(result.value, 200);
  });

  app.openapi(routes.delete, async (c) => {
    const result = await deleteSurvey(c.req.valid('param').id, authoring());
    if (result.kind !== 'ok') return refusal(c, result);
    return c.body(null, 204);
  });
}
