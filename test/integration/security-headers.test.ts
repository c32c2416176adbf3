// Security headers: every page carries a Content-Security-Policy; survey pages may be framed only by the origins in
// SURVEY_FRAME_ANCESTORS, the dashboard, the API reference and the JSON API by nobody; pages run no inline script.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_POLICY, surveyFrameAncestorsFromEnv, surveyPagePolicy } from '../../functions/api/content-security.ts';
import { dashboardHeaders } from '../../functions/local/dashboard-headers.ts';
import { adminHeaders, setupSystem } from '../support/system.ts';

const INTERCEPT_ORIGINS = 'https://www.hotel.example https://*.booking.example';

let system: Awaited<ReturnType<typeof setupSystem>>;
beforeAll(async () => {
  // Read by the api handler module when setupSystem loads it, as at a Lambda cold start.
  process.env.SURVEY_FRAME_ANCESTORS = INTERCEPT_ORIGINS;
  system = await setupSystem();
});

/** The directives of a policy, by name. */
function directives(policy: string | null): Map<string, string[]> {
  expect(policy, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    (policy ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name as string, values]),
  );
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('survey pages', () => {
  const pages: [string, RequestInit?][] = [
    ['/s/hotel-stay?lang=en'],
    ['/s/hotel-stay/thanks?lang=en'],
    ['/s/no-such-survey'],
    ['/s/hotel-stay', { method: 'POST', body: new URLSearchParams({ lang: 'en' }) }],
    ['/s/hotel-stay/thanks', { method: 'POST', body: new URLSearchParams({ r: 'x' }) }],
  ];

  it.each(pages)('%s may be framed only by the intercept origins and runs no script', async (path, init) => {
    const res = await system.app.request(path, init);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(['https://www.hotel.example', 'https://*.booking.example']);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.has('script-src')).toBe(false); // falls back to default-src 'none'
    expect(csp.get('form-action')).toEqual(["'self'"]);
    // X-Frame-Options cannot name origins; a framable page must not send it.
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('allows exactly the page’s own inline stylesheet, by hash', async () => {
    const page = await (await system.app.request('/s/hotel-stay?lang=en')).text();
    const styles = [...page.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => m[1] as string);
    expect(styles).toHaveLength(1);
    const res = await system.app.request('/s/hotel-stay?lang=en');
    expect(directives(res.headers.get('content-security-policy')).get('style-src')).toEqual([sha256(styles[0] as string)]);
    expect(page).not.toContain('<script');
    expect(page).not.toMatch(/\sstyle="/);
  });

  it('is framable by nobody when no intercept origins are configured', () => {
    const csp = directives(surveyPagePolicy(surveyFrameAncestorsFromEnv({})));
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('refuses a setting that is not a list of origins, naming it', () => {
    for (const value of ["'unsafe-inline'", 'https://ok.example javascript:alert(1)', 'https://a.example/path', '*']) {
      expect(() => surveyFrameAncestorsFromEnv({ SURVEY_FRAME_ANCESTORS: value }), value).toThrow(/SURVEY_FRAME_ANCESTORS/);
    }
    expect(surveyFrameAncestorsFromEnv({ SURVEY_FRAME_ANCESTORS: ' https://a.example  http://localhost:8080 ' })).toEqual(['https://a.example', 'http://localhost:8080']);
  });
});

describe('the API reference and the JSON API', () => {
  it('/api/docs cannot be framed and allows only its own stylesheet', async () => {
    const res = await system.app.request('/api/docs');
    const page = await res.text();
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    const style = /<style>([^<]*)<\/style>/.exec(page)?.[1] ?? '';
    expect(csp.get('style-src')).toEqual([sha256(style)]);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it.each(['/healthz', '/api/openapi.json', '/api/v1/surveys', '/api/v1/metrics?from=bad', '/nowhere'])('%s carries the locked-down policy', async (path) => {
    const res = await system.app.request(path, { headers: adminHeaders() });
    expect(res.headers.get('content-security-policy')).toBe(API_POLICY);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('the dashboard served by the local runtime', () => {
  const site = new Hono();
  site.use('*', dashboardHeaders());
  site.get('/', (c) => c.html('<!doctype html><title>OpenCEM</title>'));
  site.get('/api/thing', (c) => {
    c.header('Content-Security-Policy', "default-src 'none'");
    return c.json({});
  });

  it('cannot be framed and loads scripts from its own origin only', async () => {
    const res = await site.request('/');
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('leaves the API’s own policy alone', async () => {
    expect((await site.request('/api/thing')).headers.get('content-security-policy')).toBe("default-src 'none'");
  });
});
