// An organisation sets itself up from nothing through the public API, as a new customer would: empty start →
// organisation → org units by CSV (a bad file first) → a survey from a template → draft with logic → publish →
// the respondent answers page by page without JavaScript → the answer is counted; then v2, close, and a rule that
// applies to the very next response.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredResponse } from '../../functions/ports.ts';
import { adminHeaders, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
let mapping: Awaited<ReturnType<typeof system.startAggregateMapping>>['mapping'];
beforeAll(async () => {
  system = await setupSystem({ seed: false });
  ({ mapping } = await system.startAggregateMapping());
});
afterAll(async () => {
  await mapping.stop();
});

const api = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  system.app.request(path, {
    method: init.method ?? 'GET',
    headers: adminHeaders(init.headers),
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });

const json = async <T = Record<string, unknown>>(res: Response): Promise<T> => (await res.json()) as T;

const UNITS_CSV = [
  '\uFEFFid,parentId,kind,name_zh,name_en,name_ru',
  'hq,,hq,总部,Head office,Головной офис',
  'north,hq,region,北区,North,Север',
  'south,hq,region,南区,South,Юг',
  'n-01,north,store,北一店,"North 01, Mall",Север 01',
  'n-02,north,store,北二店,North 02,Север 02',
  's-01,south,store,南一店,South 01,Юг 01',
].join('\r\n');

/** Hidden inputs and the radio/checkbox/textarea fields of the one survey form on a page. */
function formOf(html: string) {
  const hidden: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) hidden[match[1]!] = decodeEntities(match[2]!);
  const scales = new Map<string, string[]>();
  for (const match of html.matchAll(/<input type="(radio|checkbox)" name="(q_[^"]+)" value="([^"]*)"/g)) {
    const values = scales.get(match[2]!) ?? [];
    values.push(match[3]!);
    scales.set(match[2]!, values);
  }
  const texts = [...html.matchAll(/<textarea name="(q_[^"]+)"/g)].map((m) => m[1]!);
  return { hidden, scales, texts };
}

function decodeEntities(value: string): string {
  return value.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/**
 * Answers a survey page by page like a browser without JavaScript: each page's hidden fields go back as they came,
 * `choose` picks each question's answer (first value, lowest score … as the test wants).
 */
async function answerPageByPage(path: string, choose: (field: string, values: string[]) => string | undefined, firstPage?: string) {
  let res = firstPage === undefined ? await system.app.request(path) : new Response(firstPage);
  expect(res.status).toBe(200);
  const seen: string[][] = [];
  for (let page = 0; page < 10; page++) {
    const html = await res.text();
    const form = formOf(html);
    seen.push([...form.scales.keys(), ...form.texts]);
    const body = new URLSearchParams(form.hidden);
    for (const [field, values] of form.scales) {
      const value = choose(field, values);
      if (value !== undefined) body.append(field, value);
    }
    for (const field of form.texts) {
      const value = choose(field, []);
      if (value !== undefined) body.append(field, value);
    }
    res = await system.app.request(path.split('?')[0]!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: body.toString(),
    });
    if (res.status === 303) return { thanks: res.headers.get('location') ?? '', pages: seen };
    expect(res.status, await res.clone().text()).toBe(200);
  }
  throw new Error('the survey never finished');
}

async function countedTotal(surveyId: string, unitId = 'hq'): Promise<number> {
  await mapping.idle();
  const res = await api(`/api/v1/metrics?surveyId=${surveyId}&unitId=${unitId}`);
  expect(res.status).toBe(200);
  return (await json<{ total: { count: number } }>(res)).total.count;
}

