// The dashboard build: the boss view downloads only its own code; the admin console (and the survey schema it checks
// drafts with) comes in a chunk fetched when an admin view opens.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, type BuildResult } from '../../web/build.ts';

let outDir: string;
let result: BuildResult;

describe('dashboard build', () => {
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'opencem-build-'));
    result = await buildDashboard({ outDir });
  }, 60_000);
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('keeps the admin console out of the boss view and loads it by dynamic import', async () => {
    const { boss, admin } = result.bundles;
    expect(boss.files).toContain('app.js');
    expect(admin.files.length).toBeGreaterThan(0);
    expect(admin.files.some((name) => boss.files.includes(name))).toBe(false);
    const bossCode = (await Promise.all(boss.files.map((name) => readFile(path.join(outDir, name), 'utf8')))).join('\n');
    const adminCode = (await Promise.all(admin.files.map((name) => readFile(path.join(outDir, name), 'utf8')))).join('\n');
    // An element id only the console draws, and a message only the survey schema carries.
    expect(adminCode).toContain('console-view');
    expect(bossCode).not.toContain('console-view');
    expect(bossCode).not.toContain('needs exactly one root');
    const app = await readFile(path.join(outDir, 'app.js'), 'utf8');
    const consoleChunk = admin.files.find((name) => name.startsWith('chunks/console-'));
    expect(consoleChunk).toBeDefined();
    expect(app).toMatch(new RegExp(`import\\(\\s*["'][^"']*${path.basename(consoleChunk!).replace('.', '\\.')}["']\\s*\\)`));
  });

  it('reports every script it writes, with gzip sizes', () => {
    const names = result.files.map((file) => file.name);
    for (const name of [...result.bundles.boss.files, ...result.bundles.admin.files]) expect(names).toContain(name);
    for (const file of result.files) expect(file.gzipBytes).toBeLessThanOrEqual(file.bytes + 64);
  });
});
