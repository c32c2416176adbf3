// End to end in real Chromium against a runtime started empty (OPENCEM_DEMO=0): the dashboard explains how to set
// OpenCEM up instead of showing errors or empty charts, follows a setup in progress step by step, and then offers
// only what a manager may pick (no archived unit, no draft; closed surveys marked).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { documentClient } from '../../functions/aws/dynamodb.ts';
import { demoOrganisation, demoSurveys, demoUnits } from '../../functions/local/demo.ts';
import { startLocalRuntime, type Runtime } from '../../functions/local/runtime.ts';
import { commonEnv } from '../../functions/topology.ts';
import { browserAvailable, launchBrowser, screenshotPath } from '../support/browser.ts';

let runtime: Runtime;
let browser: Browser;
const TOKEN = 'empty-start-e2e-admin-token-0123';
const headers = { authorization: `Bearer ${TOKEN}` };

/**
 * A setup step through the API, as an organisation would take it; while a route is not on this build yet (the API
 * answers "No route for …"), the same write straight into the catalog store.
 */
async function step(method: string, path: string, body: string | object, contentType: string, fallback: () => Promise<void>): Promise<void> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { ...headers, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (res.status === 404) {
    const answer = (await res.json()) as { error?: { message?: string } };
    if (answer.error?.message?.startsWith('No route')) return fallback();
    throw new Error(`${method} ${path}: 404 ${JSON.stringify(answer)}`);
  }
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

const catalog = () => dynamoCatalogStore(documentClient(process.env[commonEnv.dynamodbEndpoint]), process.env.TABLE_CATALOG ?? '');

// RFC 4180 quoting: the Russian names have commas ("Шанхай, Бунд").
const csvField = (value = '') => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const unitsCsv = [
  'id,parentId,kind,name_zh,name_en,name_ru',
  ...demoUnits.map((u) => [u.id, u.parentId ?? '', u.kind, u.name.zh, u.name.en, u.name.ru].map(csvField).join(',')),
].join('\n');

async function recheck(page: Page, stage: string | null): Promise<void> {
  await page.locator('#setup-recheck').click();
  if (stage) await page.locator(`#setup-panel[data-stage="${stage}"]`).waitFor({ timeout: 15_000 });
  else await page.locator('#dashboard').waitFor({ state: 'visible', timeout: 15_000 });
}

describe.skipIf(!browserAvailable)('empty start in Chromium', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({ dataDir: null, port: 0, demo: false, adminToken: TOKEN });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('answers 409 setup_required and shows the setup steps on a 390×844 phone, in zh, en and ru, on both views', async () => {
    expect(runtime.setup).toEqual({ missing: 'organisation', surveys: [] });
    const api = await fetch(`${runtime.url}/api/v1/org/units`, { headers });
    expect(api.status).toBe(409);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('setup_required');

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const failed: string[] = [];
    page.on('pageerror', (error) => failed.push(error.message));
    await page.goto(`${runtime.url}/?lang=en#token=${TOKEN}`);
    const panel = page.locator('#setup-panel[data-stage="organisation"]');
    await panel.waitFor({ timeout: 15_000 });
    expect(await page.locator('#setup-title').textContent()).toBe('OpenCEM is not set up yet');
    expect(await panel.locator('li[data-step="organisation"]').getAttribute('aria-current')).toBe('step');
    expect(await panel.locator('li[data-done="true"]').count()).toBe(0);
    expect(await panel.locator('.setup-call').allTextContents()).toEqual([
      'PUT /api/v1/organisation',
      'POST /api/v1/org/units/import',
      'GET /api/v1/templates',
      'POST /api/v1/surveys {"id", "templateId"}',
      'POST /api/v1/surveys/:id/publish',
    ]);
    expect(await panel.locator('.setup-csv').textContent()).toMatch(/^id,parentId,kind,name_zh,name_en,name_ru\n/);
    // No charts, no filters, no error banner: only the explanation.
    expect(await page.locator('#dashboard').isVisible()).toBe(false);
    expect(await page.locator('#filters').isVisible()).toBe(false);
    expect(await page.locator('#status-banner').isVisible()).toBe(false);
    expect(await page.locator('#setup-detail').textContent()).toMatch(/^The API says: .*organisation/);
    const docs = await page.locator('#setup-docs').getAttribute('href');
    expect(docs).toBe('/api/docs');
    expect((await fetch(`${runtime.url}${docs}`)).status).toBe(200);
    // Nothing on the page is wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: await screenshotPath('empty-start-phone'), fullPage: true });

    await page.locator('[data-locale="zh"]').click();
    expect(await page.locator('#setup-title').textContent()).toBe('OpenCEM 尚未完成设置');
    expect(await page.locator('#setup-recheck').textContent()).toBe('重新检查');
    await page.screenshot({ path: await screenshotPath('empty-start-phone-zh'), fullPage: true });
    await page.locator('[data-locale="ru"]').click();
    expect(await page.locator('#setup-title').textContent()).toBe('OpenCEM ещё не настроен');
    expect(await page.locator('li[data-step="units"] h3').textContent()).toContain('Загрузите подразделения');

    // The ticket board (e.g. a link from a notification) says the same.
    await page.goto(`${runtime.url}/?view=tickets&lang=en`);
    await panel.waitFor({ timeout: 15_000 });
    expect(await page.locator('#tickets-view').isVisible()).toBe(false);
    expect(await page.locator('#view-switch [data-view="tickets"]').getAttribute('aria-current')).toBe('page');
    expect(failed).toEqual([]);
    await page.close();
  }, 60_000);

  it('follows the setup step by step, then offers no archived unit and no draft, and marks a closed survey', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    await page.goto(`${runtime.url}/?lang=en#token=${TOKEN}`);
    await page.locator('#setup-panel[data-stage="organisation"]').waitFor({ timeout: 15_000 });

    await step('PUT', '/api/v1/organisation', demoOrganisation, 'application/json', () => catalog().putOrganisation(demoOrganisation));
    await recheck(page, 'units');
    expect(await page.locator('li[data-step="organisation"]').getAttribute('data-done')).toBe('true');
    expect(await page.locator('li[data-step="units"]').getAttribute('aria-current')).toBe('step');
    expect(await page.locator('#org-name').textContent()).toBe('Cloudstay Hotels');

    // Units, one of them archived afterwards: it is not counted as one to rate.
    await step('POST', '/api/v1/org/units/import', unitsCsv, 'text/csv', () => catalog().putUnits(demoUnits));
    await step('DELETE', '/api/v1/org/units/sz-bay', '', 'application/json', () =>
      catalog().putUnits(demoUnits.filter((u) => u.id === 'sz-bay').map((u) => ({ ...u, archived: true }))),
    );
    await recheck(page, 'survey');
    expect(await page.locator('#setup-title').textContent()).toBe('No survey published yet');
    expect(await page.locator('#setup-lead').textContent()).toContain('its 6 units are in place');
    await page.screenshot({ path: await screenshotPath('empty-start-no-survey'), fullPage: true });

    // A draft alone (the listing's new shape) is still "no survey published yet", and the panel names it.
    const survey = demoSurveys[0];
    if (!survey) throw new Error('no demo survey');
    const { version: _version, ...definition } = survey;
    await page.route(
      (url) => url.pathname === '/api/v1/surveys',
      (route) => route.fulfill({ json: { surveys: [{ ...definition, status: 'draft', version: 0 }] } }),
    );
    await recheck(page, 'survey');
    expect(await page.locator('#setup-drafts').textContent()).toBe('Drafts waiting to be published: hotel-stay');
    await page.unrouteAll();

    await step('POST', '/api/v1/surveys', { id: survey.id, definition }, 'application/json', () => catalog().putSurvey(definition));
    await step('POST', `/api/v1/surveys/${survey.id}/publish`, {}, 'application/json', async () => {});
    await recheck(page, null);
    expect(await page.locator('#setup-panel').isVisible()).toBe(false);
    // The first answer of the metrics is in: zero responses, said in words, no error.
    await page.locator('#live-status[data-live="true"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-kpi="count"]').getAttribute('data-value')).toBe('0');
    expect(await page.locator('#empty-notice').isVisible()).toBe(true);
    expect(await page.locator('#status-banner').isVisible()).toBe(false);
    const unitIds = await page.locator('#unit-select option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(unitIds.slice(0, 2)).toEqual(['hq', 'east']); // tree order; siblings in the API's order
    expect([...unitIds].sort()).toEqual(['east', 'gz-tianhe', 'hq', 'hz-westlake', 'sh-bund', 'south']);
    expect(await page.locator('#survey-select option').allTextContents()).toEqual(['All surveys', 'How was your stay?']);

    // The listing's new shape: a closed survey is offered, marked; a draft is not.
    await page.route(
      (url) => url.pathname === '/api/v1/surveys',
      async (route) => {
        const live = (await (await route.fetch()).json()) as { surveys: object[] };
        const closed = live.surveys.map((s) => ({ ...s, status: 'closed', version: 2 }));
        route.fulfill({ json: { surveys: [...closed, { ...definition, id: 'next-survey', status: 'draft', version: 0 }] } });
      },
    );
    // Already on the archived hotel (a bookmark): its history stays, marked; it is ranked with its peers, without a link.
    await page.goto(`${runtime.url}/?lang=en&unit=sz-bay`);
    await page.locator('#ranking-body [data-unit-id="sz-bay"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('#survey-select option').allTextContents()).toEqual(['All surveys', 'How was your stay? (closed)']);
    expect(await page.locator('#unit-select').inputValue()).toBe('sz-bay');
    expect((await page.locator('#unit-select option[value="sz-bay"]').textContent())?.trim()).toBe('Shenzhen Bay (archived)');
    expect(await page.locator('#ranking-body [data-unit-id="sz-bay"] [data-survey-link]').isHidden()).toBe(true);
    // A closed survey gets no "open survey" links at all.
    expect(await page.locator('#ranking-body [data-unit-id="gz-tianhe"] [data-survey-link]').isHidden()).toBe(true);
    await page.screenshot({ path: await screenshotPath('empty-start-set-up'), fullPage: true });

    // Once another unit is chosen, the archived one leaves the picker.
    await page.locator('#unit-select').selectOption('gz-tianhe');
    await expect.poll(async () => page.locator('#unit-select option[value="sz-bay"]').count(), { timeout: 5_000 }).toBe(0);
    await page.close();
  }, 90_000);
});
