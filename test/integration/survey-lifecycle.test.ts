// A survey's life through the API on DynamoDB Local: empty start (setup_required), create from JSON or a template,
// draft, publish v1, answers, publish v2 (dropping and adding questions) with v1 pages still accepted for a day,
// incompatible versions refused, close / reopen / schedule, delete refused once answered, and the JSON Schema.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { countResponses } from '../../functions/aggregate/count-responses.ts';
import { createApi } from '../../functions/api/app.ts';
import { defaultFormLimits } from '../../functions/api/rate-limit.ts';
import { dynamoAggregateStore } from '../../functions/aws/aggregate-store.ts';
import { cachedCatalog, dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { documentClient } from '../../functions/aws/dynamodb.ts';
import { dynamoResponseStore } from '../../functions/aws/response-store.ts';
import { dynamoTicketStore } from '../../functions/aws/ticket-store.ts';
import type { SurveyInput } from '../../functions/domain/survey.ts';
import type { SurveyTemplate } from '../../functions/domain/templates/index.ts';
import { demoOrganisation, demoUnits } from '../../functions/local/demo.ts';
import type { StoredResponse } from '../../functions/ports.ts';
import { ADMIN_TOKEN, adminHeaders } from '../support/system.ts';
import { useLocalTables } from '../support/dynamo.ts';

const HOUR = 3_600_000;
const clock = { at: Date.parse('2026-03-02T02:00:00Z'), now() { return new Date(this.at); }, advance(ms: number) { this.at += ms; } };

const text = (en: string) => ({ zh: `${en}（中）`, en, ru: `${en} (рус.)` });
const lobby: SurveyInput = {
  id: 'lobby',
  title: text('Lobby visit'),
  locales: ['zh', 'en', 'ru'],
  defaultLocale: 'zh',
  indicatorTree: [
    { id: 'overall', parentId: null, label: text('Overall') },
    { id: 'welcome', parentId: 'overall', label: text('Welcome') },
    { id: 'wait', parentId: 'overall', label: text('Waiting') },
  ],
  questions: [
    { id: 'nps', type: 'nps', nodeId: 'overall', required: true, label: text('Recommend us?') },
    { id: 'welcome-csat', type: 'csat', nodeId: 'welcome', label: text('How was the welcome?') },
    { id: 'comment', type: 'text', nodeId: 'overall', label: text('Anything else?') },
  ],
};
/** v2: drops the comment, adds a waiting-time CES on a node of its own. */
const lobbyV2: SurveyInput = {
  ...lobby,
  questions: [lobby.questions[0]!, lobby.questions[1]!, { id: 'wait-ces', type: 'ces', nodeId: 'wait', label: text('How easy was the wait?') }],
};
const bankTemplate: SurveyTemplate = {
  id: 'test-bank-branch',
  industry: 'bank',
  name: text('Branch visit'),
  description: text('After a branch visit'),
  survey: { ...lobby, id: 'template-placeholder' },
  questionBank: [],
};

let tables: Awaited<ReturnType<typeof useLocalTables>>;
let app: ReturnType<typeof createApi>;
let catalogTable: ReturnType<typeof dynamoCatalogStore>;
let doc: ReturnType<typeof documentClient>;

function apiOn(catalog: ReturnType<typeof dynamoCatalogStore>) {
  return createApi({
    catalog: cachedCatalog(catalog),
    responses: dynamoResponseStore(doc, tables.names.responses),
    aggregates: dynamoAggregateStore(doc, tables.names.aggregates),
    tickets: dynamoTicketStore(doc, tables.names.tickets),
    queue: { send: async () => {} },
    clock,
    auth: { mode: 'token', adminToken: ADMIN_TOKEN },
    publicForms: { origins: { publicOrigins: [], allowedOrigins: [] }, limits: defaultFormLimits },
    templates: [bankTemplate],
  });
}

const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.request(path, { method, headers: adminHeaders(), ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, any> };
};
const answer = (answers: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  call('POST', '/api/v1/responses', { surveyId: 'lobby', unitId: 'sh-bund', answers, ...extra });

beforeAll(async () => {
  tables = await useLocalTables('surveys');
  doc = documentClient(tables.endpoint);
  catalogTable = dynamoCatalogStore(doc, tables.names.catalog);
  app = apiOn(catalogTable);
});

describe('an empty catalog', () => {
  it('answers 409 setup_required, saying what to create first, on every route that needs the organisation', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/v1/metrics'],
      ['GET', '/api/v1/surveys'],
      ['GET', '/api/v1/surveys/lobby'],
      ['GET', '/api/v1/loop-metrics'],
      ['GET', '/api/v1/alert-rules'],
      ['POST', '/api/v1/responses', { surveyId: 'lobby', answers: { nps: 9 } }],
    ] as const) {
      const res = await call(method, path, body);
      expect(res.status, path).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'setup_required', issues: [] });
      expect(res.body.error.message).toContain('PUT /api/v1/organisation');
    }
  });

  it('serves the survey JSON Schema without a token, generated from the zod schema', async () => {
    const res = await app.request('/api/v1/schemas/survey.json');
    expect(res.status).toBe(200);
    const schema = (await res.json()) as { $schema: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toMatch(/2020-12/);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['questions', 'indicatorTree', 'pages', 'endIf']));
    // Input side: fields with defaults (anonymous) may be left out.
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'questions']));
    expect(schema.required).not.toContain('anonymous');
  });

  it('sets up: after the organisation and units, the survey routes answer', async () => {
    await catalogTable.putOrganisation(demoOrganisation);
    await catalogTable.putUnits(demoUnits);
    const res = await call('GET', '/api/v1/surveys');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ surveys: [], drafts: [] });
  });
});

