// The public contract of the HTTP API: health, OpenAPI, auth, catalog routes and the no-JavaScript survey page.
import { beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
beforeAll(async () => {
  system = await setupSystem();
});

describe('public routes', () => {
  it('answers /healthz', async () => {
    const res = await system.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('publishes an OpenAPI 3.1 document generated from the schemas, and a readable reference', async () => {
    const doc = (await (await system.app.request('/api/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/responses', '/api/v1/surveys', '/api/v1/surveys/{id}', '/api/v1/org/units', '/api/v1/metrics']),
    );
    const page = await system.app.request('/api/docs');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/api/v1/metrics');
  });

  it('refuses the admin API without a bearer token, with a JSON error', async () => {
    const res = await system.app.request('/api/v1/surveys');
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });
});

describe('admin catalog routes', () => {
  it('lists surveys with typed, localized questions tied to the indicator tree', async () => {
    const res = await system.app.request('/api/v1/surveys', { headers: adminHeaders() });
    const { surveys } = (await res.json()) as { surveys: { id: string; questions: { id: string; type: string; nodeId: string; label: Record<string, string> }[] }[] };
    const survey = surveys.find((s) => s.id === 'hotel-stay');
    expect(survey?.questions.find((q) => q.id === 'nps')).toMatchObject({ type: 'nps', nodeId: 'overall' });
    expect(Object.keys(survey?.questions[0]?.label ?? {}).sort()).toEqual(['en', 'ru', 'zh']);
    expect((await system.app.request('/api/v1/surveys/hotel-stay', { headers: adminHeaders() })).status).toBe(200);
    expect((await system.app.request('/api/v1/surveys/nope', { headers: adminHeaders() })).status).toBe(404);
  });

  it('returns the org tree', async () => {
    const { units, organisation } = (await (await system.app.request('/api/v1/org/units', { headers: adminHeaders() })).json()) as {
      units: { id: string; parentId: string | null }[];
      organisation: { timeZone: string };
    };
    expect(organisation.timeZone).toBe('Asia/Shanghai');
    expect(units.filter((u) => u.parentId === null).map((u) => u.id)).toEqual(['hq']);
    expect(units.filter((u) => u.parentId === 'east').map((u) => u.id).sort()).toEqual(['hz-westlake', 'sh-bund']);
  });
});

describe('the respondent survey page', () => {
  it('is server-rendered, small, and in the requested language', async () => {
    for (const [lang, phrase] of [['zh', '推荐'], ['en', 'recommend'], ['ru', 'порекомендуете']] as const) {
      const res = await system.app.request(`/s/hotel-stay?unit=sh-bund&tp=checkout&lang=${lang}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(phrase);
      expect(Buffer.byteLength(html)).toBeLessThan(15 * 1024);
      expect(html).not.toContain('<script');
      expect(html).toContain('name="unit" value="sh-bund"');
    }
  });

  it('accepts a plain form POST and redirects to a thank-you page', async () => {
    const before = await system.count('responses');
    const form = new URLSearchParams({ lang: 'en', unit: 'gz-tianhe', tp: 'checkout', q_nps: '4', 'q_checkin-csat': '2', q_comment: 'Rude staff at check-in' });
    const res = await system.app.request('/s/hotel-stay', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/s\/hotel-stay\/thanks\?lang=en&r=/);
    expect(await system.count('responses')).toBe(before + 1);
    const thanks = await system.app.request(res.headers.get('location')!);
    expect(await thanks.text()).toContain('Thank you');
  });

  it('re-renders the form with the field named and the answers kept when something is wrong', async () => {
    const before = await system.count('responses');
    const form = new URLSearchParams({ lang: 'en', unit: 'sh-bund', 'q_stay-csat': '5', q_comment: 'keep me' });
    const res = await system.app.request('/s/hotel-stay', { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('an answer is required');
    expect(html).toContain('keep me');
    expect(html).toMatch(/value="5" checked/);
    expect(await system.count('responses')).toBe(before);
  });

  it('lets a personal link answer only once', async () => {
    const form = () => new URLSearchParams({ lang: 'zh', unit: 'sh-bund', t: 'personal-token-page-0001', q_nps: '10' });
    const post = () => system.app.request('/s/hotel-stay', { method: 'POST', body: form(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect((await post()).status).toBe(303);
    const second = await post();
    expect(second.status).toBe(409);
    expect(await second.text()).toContain('已经提交');
  });

  it('says so when the survey does not exist', async () => {
    const res = await system.app.request('/s/no-such-survey?lang=ru');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Такого опроса нет');
  });
});
