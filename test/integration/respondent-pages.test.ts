// The respondent pages on DynamoDB Local: a survey with pages and display logic answered page by page the way a
// browser without JavaScript does (posting back the hidden fields each page carries), piped text escaped, the brand
// on the page and allowed by its policy, and the friendly pages for a survey not set up, closed or not open yet.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoAggregateStore } from '../../functions/aws/aggregate-store.ts';
import { dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { outboxFromEnv, ticketQueueFromEnv } from '../../functions/aws/from-env.ts';
import { dynamoResponseStore } from '../../functions/aws/response-store.ts';
import { dynamoTicketStore } from '../../functions/aws/ticket-store.ts';
import { createApi } from '../../functions/api/app.ts';
import { defaultFormLimits } from '../../functions/api/rate-limit.ts';
import { demoOrganisation, demoUnits } from '../../functions/local/demo.ts';
import { Survey, type SurveyInput, type SurveyState } from '../../functions/domain/survey.ts';
import type { CatalogStore, Clock } from '../../functions/ports.ts';
import { useLocalTables } from '../support/dynamo.ts';
import { ADMIN_TOKEN, setupSystem } from '../support/system.ts';

const text = (en: string, zh = en, ru = en) => ({ en, zh, ru });

/** Screening, then NPS, a follow-up only detractors get, and a detail page with a question only promoters get. */
const stayCheck: SurveyInput = {
  id: 'stay-check',
  title: text('Your stay at {unit.name}', '您在{unit.name}的入住', 'Ваше проживание: {unit.name}'),
  intro: text('A few questions from {organisation.name}.'),
  thanks: text('Thank you! You gave us {answer:nps}.', '谢谢！您给了我们 {answer:nps} 分。', 'Спасибо! Ваша оценка: {answer:nps}.'),
  locales: ['zh', 'en', 'ru'],
  defaultLocale: 'en',
  anonymous: true,
  indicatorTree: [
    { id: 'overall', parentId: null, label: text('Overall') },
    { id: 'stay', parentId: 'overall', label: text('Stay') },
  ],
  questions: [
    { id: 'stayed', type: 'single', nodeId: 'overall', required: true, label: text('Did you stay with us?'), options: [{ id: 'yes', label: text('Yes', '是', 'Да') }, { id: 'no', label: text('No', '否', 'Нет') }] },
    { id: 'nps', type: 'nps', nodeId: 'overall', required: true, label: text('How likely are you to recommend {unit.name}?') },
    {
      id: 'why-low',
      type: 'text',
      nodeId: 'overall',
      required: true,
      label: text('What went wrong?'),
      showIf: { match: 'all', conditions: [{ kind: 'score', questionId: 'nps', op: 'lte', value: 6 }] },
    },
    { id: 'stay-csat', type: 'csat', nodeId: 'stay', required: true, label: text('Your room, after “{answer:why-low}”?') },
    {
      id: 'best',
      type: 'single',
      nodeId: 'stay',
      label: text('What did you like best?'),
      options: [{ id: 'room', label: text('The room', '房间', 'Номер') }, { id: 'staff', label: text('The staff', '员工', 'Персонал') }],
      showIf: { match: 'all', conditions: [{ kind: 'npsCategory', questionId: 'nps', in: ['promoter'] }] },
    },
    { id: 'comment', type: 'text', nodeId: 'stay', label: text('Anything else about {answer:best}?') },
  ],
  pages: [
    { id: 'screen', questionIds: ['stayed'] },
    { id: 'overall', questionIds: ['nps'] },
    { id: 'low', questionIds: ['why-low'] },
    { id: 'detail', questionIds: ['stay-csat', 'best', 'comment'] },
  ],
  endIf: { match: 'any', conditions: [{ kind: 'choice', questionId: 'stayed', optionIds: ['no'] }] },
};

const brand = { primaryColor: '#0f766e', logoUrl: 'https://cdn.cloudstay.example/logo.svg', footer: text('Cloudstay Hotels · Privacy: we never share your answers', '云栖酒店集团 · 您的回答绝不外传', 'Cloudstay Hotels · Ваши ответы останутся у нас') };

type App = ReturnType<typeof createApi>;
let system: Awaited<ReturnType<typeof setupSystem>>;
let catalog: CatalogStore;
let app: App;

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
let ipCounter = 0;
/** A fresh client address per submission: these tests are about pages, not the rate limit. */
const fromIp = () => ({ requestContext: { http: { sourceIp: `203.0.113.${++ipCounter % 250}` } } });

/** Survey states the interim catalog store cannot hold yet (it serves every stored survey as version 1, live). */
let states: Record<string, SurveyState> = {};
/** An older published version, served by surveyVersion(id, 1) while the stored one counts as version 2. */
let olderVersion: Survey | undefined;

function appOn(store: CatalogStore, clock: Clock = { now: () => new Date() }): App {
  return createApi({
    catalog: store,
    responses: dynamoResponseStore(system.doc, system.names.responses),
    aggregates: dynamoAggregateStore(system.doc, system.names.aggregates),
    tickets: dynamoTicketStore(system.doc, system.names.tickets),
    queue: ticketQueueFromEnv(),
    outbox: outboxFromEnv(system.doc),
    clock,
    auth: { mode: 'token', adminToken: ADMIN_TOKEN },
    publicForms: { origins: { publicOrigins: [], allowedOrigins: [] }, limits: defaultFormLimits },
  });
}

/** The real DynamoDB catalog, with the lifecycle states and versions a test sets. */
function withLifecycle(store: CatalogStore): CatalogStore {
  return {
    ...store,
    async load() {
      const loaded = await store.load();
      const surveys = loaded.surveys.map((s) => (olderVersion && s.id === olderVersion.id ? { ...s, version: 2 } : s));
      return { ...loaded, surveys, surveyStates: { ...loaded.surveyStates, ...states } };
    },
    async surveyVersion(id, version) {
      if (olderVersion && id === olderVersion.id && version === 1) return { ...olderVersion, version: 1 };
      return store.surveyVersion(id, version);
    },
  };
}

beforeAll(async () => {
  system = await setupSystem();
  catalog = dynamoCatalogStore(system.doc, system.names.catalog);
  await catalog.putSurvey(Survey.parse(stayCheck));
  await catalog.putOrganisation({ ...demoOrganisation, brand });
  await catalog.putUnits([
    ...demoUnits,
    { id: 'evil', parentId: 'east', kind: 'store', name: text('<script>alert("unit")</script>') },
    { id: 'old-inn', parentId: 'east', kind: 'store', name: text('Old Inn'), archived: true },
  ]);
  app = appOn(withLifecycle(catalog));
});

const decode = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** The hidden fields a page's form carries, in order (repeated names kept), as a browser would post them. */
function hiddenFields(html: string): [string, string][] {
  return [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"/g)].map((m) => [decode(m[1]!), decode(m[2]!)]);
}

/** Submits a page the way a browser does: its hidden fields plus what the respondent filled in or pressed. */
async function submit(html: string, fields: Record<string, string | string[]>, path = '/s/stay-check') {
  const body = new URLSearchParams(hiddenFields(html));
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  const res = await app.request(path, { method: 'POST', body, headers: FORM }, fromIp());
  return { res, html: await res.text() };
}

const legends = (html: string) => [...html.matchAll(/<fieldset[^>]*id="question-([^"]+)"/g)].map((m) => m[1]);
const responseIdOf = (location: string | null) => new URL(location ?? '', 'http://x').searchParams.get('r') ?? '';
const stored = (id: string) => dynamoResponseStore(system.doc, system.names.responses).get(id);

describe('a survey with pages and logic, without JavaScript', () => {
  it('goes page by page, skips the page with nothing to show, and stores only the finished response', async () => {
    const before = await system.count('responses');
    const first = await app.request('/s/stay-check?unit=sh-bund&tp=checkout&lang=en');
    expect(first.status).toBe(200);
    let page = await first.text();
    expect(page).not.toContain('<script');
    expect(legends(page)).toEqual(['stayed']);
    expect(page).toContain('<p class="progress">1 / 3</p>');
    expect(page).toContain('name="v" value="1"');
    expect(page).toContain('name="page" value="0"');
    expect(page).toContain('A few questions from Cloudstay Hotels.');
    expect(page).toContain('>Next</button>');
    expect(page).toContain('hreflang="zh"');

    ({ html: page } = await submit(page, { q_stayed: 'yes' }));
    expect(legends(page)).toEqual(['nps']);
    expect(page).toContain('<p class="progress">2 / 3</p>');
    expect(page).toContain('name="q_stayed" value="yes"');
    expect(page).toContain('How likely are you to recommend Shanghai Bund?');
    expect(page).toContain('value="back"');
    // Switching language is a new GET that starts over, so only the first page offers it.
    expect(page).not.toContain('hreflang=');

    // A promoter: the detractors' page is skipped; a forged answer to its hidden question rides along and is dropped.
    ({ html: page } = await submit(page, { q_nps: '10', 'q_why-low': 'forged' }));
    expect(legends(page)).toEqual(['stay-csat', 'best', 'comment']);
    expect(page).toContain('<p class="progress">3 / 3</p>');
    expect(page).not.toContain('forged');
    expect(page).toContain('Your room, after “”?');
    expect(page).toContain('>Submit</button>');
    expect(await system.count('responses')).toBe(before);

    const done = await submit(page, { 'q_stay-csat': '4', q_best: 'staff', 'q_why-low': 'forged again' });
    expect(done.res.status).toBe(303);
    const response = await stored(responseIdOf(done.res.headers.get('location')));
    // why-low is required, but hidden for a promoter: not asked, not required, and never stored.
    expect(response?.answers).toEqual({ stayed: 'yes', nps: 10, 'stay-csat': 4, best: 'staff' });
    expect(response?.unitId).toBe('sh-bund');
    expect(response?.touchpoint).toBe('checkout');
    expect(response?.surveyVersion).toBe(1);
    expect(await system.count('responses')).toBe(before + 1);

    const thanks = await app.request(done.res.headers.get('location')!);
    expect(await thanks.text()).toContain('Thank you! You gave us 10.');
  });

  it('asks a detractor the follow-up, requires it only then, and keeps what was typed', async () => {
    let page = await (await app.request('/s/stay-check?unit=gz-tianhe&lang=en')).text();
    ({ html: page } = await submit(page, { q_stayed: 'yes' }));
    ({ html: page } = await submit(page, { q_nps: '3' }));
    expect(legends(page)).toEqual(['why-low']);
    expect(page).toContain('<p class="progress">3 / 4</p>');

    const missing = await submit(page, {});
    expect(missing.res.status).toBe(400);
    expect(missing.html).toContain('an answer is required');
    expect(legends(missing.html)).toEqual(['why-low']);

    ({ html: page } = await submit(missing.html, { 'q_why-low': 'Noisy <b>room</b> & cold' }));
    expect(legends(page)).toEqual(['stay-csat', 'comment']);
    // Piped, and escaped: the answer's markup is text on the page.
    expect(page).toContain('Your room, after “Noisy &lt;b&gt;room&lt;/b&gt; &amp; cold”?');
    const done = await submit(page, { 'q_stay-csat': '2', q_best: 'room' });
    expect(done.res.status).toBe(303);
    const response = await stored(responseIdOf(done.res.headers.get('location')));
    expect(response?.answers).toEqual({ stayed: 'yes', nps: 3, 'why-low': 'Noisy <b>room</b> & cold', 'stay-csat': 2 });
  });

  it('ends the survey early when the end rule holds, and stores what was answered', async () => {
    const before = await system.count('responses');
    const page = await (await app.request('/s/stay-check?unit=hz-westlake&lang=zh')).text();
    const done = await submit(page, { q_stayed: 'no' });
    expect(done.res.status).toBe(303);
    const response = await stored(responseIdOf(done.res.headers.get('location')));
    expect(response?.answers).toEqual({ stayed: 'no' });
    expect(response?.locale).toBe('zh');
    expect(await system.count('responses')).toBe(before + 1);
  });

  it('goes back a page without checking it, keeping every answer', async () => {
    let page = await (await app.request('/s/stay-check?unit=sh-bund&lang=en')).text();
    ({ html: page } = await submit(page, { q_stayed: 'yes' }));
    ({ html: page } = await submit(page, { q_nps: '9' }));
    expect(legends(page)).toEqual(['stay-csat', 'best', 'comment']);
    const back = await submit(page, { nav: 'back', q_best: 'room' });
    expect(back.res.status).toBe(200);
    expect(legends(back.html)).toEqual(['nps']);
    expect(back.html).toMatch(/value="9" checked/);
    expect(back.html).toContain('name="q_best" value="room"');
    // The main button comes first, so Enter in a field goes forward; Back needs no answers.
    expect(back.html.indexOf('>Next</button>')).toBeLessThan(back.html.indexOf('value="back"'));
    expect(back.html).toContain('formnovalidate');
  });

  it('re-checks the carried answers at the end: an edited hidden field reopens its page', async () => {
    const before = await system.count('responses');
    let page = await (await app.request('/s/stay-check?unit=sh-bund&lang=en')).text();
    ({ html: page } = await submit(page, { q_stayed: 'yes' }));
    ({ html: page } = await submit(page, { q_nps: '9' }));
    const tampered = page.replace('name="q_nps" value="9"', 'name="q_nps" value="11"');
    const res = await submit(tampered, { 'q_stay-csat': '5' });
    expect(res.res.status).toBe(400);
    expect(legends(res.html)).toEqual(['nps']);
    expect(res.html).toContain('must be from 0 to 10');
    expect(await system.count('responses')).toBe(before);
  });

  it('pipes the unit name escaped, and keeps a one-page survey on one page', async () => {
    const res = await app.request('/s/stay-check?unit=evil&lang=en');
    const page = await res.text();
    expect(page).not.toContain('<script');
    expect(page).toContain('Your stay at &lt;script&gt;alert(&quot;unit&quot;)&lt;/script&gt;');

    const hotel = await (await app.request('/s/hotel-stay?unit=sh-bund&lang=en')).text();
    expect(hotel).not.toContain('class="progress"');
    expect(hotel).toContain('name="page" value="0"');
    expect(hotel).toContain('>Submit</button>');
    expect(legends(hotel).length).toBeGreaterThan(5);
  });

  it('refuses a new link to an archived unit, as for an unknown one', async () => {
    const res = await app.request('/s/stay-check?unit=old-inn&lang=en');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('names a location we do not know');
  });
});

describe('the brand', () => {
  const sha256 = (css: string) => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;

  it.each(['/s/stay-check?lang=en', '/s/stay-check/thanks?lang=en', '/s/no-such-survey?lang=en'])('%s has the colour, the logo and the footer, allowed by its policy', async (path) => {
    const res = await app.request(path);
    const page = await res.text();
    const styles = [...page.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    expect(styles[0]).toContain('background:#0f766e');
    expect(styles[0]).not.toContain('#2563eb');
    expect(page).toContain('<img class="logo" src="https://cdn.cloudstay.example/logo.svg" alt="Cloudstay Hotels"');
    expect(page).toContain('<footer>Cloudstay Hotels · Privacy: we never share your answers</footer>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`style-src ${sha256(styles[0]!)}`);
    expect(csp).toContain("img-src 'self' data: https://cdn.cloudstay.example;");
    expect(csp).toContain("default-src 'none'");
  });

  it('speaks the page’s language in the footer and the logo’s alt text', async () => {
    const page = await (await app.request('/s/stay-check?lang=ru')).text();
    expect(page).toContain('alt="Гостиничная сеть Cloudstay"');
    expect(page).toContain('<footer>Cloudstay Hotels · Ваши ответы останутся у нас</footer>');
  });

  it('keeps a multi-page survey page within the survey page budget', async () => {
    let page = await (await app.request('/s/stay-check?unit=sh-bund&lang=zh')).text();
    ({ html: page } = await submit(page, { q_stayed: 'yes' }));
    ({ html: page } = await submit(page, { q_nps: '2' }));
    ({ html: page } = await submit(page, { 'q_why-low': '很吵'.repeat(500) }));
    expect(legends(page)).toEqual(['stay-csat', 'comment']);
    expect(Buffer.byteLength(page)).toBeLessThan(15 * 1024);
  });
});

describe('a survey answered across a publish', () => {
  it('renders the next page of the version the respondent started, and posts that version back', async () => {
    // The respondent opened version 1; version 2 (stored, live) renamed the NPS question.
    olderVersion = Survey.parse({ ...stayCheck, questions: stayCheck.questions.map((q) => (q.id === 'nps' ? { ...q, label: text('Version one: would you recommend us?') } : q)) });
    await catalog.putSurvey(Survey.parse({ ...stayCheck, questions: stayCheck.questions.map((q) => (q.id === 'nps' ? { ...q, label: text('Version two: recommend us?') } : q)) }));
    try {
      const fresh = await (await app.request('/s/stay-check?lang=en')).text();
      expect(fresh).toContain('name="v" value="2"');
      const body = new URLSearchParams({ lang: 'en', v: '1', page: '0', q_stayed: 'yes' });
      const res = await app.request('/s/stay-check', { method: 'POST', body, headers: FORM }, fromIp());
      const page = await res.text();
      expect(res.status).toBe(200);
      expect(page).toContain('Version one: would you recommend us?');
      expect(page).toContain('name="v" value="1"');
      // A version that does not exist is answered on the live one.
      const unknown = await app.request('/s/stay-check', { method: 'POST', body: new URLSearchParams({ lang: 'en', v: '77', page: '0', q_stayed: 'yes' }), headers: FORM }, fromIp());
      expect(await unknown.text()).toContain('Version two: recommend us?');
    } finally {
      olderVersion = undefined;
      await catalog.putSurvey(Survey.parse(stayCheck));
    }
  });
});

describe('friendly pages', () => {
  const now = Date.parse('2026-03-01T08:00:00Z');
  const clock = { now: () => new Date(now) };
  const state = (extra: Partial<SurveyState>): SurveyState => ({ id: 'stay-check', status: 'live', liveVersion: 1, updatedAt: '2026-01-01T00:00:00Z', ...extra });

  it.each([
    ['closed by hand', state({ status: 'closed' }), { en: 'This survey has closed', zh: '此问卷已结束', ru: 'Опрос завершён' }],
    ['after closesAt', state({ closesAt: '2026-03-01T07:59:59Z' }), { en: 'This survey has closed', zh: '此问卷已结束', ru: 'Опрос завершён' }],
    ['before opensAt', state({ opensAt: '2026-03-02T02:30:00Z' }), { en: 'It opens on March 2, 2026 at 10:30 AM GMT+8', zh: '将于 2026年3月2日 GMT+8 10:30 开放', ru: 'Он откроется 2 марта 2026 г. в 10:30 GMT+8' }],
  ] as const)('%s: 409 with a page that says so, and a post stores nothing', async (_name, surveyState, says) => {
    states = { 'stay-check': surveyState };
    try {
      const closedApp = appOn(withLifecycle(catalog), clock);
      for (const lang of ['en', 'zh', 'ru'] as const) {
        const res = await closedApp.request(`/s/stay-check?unit=sh-bund&lang=${lang}`);
        expect(res.status).toBe(409);
        const page = await res.text();
        expect(page).toContain(says[lang]);
        expect(page).not.toContain('<form');
      }
      const before = await system.count('responses');
      const post = await closedApp.request('/s/stay-check', { method: 'POST', body: new URLSearchParams({ lang: 'en', page: '0', q_stayed: 'no' }), headers: FORM }, fromIp());
      expect(post.status).toBe(409);
      expect(await system.count('responses')).toBe(before);
    } finally {
      states = {};
    }
  });

  it('opens on time', async () => {
    states = { 'stay-check': state({ opensAt: '2026-03-01T08:00:00Z', closesAt: '2026-03-01T08:00:01Z' }) };
    try {
      expect((await appOn(withLifecycle(catalog), clock).request('/s/stay-check?lang=en')).status).toBe(200);
    } finally {
      states = {};
    }
  });

  it('says "not set up yet" on an empty catalog, never a 500', async () => {
    const empty = await useLocalTables('empty');
    const emptyApp = appOn(dynamoCatalogStore(system.doc, empty.names.catalog));
    const cases: [string, RequestInit | undefined, string, string][] = [
      ['/s/anything?lang=en', undefined, 'en', 'not available yet'],
      ['/s/anything', { headers: { 'accept-language': 'ru-RU,ru;q=0.9' } }, 'ru', 'Опрос пока недоступен'],
      ['/s/anything?lang=zh', { method: 'POST', body: new URLSearchParams({ q_nps: '3' }), headers: FORM }, 'zh', '问卷系统还在设置中'],
      ['/s/anything/thanks?lang=en&r=x', undefined, 'en', 'not available yet'],
      ['/s/anything/thanks', { method: 'POST', body: new URLSearchParams({ lang: 'en', r: 'x' }), headers: FORM }, 'en', 'not available yet'],
      ['/s/anything', { method: 'POST', body: 'not a form', headers: { 'content-type': 'text/plain' } }, 'en', 'not available yet'],
    ];
    for (const [path, init, lang, says] of cases) {
      const res = await emptyApp.request(path, init, fromIp());
      expect(res.status, path).toBe(404);
      const page = await res.text();
      expect(page).toContain(says);
      expect(page).toContain(`lang="${lang === 'zh' ? 'zh-CN' : lang}"`);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
  });

  it('says not found for a survey that was never published', async () => {
    const res = await app.request('/s/never-published?lang=en');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('This survey does not exist.');
  });
});
