// End to end in real Chromium against the local runtime: a guest answers on a phone without JavaScript,
// and the manager's dashboard counts the new response within seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startLocalRuntime, type Runtime } from '../../functions/local/runtime.ts';
import { browserAvailable, launchBrowser, screenshotPath } from '../support/browser.ts';

let runtime: Runtime;
let browser: Browser;

describe.skipIf(!browserAvailable)('respondent → dashboard in Chromium', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({ dataDir: null, port: 0, demo: true, demoResponseCount: 300, adminToken: 'e2e-admin-token-0123456789' });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('submits the demo survey on a 390×844 phone without JavaScript and sees the count go up by one', async () => {
    const dashboard = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await dashboard.goto(`${runtime.url}/#token=${runtime.adminToken}`);
    const count = dashboard.locator('[data-kpi="count"]');
    await expect.poll(async () => Number(await count.getAttribute('data-value')), { timeout: 15_000 }).toBeGreaterThan(0);
    const before = Number(await count.getAttribute('data-value'));
    await dashboard.screenshot({ path: await screenshotPath('dashboard-before'), fullPage: true });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false, locale: 'zh-CN' });
    const survey = await phone.newPage();
    const res = await survey.goto(`${runtime.url}/s/hotel-stay?unit=sh-bund&tp=checkout&lang=zh`);
    expect(res?.status()).toBe(200);
    expect(Number(res?.headers()['content-length'] ?? (await res?.body())?.length)).toBeLessThan(15 * 1024);
    // The scale answers are styled boxes over visually hidden radios: click the boxes, as a guest would.
    await survey.locator('#question-nps label:has(input[value="9"])').click();
    await survey.locator('#question-checkin-csat label:has(input[value="4"])').click();
    await survey.locator('#question-stay-csat label:has(input[value="5"])').click();
    await survey.locator('textarea[name="q_comment"]').fill('前台服务很热情');
    await survey.screenshot({ path: await screenshotPath('survey-phone-filled'), fullPage: true });
    await survey.locator('button[type="submit"]').click();
    await survey.waitForURL(/\/thanks/);
    expect(await survey.locator('[data-outcome="thanks"]').textContent()).toContain('感谢');
    await survey.screenshot({ path: await screenshotPath('survey-phone-thanks') });

    await expect.poll(async () => Number(await count.getAttribute('data-value')), { timeout: 10_000 }).toBe(before + 1);
    await dashboard.screenshot({ path: await screenshotPath('dashboard-after'), fullPage: true });
  }, 60_000);

  it('refuses answers that another site’s page makes the browser post', async () => {
    // Another site's page, served by the browser's own request routing (our pages carry a CSP whose form-action would
    // stop the post before it leaves the browser, so the attacker page must be one of its own).
    const page = await browser.newPage({ locale: 'en-US' });
    const attacker = 'http://attacker.example/';
    await page.route(attacker, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<form method="post" action="${runtime.url}/s/hotel-stay"><input name="lang" value="en"><input name="q_nps" value="10"><button>go</button></form>`,
      }),
    );
    await page.goto(attacker);
    const [response] = await Promise.all([page.waitForResponse(`${runtime.url}/s/hotel-stay`), page.click('button')]);
    expect(response.status()).toBe(403);
    expect(await page.locator('[data-outcome="crossOrigin"]').textContent()).toContain('only be sent from the survey page');
    await page.close();
  }, 30_000);
});
