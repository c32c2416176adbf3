// Real headless Chromium for end-to-end tests: found on the machine, or the tests are skipped loudly
// (and fail instead when REQUIRE_BROWSER=1, as in CI).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath = CANDIDATES.find((p): p is string => Boolean(p && existsSync(p)));

export const browserAvailable = Boolean(chromiumPath);

if (!chromiumPath) {
  const banner = '!'.repeat(78);
  const message = `${banner}\n!! Browser tests SKIPPED: no Chromium found (install it: apt-get install -y chromium fonts-wqy-microhei)\n${banner}`;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but no Chromium was found.\n${message}`);
  console.warn(message);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Flags for a sandboxed, offline CI machine: no sandbox as root, no background network chatter.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export const artifactsDir = path.resolve(import.meta.dirname, '..', '.artifacts');

export async function screenshotPath(name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  return path.join(artifactsDir, `${name}.png`);
}
