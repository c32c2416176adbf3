// End to end in real Chromium: a detractor's ticket appears on the manager's board, and acknowledging it from the UI
// changes its state and history — in the UI and behind the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ticketIdFor } from '../../functions/domain/tickets.ts';
import { startLocalRuntime, type Runtime } from '../../functions/local/runtime.ts';
import { browserAvailable, launchBrowser, screenshotPath } from '../support/browser.ts';

let runtime: Runtime;
let browser: Browser;
const TOKEN = 'board-e2e-admin-token-01234';

describe.skipIf(!browserAvailable)('ticket board in Chromium', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({ dataDir: null, port: 0, demo: true, demoResponseCount: 0, adminToken: TOKEN });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await runtime?.stop();
  });

  it('lists the new ticket and acknowledges it from the panel', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const res = await fetch(`${runtime.url}/api/v1/responses`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ surveyId: 'hotel-stay', unitId: 'gz-tianhe', answers: { nps: 2, comment: '前台态度很差' } }),
    });
    const { id: responseId } = (await res.json()) as { id: string };
    const ticketId = ticketIdFor(responseId, 'detractor');

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${runtime.url}/?view=tickets&lang=en#token=${TOKEN}`);
    const row = page.locator(`#ticket-list [data-ticket-id="${ticketId}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getAttribute('data-state')).toBe('open');
    // The sensitive-word rule fired too: two tickets for one response, both on the board.
    await page.locator(`#ticket-list [data-ticket-id="${ticketIdFor(responseId, 'sensitive-words')}"]`).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: await screenshotPath('ticket-board'), fullPage: true });

    await row.click();
    const panel = page.locator(`#ticket-panel[data-open-ticket="${ticketId}"][data-loaded="true"]`);
    await panel.waitFor({ timeout: 10_000 });
    await panel.locator('button[data-action="acknowledge"]').click();
    await expect.poll(async () => page.locator('#ticket-panel').getAttribute('data-state'), { timeout: 10_000 }).toBe('acknowledged');
    await expect.poll(async () => page.locator('#ticket-history li[data-history-action="acknowledge"]').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('acknowledged');
    await page.screenshot({ path: await screenshotPath('ticket-acknowledged'), fullPage: true });

    const stored = (await (await fetch(`${runtime.url}/api/v1/tickets/${ticketId}`, { headers })).json()) as { state: string; history: { action: string; by: string }[] };
    expect(stored.state).toBe('acknowledged');
    expect(stored.history.map((h) => `${h.action}:${h.by}`)).toEqual(['created:system', 'acknowledge:admin']);
  }, 60_000);
});
