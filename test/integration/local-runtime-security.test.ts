// Nothing of the local runtime is reachable beyond this machine unless HOST says so (and then only the HTTP server),
// and its data dir is readable by its owner only: it holds respondents' names, phones and e-mails.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress, listeningSockets, processTree } from '../support/processes.ts';
import { killRuntimeChild, startRuntimeChild, type RuntimeChild } from '../support/runtime-child.ts';

const TOKEN = 'security-admin-token-0123456789';
/** Java, the tables and the dashboard build take seconds; on a busy machine, a minute or more. */
const startTimeout = 180_000;
const scratch = await mkdtemp(join(tmpdir(), 'opencem-security-'));
const children: RuntimeChild[] = [];
afterAll(async () => {
  for (const child of children) killRuntimeChild(child);
  await rm(scratch, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<RuntimeChild> {
  const child = await startRuntimeChild({ OPENCEM_ADMIN_TOKEN: TOKEN, ...env });
  children.push(child);
  return child;
}

/** Every listening socket of the runtime and its descendants (the java child among them), with who holds it. */
function sockets(child: RuntimeChild) {
  const tree = processTree(child.pid);
  expect(tree.length).toBeGreaterThan(1); // java is there
  return listeningSockets(tree);
}

async function stopped(child: RuntimeChild) {
  child.process.kill('SIGTERM');
  expect((await child.exited).code).toBe(0);
}

/** Every entry under the directory, with its permission bits. */
async function modes(directory: string): Promise<{ path: string; kind: 'dir' | 'file'; mode: number }[]> {
  const found: { path: string; kind: 'dir' | 'file'; mode: number }[] = [];
  const pending = [directory];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    const info = await stat(current);
    found.push({ path: current, kind: info.isDirectory() ? 'dir' : 'file', mode: info.mode & 0o777 });
    if (info.isDirectory()) for (const name of await readdir(current)) pending.push(join(current, name));
  }
  return found;
}

describe('the local runtime on default settings', () => {
  it('listens on loopback only (HTTP server, queues and DynamoDB Local) and keeps its data dir owner-only', async () => {
    const dataDir = join(scratch, 'data');
    const child = await start({ OPENCEM_DATA_DIR: dataDir });
    try {
      const listening = sockets(child);
      // The HTTP server, the local SQS endpoint and DynamoDB Local at least.
      expect(listening.length).toBeGreaterThanOrEqual(3);
      expect(listening.map((s) => s.port)).toContain(child.port);
      expect(listening.filter((s) => s.pid !== child.pid).length).toBeGreaterThanOrEqual(1); // java's
      expect(listening.filter((s) => !isLoopbackAddress(s.address))).toEqual([]);

      // Something to store: a response with a name and a phone, written to the database file and through the stream
      // consumers' checkpoints.
      const stored = await fetch(`${child.url}/api/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ surveyId: 'hotel-stay', unitId: 'sh-bund', respondent: { name: '周女士', phone: '+8613800138000' }, answers: { nps: 9 } }),
      });
      expect(stored.status).toBe(201);
    } finally {
      await stopped(child);
    }
    const entries = await modes(dataDir);
    expect(entries.map((e) => e.path)).toEqual(expect.arrayContaining([dataDir, join(dataDir, 'dynamodb'), join(dataDir, 'dynamodb', 'shared-local-instance.db')]));
    expect(entries.filter((e) => e.mode !== (e.kind === 'dir' ? 0o700 : 0o600))).toEqual([]);
  }, startTimeout);

  it('narrows a data dir that an older version left world-readable', async () => {
    const { chmod, mkdir, writeFile } = await import('node:fs/promises');
    const dataDir = join(scratch, 'old');
    await mkdir(join(dataDir, 'dynamodb'), { recursive: true, mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(join(dataDir, 'admin-token'), `${TOKEN}\n`, { mode: 0o644 });
    await writeFile(join(dataDir, 'aggregate-checkpoints.json'), '{}', { mode: 0o644 });
    // Not ours: OPENCEM_DATA_DIR may point at a directory that holds other things too.
    const foreign = join(dataDir, 'notes.txt');
    await writeFile(foreign, 'mine', { mode: 0o644 });
    const child = await startRuntimeChild({ OPENCEM_DATA_DIR: dataDir }); // the token comes from the file
    children.push(child);
    await stopped(child);
    const entries = await modes(dataDir);
    expect(entries.filter((e) => e.path !== foreign && e.mode !== (e.kind === 'dir' ? 0o700 : 0o600))).toEqual([]);
    expect(entries.find((e) => e.path === foreign)?.mode).toBe(0o644);
  }, startTimeout);
});

describe('HOST=0.0.0.0', () => {
  it('opens the HTTP server only: the queues and DynamoDB Local stay on loopback', async () => {
    const child = await start({ HOST: '0.0.0.0' });
    try {
      const listening = sockets(child);
      const open = listening.filter((s) => !isLoopbackAddress(s.address));
      expect(open).toEqual([{ pid: child.pid, address: '0.0.0.0', port: child.port }]);
      expect(listening.filter((s) => s.pid !== child.pid && !isLoopbackAddress(s.address))).toEqual([]);
      expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
    } finally {
      await stopped(child);
    }
  }, startTimeout);
});