describe('creating surveys', () => {
  it('imports our JSON as a draft (201), refuses a taken id (409) and a bad definition (400 naming the field)', async () => {
    const created = await call('POST', '/api/v1/surveys', { id: 'lobby', definition: { ...lobby, id: undefined } });
    expect(created.status).toBe(201);
    expect(created.body.state).toMatchObject({ id: 'lobby', status: 'draft', liveVersion: null });
    expect(created.body.draft.questions.map((q: { id: string }) => q.id)).toEqual(['nps', 'welcome-csat', 'comment']);

    expect((await call('POST', '/api/v1/surveys', { id: 'lobby', definition: lobby })).body.error.code).toBe('conflict');
    const bad = await call('POST', '/api/v1/surveys', { id: 'other', definition: { ...lobby, id: 'other', questions: [{ ...lobby.questions[0]!, nodeId: 'nowhere' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toContainEqual({ path: 'definition.questions.0.nodeId', message: 'unknown indicator node "nowhere"' });
    const both = await call('POST', '/api/v1/surveys', { id: 'x', templateId: 'test-bank-branch', definition: lobby });
    expect(both.status).toBe(400);
  });

  it('creates a draft from a template of the bank, under the id given', async () => {
    const templates = await call('GET', '/api/v1/templates');
    expect(templates.body.templates.map((t: { id: string }) => t.id)).toEqual(['test-bank-branch']);
    const created = await call('POST', '/api/v1/surveys', { id: 'branch', templateId: 'test-bank-branch' });
    expect(created.status).toBe(201);
    expect(created.body.draft.id).toBe('branch');
    expect((await call('POST', '/api/v1/surveys', { id: 'b2', templateId: 'nope' })).body.error.issues[0].path).toBe('templateId');
  });

  it('lists a never-published survey among the drafts, and GET answers 404 pointing at its draft', async () => {
    const list = await call('GET', '/api/v1/surveys');
    expect(list.body.drafts.map((s: { id: string }) => s.id).sort()).toEqual(['branch', 'lobby']);
    const live = await call('GET', '/api/v1/surveys/lobby');
    expect(live.status).toBe(404);
    expect(live.body.error.message).toContain('/api/v1/surveys/lobby/draft');
    expect((await call('GET', '/api/v1/surveys/lobby/draft')).body.draft.id).toBe('lobby');
  });

  it('deletes a draft that never had responses', async () => {
    expect((await call('DELETE', '/api/v1/surveys/branch')).status).toBe(204);
    expect((await call('GET', '/api/v1/surveys/branch/draft')).status).toBe(404);
    expect((await call('DELETE', '/api/v1/surveys/branch')).status).toBe(404);
  });
});

describe('versions', () => {
  const v1Ids: string[] = [];
  const v2Ids: string[] = [];

  it('publishes v1: live, answerable, and every stored response carries surveyVersion', async () => {
    const published = await call('POST', '/api/v1/surveys/lobby/publish');
    expect(published).toEqual({ status: 200, body: { version: 1, status: 'live' } });
    // A retried publish with the draft unchanged mints no duplicate version.
    expect((await call('POST', '/api/v1/surveys/lobby/publish')).body).toEqual({ version: 1, status: 'live' });
    const live = await call('GET', '/api/v1/surveys/lobby');
    expect(live.body).toMatchObject({ id: 'lobby', version: 1, status: 'live' });

    const res = await answer({ nps: 9, 'welcome-csat': 4, comment: 'Warm welcome' });
    expect(res.status).toBe(201);
    v1Ids.push(res.body.id);
    const stored = await dynamoResponseStore(doc, tables.names.responses).get(res.body.id);
    expect(stored?.surveyVersion).toBe(1);
  });

  it('refuses to delete a survey that has responses: close it instead', async () => {
    const res = await call('DELETE', '/api/v1/surveys/lobby');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict' });
    expect(res.body.error.message).toContain('close it instead');
  });

  it('refuses an incompatible v2 with the field named, when the draft is saved and on publish, and publishes nothing', async () => {
    const live = (await call('GET', '/api/v1/surveys/lobby/draft')).body.draft;
    const reused = { ...lobby, questions: [lobby.questions[0]!, { id: 'welcome-csat', type: 'ces', nodeId: 'wait', label: text('Reused id') }] };
    const refused = await call('PUT', '/api/v1/surveys/lobby/draft', reused);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
    expect(refused.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['questions.1.type']);

    const mixed = { ...lobby, questions: [lobby.questions[0]!, { id: 'welcome-effort', type: 'ces', nodeId: 'welcome', label: text('Mixed scale') }] };
    const refusedMix = await call('PUT', '/api/v1/surveys/lobby/draft', mixed);
    expect(refusedMix.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['questions.1.nodeId']);
    // The draft is unchanged, so publishing it again mints nothing new.
    expect((await call('GET', '/api/v1/surveys/lobby/draft')).body.draft).toEqual(live);
    expect((await call('POST', '/api/v1/surveys/lobby/publish')).body.version).toBe(1);
    expect((await call('GET', '/api/v1/surveys/lobby/versions')).body.versions.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it('refuses a draft whose id is another survey’s, naming the field', async () => {
    const res = await call('PUT', '/api/v1/surveys/lobby/draft', { ...lobby, id: 'elsewhere' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'id', message: 'must be "lobby", the survey this draft belongs to' }]);
  });

  it('publishes v2 (a question dropped, one added); the very next response uses it; a v1 page still submits within 24 h', async () => {
    expect((await call('PUT', '/api/v1/surveys/lobby/draft', lobbyV2)).status).toBe(200);
    clock.advance(HOUR);
    expect((await call('POST', '/api/v1/surveys/lobby/publish')).body).toEqual({ version: 2, status: 'live' });

    // Read-your-writes: the app's cached catalog sees v2 on the very next request.
    const v2 = await answer({ nps: 10, 'welcome-csat': 5, 'wait-ces': 6 });
    expect(v2.status).toBe(201);
    v2Ids.push(v2.body.id);
    expect(await answer({ nps: 8, comment: 'the v1 question' }).then((r) => r.body.error.issues[0].path)).toBe('answers.comment');

    clock.advance(23 * HOUR);
    const v1Page = await answer({ nps: 6, 'welcome-csat': 2, comment: 'Opened before the publish' }, { surveyVersion: 1 });
    expect(v1Page.status).toBe(201);
    v1Ids.push(v1Page.body.id);

    const responses = dynamoResponseStore(doc, tables.names.responses);
    expect((await responses.get(v2Ids[0]!))?.surveyVersion).toBe(2);
    expect((await responses.get(v1Page.body.id))?.surveyVersion).toBe(1);
    expect((await responses.get(v1Page.body.id))?.answers).toEqual({ nps: 6, 'welcome-csat': 2, comment: 'Opened before the publish' });

    // More than a day after v2 went live, a v1 page is refused with the field named; an unknown version always is.
    clock.advance(2 * HOUR);
    const late = await answer({ nps: 6 }, { surveyVersion: 1 });
    expect(late.status).toBe(400);
    expect(late.body.error.issues[0]).toMatchObject({ path: 'surveyVersion', message: expect.stringMatching(/more than 24 hours ago/) });
    expect((await answer({ nps: 6 }, { surveyVersion: 7 })).body.error.issues[0].path).toBe('surveyVersion');
  });

  it('lists versions, fetches one with ?version=N, and lists live surveys with version and status', async () => {
    const versions = await call('GET', '/api/v1/surveys/lobby/versions');
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const v1 = await call('GET', '/api/v1/surveys/lobby?version=1');
    expect(v1.body).toMatchObject({ version: 1, status: 'live' });
    expect(v1.body.questions.map((q: { id: string }) => q.id)).toContain('comment');
    expect((await call('GET', '/api/v1/surveys/lobby?version=9')).status).toBe(404);
    const list = await call('GET', '/api/v1/surveys');
    expect(list.body.surveys).toEqual([expect.objectContaining({ id: 'lobby', version: 2, status: 'live' })]);
  });

  it('counts answers to v1 and v2 alike in the counters of the nodes they share', async () => {
    const responses = dynamoResponseStore(doc, tables.names.responses);
    const stored = (await Promise.all([...v1Ids, ...v2Ids].map((id) => responses.get(id)))) as StoredResponse[];
    const records: DynamoDBRecord[] = stored.map((r, i) => ({
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: String(i + 1), NewImage: marshall(r, { removeUndefinedValues: true }) as never },
    }));
    const counted = await countResponses(records, { catalog: cachedCatalog(catalogTable), aggregates: dynamoAggregateStore(doc, tables.names.aggregates) });
    expect(counted.batchItemFailures).toEqual([]);
    const metrics = await call('GET', '/api/v1/metrics?surveyId=lobby&from=2026-03-01&to=2026-03-04');
    expect(metrics.status).toBe(200);
    expect(metrics.body.total).toMatchObject({ count: 3, promoters: 2, detractors: 1 });
    expect(metrics.body.nodes.find((n: { nodeId: string }) => n.nodeId === 'welcome')).toMatchObject({ count: 3 });
  });
});

describe('closing and scheduling', () => {
  it('closes: the API answers 409 survey_closed and the form a 409 page; reopen takes answers again', async () => {
    expect((await call('POST', '/api/v1/surveys/lobby/close')).body).toMatchObject({ status: 'closed', liveVersion: 2 });
    const closed = await answer({ nps: 9 });
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatchObject({ code: 'survey_closed', issues: [{ path: 'surveyId', message: 'closed' }] });
    const form = await app.request('/s/lobby', { method: 'POST', body: new URLSearchParams({ lang: 'en', unit: 'sh-bund', q_nps: '9' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(409);
    expect(await form.text()).toContain('data-outcome="closed"');

    // Publishing while closed keeps it closed.
    await call('PUT', '/api/v1/surveys/lobby/draft', { ...lobbyV2, title: text('Lobby visit, spring') });
    expect((await call('POST', '/api/v1/surveys/lobby/publish')).body).toEqual({ version: 3, status: 'closed' });

    expect((await call('POST', '/api/v1/surveys/lobby/reopen')).body).toMatchObject({ status: 'live', liveVersion: 3 });
    expect((await answer({ nps: 9 })).status).toBe(201);
  });

  it('takes answers only between opensAt and closesAt, and refuses a schedule that ends before it starts', async () => {
    const backwards = await call('PUT', '/api/v1/surveys/lobby/schedule', { opensAt: '2026-04-02T00:00:00Z', closesAt: '2026-04-01T00:00:00Z' });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.issues[0].path).toBe('closesAt');
    expect((await call('PUT', '/api/v1/surveys/lobby/schedule', { opensAt: 'tomorrow' })).body.error.issues[0].path).toBe('opensAt');

    const now = clock.now().getTime();
    const schedule = { opensAt: new Date(now + HOUR).toISOString(), closesAt: new Date(now + 3 * HOUR).toISOString() };
    expect((await call('PUT', '/api/v1/surveys/lobby/schedule', schedule)).body).toMatchObject(schedule);
    expect((await answer({ nps: 9 })).body.error.code).toBe('survey_closed');
    clock.advance(2 * HOUR);
    expect((await answer({ nps: 9 })).status).toBe(201);
    clock.advance(2 * HOUR);
    expect((await answer({ nps: 9 })).body.error.message).toContain('closesAt');

    const cleared = await call('PUT', '/api/v1/surveys/lobby/schedule', {});
    expect(cleared.body.opensAt).toBeUndefined();
    expect((await answer({ nps: 9 })).status).toBe(201);
  });
});

describe('the catalog load', () => {
  it('gets live surveys and every state from the state partition; versions by key', async () => {
    const catalog = await catalogTable.load();
    expect(catalog.surveys.map((s) => [s.id, s.version])).toEqual([['lobby', 3]]);
    expect(catalog.surveyStates.lobby).toMatchObject({ status: 'live', liveVersion: 3, hasResponses: true });
    expect((await catalogTable.surveyVersion('lobby', 1))?.questions.map((q) => q.id)).toEqual(['nps', 'welcome-csat', 'comment']);
    expect(await catalogTable.surveyVersion('lobby', 4)).toBeUndefined();
  });

  it('numbers a survey created again under a deleted one’s id on after the old versions (cached versions stay true)', async () => {
    await call('POST', '/api/v1/surveys', { id: 'again', definition: { ...lobby, id: 'again' } });
    expect((await call('POST', '/api/v1/surveys/again/publish')).body.version).toBe(1);
    expect((await call('DELETE', '/api/v1/surveys/again')).status).toBe(204);
    await call('POST', '/api/v1/surveys', { id: 'again', definition: { ...lobbyV2, id: 'again' } });
    expect((await call('POST', '/api/v1/surveys/again/publish')).body.version).toBe(2);
    expect((await call('GET', '/api/v1/surveys/again/versions')).body.versions.map((v: { version: number }) => v.version)).toEqual([2]);
    // The deleted survey's version 1 is not a version of this one: not served, and not answered.
    expect((await call('GET', '/api/v1/surveys/again?version=1')).status).toBe(404);
    const old = await call('POST', '/api/v1/responses', { surveyId: 'again', surveyVersion: 1, unitId: 'sh-bund', answers: { nps: 4 } });
    expect(old.status).toBe(400);
    expect(old.body.error.issues[0].path).toBe('surveyVersion');
  });

  it('refuses ids that are names of built-in properties (constructor, toString, …) for surveys, questions and units', async () => {
    for (const id of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const survey = await call('POST', '/api/v1/surveys', { id, definition: { ...lobby, id } });
      expect(survey.status, id).toBe(400);
      const question = await call('POST', '/api/v1/surveys', { id: 'reserved-q', definition: { ...lobby, id: 'reserved-q', questions: lobby.questions.map((q, i) => (i === 0 ? { ...q, id } : q)) } });
      expect(question.status, id).toBe(400);
      expect(JSON.stringify(question.body)).toContain('reserved');
      const unit = await call('PUT', `/api/v1/org/units/${id}`, { parentId: 'hq', kind: 'store', name: { zh: '店', en: 'Store', ru: 'Магазин' } });
      expect(unit.status, id).toBe(400);
    }
    expect((await call('GET', '/api/v1/surveys/constructor')).body.error.message).toBe('No survey "constructor".');
  });
});