describe('setting up from an empty start', () => {
  it('answers 409 setup_required on an empty catalog, saying what to create first, and the survey page says "not set up yet"', async () => {
    for (const path of ['/api/v1/metrics', '/api/v1/metrics/units', '/api/v1/loop-metrics', '/api/v1/alert-rules', '/api/v1/surveys', '/api/v1/org/units', '/api/v1/organisation']) {
      const res = await api(path);
      expect(res.status, path).toBe(409);
      const body = await json<{ error: { code: string; message: string } }>(res);
      expect(body.error.code).toBe('setup_required');
      expect(body.error.message).toMatch(/organisation/i);
    }
    // Authoring and recounting wait for the organisation too: not "no such survey".
    for (const [method, path, body] of [
      ['POST', '/api/v1/surveys', { id: 'early', templateId: 'hotel-stay' }],
      ['GET', '/api/v1/surveys/early/versions', undefined],
      ['PUT', '/api/v1/surveys/early/draft', {}],
      ['POST', '/api/v1/surveys/early/publish', undefined],
      ['POST', '/api/v1/admin/rebuilds', {}],
    ] as const) {
      const res = await api(path, { method, body });
      expect(res.status, `${method} ${path}`).toBe(409);
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe('setup_required');
    }
    const page = await system.app.request('/s/anything');
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.status).toBeLessThan(500);
    expect(await page.text()).not.toMatch(/internal|stack/i);
  });

  it('sets up the organisation, refuses a bad unit file naming row and column and changing nothing, then imports a good one', async () => {
    const organisation = {
      name: { zh: '优选零售', en: 'Acme Retail', ru: 'Акме Ритейл' },
      timeZone: 'Europe/Moscow',
      locales: ['zh', 'en', 'ru'],
      defaultLocale: 'en',
      brand: { primaryColor: '#0f766e' },
    };
    const badZone = await api('/api/v1/organisation', { method: 'PUT', body: { ...organisation, timeZone: 'Mars/Olympus' } });
    expect(badZone.status).toBe(400);
    expect(JSON.stringify(await badZone.json())).toContain('timeZone');
    const blank = await api('/api/v1/organisation', { method: 'PUT', body: { ...organisation, name: { ...organisation.name, ru: '   ' } } });
    expect(blank.status).toBe(400);
    expect(JSON.stringify(await blank.json())).toContain('name.ru');
    // The time zone is stored as IANA spells it, whatever case it was typed in.
    expect(await json(await api('/api/v1/organisation', { method: 'PUT', body: { ...organisation, timeZone: 'europe/moscow' } }))).toMatchObject({ timeZone: 'Europe/Moscow' });
    expect((await api('/api/v1/organisation', { method: 'PUT', body: organisation })).status).toBe(200);
    expect(await json(await api('/api/v1/organisation'))).toMatchObject({ timeZone: 'Europe/Moscow', defaultLocale: 'en' });
    // The next step is named while it is missing: the org units.
    for (const path of ['/api/v1/metrics', '/api/v1/loop-metrics']) {
      const noUnits = await api(path);
      expect(noUnits.status, path).toBe(409);
      expect((await json<{ error: { code: string; message: string } }>(noUnits)).error).toMatchObject({ code: 'setup_required', message: expect.stringContaining('/api/v1/org/units/import') });
    }

    const badCsv = [
      'id,parentId,kind,name_zh,name_en,name_ru',
      'hq,,hq,总部,Head office,Головной офис',
      'north,nowhere,region,北区,North,Север',
      'n-01,north,shop,北一店,North 01,Север 01',
      'hq,,hq,总部,Again,Снова',
    ].join('\n');
    const refused = await api('/api/v1/org/units/import', { method: 'POST', body: badCsv, headers: { 'content-type': 'text/csv' } });
    expect(refused.status).toBe(400);
    const { errors } = await json<{ errors: { row: number; column: string; message: string }[] }>(refused);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'parentId' }),
        expect.objectContaining({ row: 4, column: 'kind' }),
        expect.objectContaining({ row: 5, column: 'id' }),
      ]),
    );
    expect((await json<{ units: unknown[] }>(await api('/api/v1/org/units'))).units).toHaveLength(0);

    const preview = await api('/api/v1/org/units/import?dryRun=1', { method: 'POST', body: UNITS_CSV, headers: { 'content-type': 'text/csv' } });
    expect(await json(preview)).toMatchObject({ added: 6, renamed: 0, moved: 0, archived: 0, errors: [] });
    expect((await json<{ units: unknown[] }>(await api('/api/v1/org/units'))).units).toHaveLength(0);
    const imported = await api('/api/v1/org/units/import', { method: 'POST', body: UNITS_CSV, headers: { 'content-type': 'text/csv' } });
    expect(await json(imported)).toMatchObject({ added: 6, errors: [] });
    const { units } = await json<{ units: { id: string; parentId: string | null; name: Record<string, string> }[] }>(await api('/api/v1/org/units'));
    expect(units.find((u) => u.id === 'n-01')).toMatchObject({ parentId: 'north', name: { en: 'North 01, Mall' } });
  });

  let surveyId = 'store-visit';
  let followUp: { id: string; csatId: string } | undefined;

  it('creates a draft from a template, adds logic, publishes v1, and a respondent answers it page by page without JavaScript', async () => {
    const { templates } = await json<{ templates: { id: string; industry: string }[] }>(await api('/api/v1/templates'));
    expect(templates.map((t) => t.industry).sort()).toEqual(['bank', 'hotel', 'restaurant', 'retail', 'telecom']);
    const retail = templates.find((t) => t.industry === 'retail')!;
    const created = await api('/api/v1/surveys', { method: 'POST', body: { id: surveyId, templateId: retail.id } });
    expect(created.status).toBe(201);
    expect((await api('/api/v1/surveys', { method: 'POST', body: { id: surveyId, templateId: retail.id } })).status).toBe(409);

    const { draft } = await json<{ draft: { questions: { id: string; type: string; showIf?: unknown }[]; pages?: { id: string; questionIds: string[] }[] } }>(
      await api(`/api/v1/surveys/${surveyId}/draft`),
    );
    const withLogic = draft.questions.find((q) => q.showIf);
    expect(withLogic, 'the template has a logic follow-up').toBeDefined();
    const csat = JSON.stringify(withLogic!.showIf).match(/"questionId":"([^"]+)"/)?.[1];
    followUp = { id: withLogic!.id, csatId: csat! };

    // A condition on a question that does not exist is refused with the field named.
    const broken = structuredClone(draft) as typeof draft & { questions: { showIf?: unknown }[] };
    broken.questions[broken.questions.length - 1]!.showIf = { match: 'all', conditions: [{ kind: 'score', questionId: 'no-such-question', op: 'lte', value: 2 }] };
    const refused = await api(`/api/v1/surveys/${surveyId}/draft`, { method: 'PUT', body: broken });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain('showIf');

    expect((await api(`/api/v1/surveys/${surveyId}/draft`, { method: 'PUT', body: draft })).status).toBe(200);
    const published = await api(`/api/v1/surveys/${surveyId}/publish`, { method: 'POST' });
    expect(await json(published)).toMatchObject({ version: 1 });
    expect(await json(await api(`/api/v1/surveys/${surveyId}`))).toMatchObject({ version: 1, status: 'live' });

    // Low scores everywhere: the follow-up appears on a later page.
    const low = await answerPageByPage(`/s/${surveyId}?unit=n-01&lang=en`, (field, values) => (values.length ? values[0] : 'The queue at the till was long.'));
    expect(low.thanks).toContain('/thanks');
    expect(low.pages.flat()).toContain(`q_${followUp.id}`);
    // High scores: the follow-up never shows.
    const high = await answerPageByPage(`/s/${surveyId}?unit=n-02&lang=zh`, (field, values) => (values.length ? values[values.length - 1] : undefined));
    expect(high.pages.flat()).not.toContain(`q_${followUp.id}`);

    expect(await countedTotal(surveyId)).toBe(2);
    expect(await countedTotal(surveyId, 'north')).toBe(2);
    expect(await countedTotal(surveyId, 'south')).toBe(0);
  });

  it('publishes v2 and counts answers to v1 (from a page opened before) and to v2 together', async () => {
    const { draft } = await json<{ draft: { questions: { id: string; type: string }[]; pages?: { id: string; questionIds: string[] }[] } }>(await api(`/api/v1/surveys/${surveyId}/draft`));
    const v1Page = await (await system.app.request(`/s/${surveyId}?unit=s-01&lang=ru`)).text();
    const dropped = draft.questions.find((q) => q.type === 'text')!;
    const v2 = { ...draft, questions: draft.questions.filter((q) => q.id !== dropped.id), pages: draft.pages?.map((p) => ({ ...p, questionIds: p.questionIds.filter((id) => id !== dropped.id) })).filter((p) => p.questionIds.length) };
    expect((await api(`/api/v1/surveys/${surveyId}/draft`, { method: 'PUT', body: v2 })).status).toBe(200);
    expect(await json(await api(`/api/v1/surveys/${surveyId}/publish`, { method: 'POST' }))).toMatchObject({ version: 2 });
    expect((await json<{ versions: { version: number }[] }>(await api(`/api/v1/surveys/${surveyId}/versions`))).versions.map((v) => v.version).sort()).toEqual([1, 2]);

    // The page opened before the publish still carries v1, and its answers are accepted and counted.
    expect(formOf(v1Page).hidden.v).toBe('1');
    const v1Answer = await answerPageByPage(`/s/${surveyId}?unit=s-01&lang=ru`, (field, values) => (values.length ? values[values.length - 1] : 'Всё хорошо'), v1Page);
    expect(v1Answer.pages.flat()).toContain(`q_${dropped.id}`);
    const v2Answer = await answerPageByPage(`/s/${surveyId}?unit=s-01&lang=ru`, (field, values) => (values.length ? values[values.length - 1] : undefined));
    expect(v2Answer.pages.flat()).not.toContain(`q_${dropped.id}`);
    expect(await countedTotal(surveyId)).toBe(4);
    expect(await countedTotal(surveyId, 'south')).toBe(2);
  });

  it('closes the survey: a friendly page for respondents and 409 survey_closed for the API; reopening takes answers again', async () => {
    expect((await api(`/api/v1/surveys/${surveyId}/close`, { method: 'POST' })).status).toBe(200);
    const page = await system.app.request(`/s/${surveyId}?unit=n-01&lang=zh`);
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(await page.text()).not.toContain('<form method="post"');
    const refused = await api('/api/v1/responses', { method: 'POST', body: { surveyId, unitId: 'n-01', answers: {} } });
    expect(refused.status).toBe(409);
    expect((await json<{ error: { code: string } }>(refused)).error.code).toBe('survey_closed');
    expect((await api(`/api/v1/surveys/${surveyId}/reopen`, { method: 'POST' })).status).toBe(200);
    expect((await system.app.request(`/s/${surveyId}?unit=n-01&lang=zh`)).status).toBe(200);
    const deleted = await api(`/api/v1/surveys/${surveyId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(409);
  });

  it('applies a rule saved through the API to the very next response', async () => {
    const rule = {
      id: 'any-detractor',
      name: 'Any detractor',
      severity: 'high',
      conditions: [{ kind: 'score', questionType: 'nps', op: 'lte', value: 6 }],
      actions: { notify: true, ticket: { acknowledgeWithin: 'PT1H', resolveWithin: 'P1D' } },
    };
    const managers = [{ name: 'Southern region', email: 'south@acme.example', phone: '+74950000001', locale: 'en' }];
    expect((await api('/api/v1/org/units/south/managers', { method: 'PUT', body: { managers } })).status).toBe(200);
    expect((await api(`/api/v1/alert-rules/${rule.id}`, { method: 'PUT', body: rule })).status).toBe(200);
    const alerts = (await import('../../functions/alerts/handler.ts')) as { handler: (event: { Records: DynamoDBRecord[] }) => Promise<unknown> };
    const draft = await json<{ questions: { id: string; type: string; required?: boolean }[] }>(await api(`/api/v1/surveys/${surveyId}`));
    const nps = draft.questions.find((q) => q.type === 'nps')!;
    const answers: Record<string, number> = { [nps.id]: 2 };
    for (const q of draft.questions) if (q.required && q.id !== nps.id && (q.type === 'csat' || q.type === 'ces' || q.type === 'rating')) answers[q.id] = 3;
    const stored = await api('/api/v1/responses', { method: 'POST', body: { surveyId, unitId: 's-01', answers } });
    expect(stored.status, await stored.clone().text()).toBe(201);
    const { id } = await json<{ id: string }>(stored);
    const response = (await system.doc.send(new GetCommand({ TableName: system.names.responses, Key: { id } }))).Item as StoredResponse;
    const record: DynamoDBRecord = { eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall(response, { removeUndefinedValues: true }) as never } };
    await alerts.handler({ Records: [record] });
    const { entries } = await json<{ entries: { key: string; recipients: { email?: string }[] }[] }>(await api('/api/v1/outbox?limit=1000'));
    const sent = entries.find((e) => e.key === `alert#${id}#${rule.id}`);
    expect(sent?.recipients.map((r) => r.email)).toEqual(['south@acme.example']);
  });
});
