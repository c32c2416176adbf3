// The public survey form is as strict as the JSON API, refuses posts from other sites, and is rate limited without
// refusing a lobby tablet — against DynamoDB Local, with the real handler module and with an app on a manual clock.
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoAggregateStore } from '../../functions/aws/aggregate-store.ts';
import { cachedCatalog, dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { outboxFromEnv, ticketQueueFromEnv } from '../../functions/aws/from-env.ts';
import { dynamoResponseStore } from '../../functions/aws/response-store.ts';
import { dynamoTicketStore } from '../../functions/aws/ticket-store.ts';
import { createApi } from '../../functions/api/app.ts';
import type { FormOriginPolicy } from '../../functions/api/form-origin.ts';
import { defaultFormLimits, type FormLimitSettings } from '../../functions/api/rate-limit.ts';
import { demoSurveys } from '../../functions/local/demo.ts';
import type { Clock } from '../../functions/ports.ts';
import { ADMIN_TOKEN, adminHeaders, hotelAnswers, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
beforeAll(async () => {
  system = await setupSystem();
  // A second survey, to show that one survey's allowance is not another's.
  await dynamoCatalogStore(system.doc, system.names.catalog).putSurvey({ ...demoSurveys[0]!, id: 'lobby-visit' });
});

type App = { request(path: string, init?: RequestInit, env?: object): Response | Promise<Response> };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/** The Lambda event's source address, as hono/aws-lambda passes it in `c.env`. */
const fromIp = (ip: string) => ({ requestContext: { http: { sourceIp: ip } } });
let ipCounter = 0;
/** A fresh client address for each test, so tests do not share a client's allowance. */
const freshIp = () => `198.51.100.${++ipCounter}`;

function postForm(app: App, fields: Record<string, string | string[]>, options: { ip?: string; headers?: Record<string, string>; path?: string } = {}) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return app.request(options.path ?? '/s/hotel-stay', { method: 'POST', body, headers: { ...FORM, ...options.headers } }, fromIp(options.ip ?? freshIp()));
}
const promoter = { lang: 'en', unit: 'sh-bund', q_nps: '9' };

/** An app on the same tables whose clock and limits the test controls. */
function appWith(options: { clock?: Clock; limits?: Partial<FormLimitSettings>; origins?: Partial<FormOriginPolicy> } = {}) {
  return createApi({
    // Cached like the handler's (the catalog does not change under these tests).
    catalog: cachedCatalog(dynamoCatalogStore(system.doc, system.names.catalog)),
    responses: dynamoResponseStore(system.doc, system.names.responses),
    aggregates: dynamoAggregateStore(system.doc, system.names.aggregates),
    tickets: dynamoTicketStore(system.doc, system.names.tickets),
    queue: ticketQueueFromEnv(),
    outbox: outboxFromEnv(system.doc),
    clock: options.clock ?? { now: () => new Date() },
    auth: { mode: 'token', adminToken: ADMIN_TOKEN },
    publicForms: {
      origins: { publicOrigins: [], allowedOrigins: [], ...options.origins },
      limits: { ...defaultFormLimits, ...options.limits },
    },
  });
}

function manualClock(start = Date.parse('2026-03-01T08:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

// Each case: the same envelope sent to the JSON API and to the survey form (under the form's field names).
interface EnvelopeCase {
  name: string;
  api: Record<string, unknown>;
  form: Record<string, string | string[]>;
  path: string;
  /** What the form page says, in the form's language. */
  says: string;
  /** What GET /s/hotel-stay with the same link parameters does. */
  link: { query: string; status: 200 | 400; says?: string };
}
const long = 'x'.repeat(10_000);
const cases: EnvelopeCase[] = [
  {
    name: 't=abc (too short)',
    api: { token: 'abc' },
    form: { t: 'abc' },
    path: 'token',
    says: 'personal code is not valid',
    link: { query: 't=abc', status: 400, says: 'personal code is not valid' },
  },
  {
    name: '10,000-character t',
    api: { token: long },
    form: { t: long },
    path: 'token',
    says: 'personal code is not valid',
    link: { query: `token=${long}`, status: 400, says: 'personal code is not valid' },
  },
  {
    name: '10,000-character tp',
    api: { touchpoint: long },
    form: { tp: long },
    path: 'touchpoint',
    says: 'touchpoint',
    link: { query: `tp=${long}`, status: 200 },
  },
  {
    name: 'unknown unit',
    api: { unitId: 'atlantis' },
    form: { unit: 'atlantis' },
    path: 'unitId',
    says: 'location we do not know',
    link: { query: 'unit=atlantis', status: 400, says: 'location we do not know' },
  },
  {
    name: '10,000-character unit',
    api: { unitId: long },
    form: { unit: long },
    path: 'unitId',
    says: 'location we do not know',
    link: { query: `unit=${long}`, status: 400, says: 'location we do not know' },
  },
  {
    name: 'bad lang',
    api: { locale: 'xx' },
    form: { lang: 'xx' },
    path: 'locale',
    says: 'not offered in the chosen language',
    link: { query: 'lang=xx', status: 200 },
  },
  {
    name: '10,000-character lang',
    api: { locale: long },
    form: { lang: long },
    path: 'locale',
    says: 'not offered in the chosen language',
    link: { query: `lang=${long}`, status: 200 },
  },
];

describe('the survey form refuses what the API refuses', () => {
  it.each(cases)('$name', async ({ api, form, path, says, link }) => {
    const before = await system.count('responses');

    const viaApi = await system.app.request('/api/v1/responses', {
      method: 'POST',
      headers: adminHeaders(),
      body: JSON.stringify({ surveyId: 'hotel-stay', unitId: 'sh-bund', answers: hotelAnswers(9), ...api }),
    });
    expect(viaApi.status).toBe(400);
    expect(((await viaApi.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toContain(path);

    // English from the page's language, or from the browser's when the form's own `lang` is the bad part.
    const viaForm = await postForm(system.app, { ...promoter, ...form }, { headers: { 'accept-language': 'en' } });
    expect(viaForm.status).toBe(400);
    const page = await viaForm.text();
    expect(page).toContain(says);
    expect(page).not.toContain('<form'); // the respondent cannot fix a link by editing answers
    expect(await system.count('responses')).toBe(before);

    const query = new URLSearchParams({ unit: 'sh-bund', lang: 'en', ...Object.fromEntries(new URLSearchParams(link.query)) });
    const shown = await system.app.request(`/s/hotel-stay?${query}`, { headers: { 'accept-language': 'en' } });
    expect(shown.status).toBe(link.status);
    const html = await shown.text();
    if (link.says) {
      expect(html).toContain(link.says);
      expect(html).not.toContain('<form');
    } else {
      // The harmless part was dropped, so the form shown can be sent.
      expect(html).toContain('<form');
      expect(html).not.toContain(long);
    }
  });

  it('names the problem in the respondent’s language', async () => {
    const zh = await postForm(system.app, { ...promoter, lang: 'zh', t: 'abc' });
    expect(await zh.text()).toContain('个人识别码无效');
    const ru = await postForm(system.app, { ...promoter, lang: 'ru', unit: 'atlantis' });
    expect(await ru.text()).toContain('неизвестное нам место');
    const browserRu = await postForm(system.app, { ...promoter, lang: 'xx' }, { headers: { 'accept-language': 'ru-RU,ru;q=0.9' } });
    expect(await browserRu.text()).toContain('не проводится на выбранном языке');
  });

  it('refuses a link field given twice or sent as a file', async () => {
    expect((await postForm(system.app, { ...promoter, t: ['personal-token-aaaa', 'personal-token-bbbb'] })).status).toBe(400);
    const body = new FormData();
    body.append('lang', 'en');
    body.append('q_nps', '9');
    body.append('t', new File(['personal-token-cccc'], 't.txt'));
    const res = await system.app.request('/s/hotel-stay', { method: 'POST', body }, fromIp(freshIp()));
    expect(res.status).toBe(400);
  });

  it('still keeps a good link on the form, with the token spelled t or token', async () => {
    const html = await (await system.app.request('/s/hotel-stay?unit=sh-bund&tp=checkout&token=personal-token-page-0042&lang=en')).text();
    expect(html).toContain('name="unit" value="sh-bund"');
    expect(html).toContain('name="tp" value="checkout"');
    expect(html).toContain('name="t" value="personal-token-page-0042"');
    const res = await postForm(system.app, { ...promoter, tp: 'checkout', t: 'personal-token-page-0042' });
    expect(res.status).toBe(303);
  });

  it('re-renders the form with the answer issue named when only the answers are wrong', async () => {
    const res = await postForm(system.app, { lang: 'en', unit: 'sh-bund', tp: 'checkout', q_comment: 'keep me' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('an answer is required');
    expect(html).toContain('name="tp" value="checkout"');
  });
});

describe('posts from other sites', () => {
  const forged: { name: string; headers: Record<string, string> }[] = [
    { name: 'Origin of another site', headers: { origin: 'https://evil.example' } },
    { name: 'Origin "null" from a cross-site sandboxed frame', headers: { origin: 'null', 'sec-fetch-site': 'cross-site' } },
    { name: 'another port of the same host', headers: { origin: 'http://localhost:8080' } },
    { name: 'no Origin but Sec-Fetch-Site: cross-site', headers: { 'sec-fetch-site': 'cross-site' } },
  ];

  it.each(forged)('refuses the form post: $name', async ({ headers }) => {
    const before = await system.count('responses');
    const res = await postForm(system.app, { ...promoter, lang: 'zh' }, { headers });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('只能在问卷页面本身提交');
    expect(await system.count('responses')).toBe(before);
  });

  it('refuses a contact request posted from another site', async () => {
    const posted = await postForm(system.app, { lang: 'en', unit: 'sh-bund', q_nps: '2' });
    const responseId = new URL(posted.headers.get('location')!, 'http://localhost').searchParams.get('r')!;
    const consent = { r: responseId, lang: 'en', consent: 'yes', channel: 'sms' };
    const refused = await postForm(system.app, consent, { path: '/s/hotel-stay/thanks', headers: { origin: 'https://evil.example', 'accept-language': 'en-GB,en;q=0.8' } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('only be sent from the survey page');
    const stored = await dynamoResponseStore(system.doc, system.names.responses).get(responseId);
    expect(stored?.contactRequest).toBeUndefined();
    const accepted = await postForm(system.app, consent, { path: '/s/hotel-stay/thanks', headers: { origin: 'http://localhost' } });
    expect(accepted.status).toBe(200);
  });

  it('accepts the same origin, same-origin fetch metadata, and browsers that send neither', async () => {
    const honest: Record<string, string>[] = [
      { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
      // What Chromium sends for our own form: the page's Referrer-Policy: no-referrer turns Origin into "null".
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'same-origin' },
      {},
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of honest) {
      expect((await postForm(system.app, promoter, { headers })).status, JSON.stringify(headers)).toBe(303);
    }
  });

  it('accepts the configured public origin and web-intercept sites, and nothing else', async () => {
    const app = appWith({ origins: { publicOrigins: ['https://survey.hotel.example'], allowedOrigins: ['https://shop.example'] } });
    for (const origin of ['https://survey.hotel.example', 'https://shop.example', 'http://localhost']) {
      const res = await postForm(app, promoter, { headers: { origin, 'sec-fetch-site': 'cross-site' } });
      expect(res.status, origin).toBe(303);
    }
    for (const origin of ['https://evil.shop.example', 'http://shop.example', 'https://shop.example.evil']) {
      expect((await postForm(app, promoter, { headers: { origin } })).status, origin).toBe(403);
    }
  });

  it('never guards page views', async () => {
    const res = await system.app.request('/s/hotel-stay?lang=en', { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
  });
});

describe('rate limit on form submissions', () => {
  it('answers 429 with Retry-After and a friendly page after the anonymous burst, and refills with time', async () => {
    const clock = manualClock();
    const app = appWith({ clock });
    const ip = freshIp();
    const before = await system.count('responses');
    for (let i = 0; i < defaultFormLimits.RATE_ANON_BURST; i++) expect((await postForm(app, promoter, { ip })).status).toBe(303);
    const refused = await postForm(app, { ...promoter, lang: 'ru' }, { ip });
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get('retry-after'));
    // 30 per 10 minutes refills one every 20 s.
    expect(wait).toBe(20);
    const html = await refused.text();
    expect(html).toContain('слишком много ответов');
    expect(html).toContain('примерно через 1 мин.');
    expect(await system.count('responses')).toBe(before + defaultFormLimits.RATE_ANON_BURST);

    // Other clients, and the same client on another survey, are not affected.
    expect((await postForm(app, promoter, { ip: freshIp() })).status).toBe(303);
    expect((await postForm(app, promoter, { ip, path: '/s/lobby-visit' })).status).toBe(303);

    clock.advance(wait);
    expect((await postForm(app, promoter, { ip })).status).toBe(303);
    expect((await postForm(app, promoter, { ip })).status).toBe(429);
  });

  it('limits submissions with made-up personal tokens too, at a higher allowance', async () => {
    const clock = manualClock();
    const app = appWith({ clock });
    const ip = freshIp();
    let accepted = 0;
    for (let i = 0; i < 40; i++) {
      const res = await postForm(app, { ...promoter, t: `forged-token-${ip}-${i}` }, { ip });
      if (res.status === 303) accepted++;
      else expect(res.status).toBe(429);
    }
    expect(accepted).toBe(defaultFormLimits.RATE_PERSONAL_BURST);
    expect(defaultFormLimits.RATE_PERSONAL_BURST).toBeGreaterThan(defaultFormLimits.RATE_ANON_BURST);
  });

  it('caps one survey across all clients', async () => {
    const app = appWith({ clock: manualClock(), limits: { RATE_FORM_PER_SURVEY: 5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await postForm(app, promoter, { path: '/s/lobby-visit' })).status);
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429, 429]);
  });

  it('lets a hotel lobby tablet behind one address answer every 30 s for two hours, with a family in a row at the start', async () => {
    const clock = manualClock();
    const app = appWith({ clock });
    const ip = freshIp();
    const statuses = new Map<number, number>();
    const record = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    // Four guests one after another, 10 s apart.
    for (let i = 0; i < 4; i++) {
      record((await postForm(app, promoter, { ip })).status);
      clock.advance(10);
    }
    for (let i = 0; i < 240; i++) {
      clock.advance(30);
      record((await postForm(app, { ...promoter, lang: i % 2 ? 'zh' : 'ru' }, { ip })).status);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 303: 244 });
  }, 60_000);

  it('does not limit the authenticated JSON API (integrations post in bulk with a bearer token)', async () => {
    const app = appWith({ clock: manualClock(), limits: { RATE_FORM_PER_SURVEY: 1, RATE_ANON_BURST: 1 } });
    for (let i = 0; i < 5; i++) {
      const res = await app.request(
        '/api/v1/responses',
        { method: 'POST', headers: adminHeaders(), body: JSON.stringify({ surveyId: 'lobby-visit', unitId: 'sh-bund', answers: hotelAnswers(8) }) },
        fromIp('203.0.113.9'),
      );
      expect(res.status).toBe(201);
    }
  });
});
