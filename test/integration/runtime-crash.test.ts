// kill -9 of the whole local runtime while detractors' ticket requests are queued: after a restart on the same data
// dir, every stored detractor has exactly one ticket and its alert notification, and no DynamoDB Local is left over.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../functions/local/dynamodb-local.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'runtime-crash-admin-token-0123';
const DETRACTORS = 60;
/**
 * SLA checks of tickets that no longer exist, queued ahead of the detractors: a busy queue, as under load. How long the
 * consumer takes to work through them depends on the machine, so a run whose kill came too late (every ticket already
 * open: nothing was queued to lose) is repeated on a fresh data dir with a longer backlog.
 */
const BACKLOGS = [1_500, 6_000, 24_000];


interface Child {
  process: ChildProcess;
  url: string;
  sqsEndpoint: string;
  ticketsQueueUrl: string;
  output: () => string;
  exited: Promise<void>;
}

const children: Child[] = [];
const javaPids = new Set<number>();
let dataDir = '';

afterAll(async () => {
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }
  for (const pid of javaPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  if (dataDir) await rm(path.dirname(dataDir), { recursive: true, force: true });
}, 30_000);

async function startRuntime(dir: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/runtime-crash-child.ts'), dir], {
    cwd: root,
    // The paging cap would roll most of these detractors into digests; this test counts one notification per detractor.
    env: { ...process.env, OPENCEM_ADMIN_TOKEN: TOKEN, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ALERT_NOTIFY_CAP: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await new Promise<{ url: string; sqsEndpoint: string; ticketsQueueUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the runtime did not start within 90 s:\n${output}`)), 90_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; sqsEndpoint: string; ticketsQueueUrl: string });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the runtime exited (${code ?? signal}) before it served:\n${output}`));
    });
  });
  const running: Child = { process: child, ...started, output: () => output, exited };
  children.push(running);
  const java = await dynamoPid(dir);
  if (java) javaPids.add(java);
  return running;
}

async function dynamoPid(dir: string): Promise<number | undefined> {
  const file = path.join(dir, 'dynamodb', 'dynamodb-local.pid');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(await readFile(file, 'utf8')) as { javaPid: number }).javaPid;
}

async function api<T>(url: string, route: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${url}${route}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Tickets by response id (every page). */
async function tickets(url: string): Promise<Map<string, number>> {
  const byResponse = new Map<string, number>();
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const query: string = `/api/v1/tickets?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body: { tickets: { responseId: string; ruleId: string }[]; nextCursor: string | null } = await api(url, query);
    for (const ticket of body.tickets) if (ticket.ruleId === 'detractor') byResponse.set(ticket.responseId, (byResponse.get(ticket.responseId) ?? 0) + 1);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return byResponse;
}

/** Alert notifications of the detractor rule, by response id. */
async function alerts(url: string): Promise<Map<string, number>> {
  const { entries } = await api<{ entries: { key: string }[] }>(url, '/api/v1/outbox');
  const byResponse = new Map<string, number>();
  for (const { key } of entries) {
    const [kind, responseId, ruleId] = key.split('#');
    if (kind === 'alert' && ruleId === 'detractor' && responseId) byResponse.set(responseId, (byResponse.get(responseId) ?? 0) + 1);
  }
  return byResponse;
}

const total = (counts: Map<string, number>) => [...counts.values()].reduce((sum, n) => sum + n, 0);

/**
 * Starts a runtime on a fresh data dir, queues `backlog` SLA checks, submits the detractors and kills the runtime
 * with SIGKILL once every detractor's manager was notified and the alerts consumer's stream checkpoint has moved past
 * them, while tickets are still missing: their requests wait in the tickets queue.
 */
async function crashWithTicketsQueued(dir: string, backlog: number) {
  const first = await startRuntime(dir);
  const firstJava = await dynamoPid(dir);
  expect(firstJava).toBeDefined();

  const sqs = new SQSClient({ endpoint: first.sqsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (let sent = 0; sent < backlog; sent += 10) {
    const Entries = Array.from({ length: 10 }, (_, i) => ({
      Id: `check-${i}`,
      MessageBody: JSON.stringify({ type: 'sla-check', ticketId: `gone-${sent + i}`, stage: 'acknowledge', dueAt: '2026-01-01T00:00:00.000Z' }),
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: first.ticketsQueueUrl, Entries }));
  }
  sqs.destroy();

  // Detractors from several hotels, sent quickly; each opens a ticket and notifies a manager.
  const units = ['sh-bund', 'hz-westlake', 'gz-tianhe'];
  const submitted: string[] = [];
  await Promise.all(
    Array.from({ length: 6 }, async (_, worker) => {
      for (let i = worker; i < DETRACTORS; i += 6) {
        const { id } = await api<{ id: string }>(first.url, '/api/v1/responses', {
          method: 'POST',
          body: JSON.stringify({ surveyId: 'hotel-stay', unitId: units[i % units.length], answers: { nps: i % 7 } }),
        });
        submitted.push(id);
      }
    }),
  );
  expect(submitted).toHaveLength(DETRACTORS);

  // Kill once every detractor's manager was notified and the alerts consumer's stream checkpoint has moved past
  // them (it stays put for a while), while tickets are still missing: their requests wait in the tickets queue.
  const checkpointFile = path.join(dir, 'alerts-checkpoints.json');
  const checkpoint = async () => (existsSync(checkpointFile) ? await readFile(checkpointFile, 'utf8') : '');
  let notified = new Map<string, number>();
  let ticketed = new Map<string, number>();
  let last = { checkpoint: '', since: Date.now() };
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    [notified, ticketed] = await Promise.all([alerts(first.url), tickets(first.url)]);
    const now = await checkpoint();
    if (now !== last.checkpoint) last = { checkpoint: now, since: Date.now() };
    if (ticketed.size === DETRACTORS) break; // too late: nothing is queued any more
    if (notified.size === DETRACTORS && Date.now() - last.since >= 1_000) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  first.process.kill('SIGKILL');
  await first.exited;
  const missing = submitted.filter((id) => !ticketed.has(id)).length;
  return { firstJava, submitted, missing, checkpoint: await checkpoint() };
}

describe('kill -9 of the local runtime', () => {
  it('loses no ticket request: every stored detractor has one ticket and its notification after a restart', async () => {
    let crash: Awaited<ReturnType<typeof crashWithTicketsQueued>> | undefined;
    for (const backlog of BACKLOGS) {
      dataDir = path.join(await mkdtemp(path.join(tmpdir(), 'opencem-crash-')), 'data');
      crash = await crashWithTicketsQueued(dataDir, backlog);
      if (crash.missing > 0) break;
      await rm(path.dirname(dataDir), { recursive: true, force: true });
    }
    const { firstJava, submitted, missing } = crash!;
    expect(missing, 'the kill came while notified detractors had no ticket yet').toBeGreaterThan(0);
    expect(crash!.checkpoint, 'the alerts consumer had checkpointed').toMatch(/\d{10,}/);
    let ticketed: Map<string, number>;
    let notified: Map<string, number>;

    // The restart finds the dead run's DynamoDB Local and ends it before starting its own on the same files.
    const second = await startRuntime(dataDir);
    const resumed = Number(/resumed (\d+) message\(s\)/.exec(second.output())?.[1] ?? 0);
    expect(resumed, 'queued ticket requests and checks resumed from the journal').toBeGreaterThanOrEqual(missing);
    if (firstJava) expect(isAlive(firstJava)).toBe(false);

    // Idle: every detractor ticketed and notified, and it stays so (in-flight requests come back after their 60 s
    // visibility timeout, so this can take a minute).
    const settled = Date.now() + 120_000;
    while (Date.now() < settled) {
      [ticketed, notified] = await Promise.all([tickets(second.url), alerts(second.url)]);
      if (submitted.every((id) => ticketed.has(id) && notified.has(id))) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    [ticketed, notified] = await Promise.all([tickets(second.url), alerts(second.url)]);

    expect(submitted.filter((id) => ticketed.get(id) !== 1), 'detractors without exactly one ticket').toEqual([]);
    expect(total(ticketed)).toBe(DETRACTORS);
    expect(submitted.filter((id) => !notified.has(id)), 'detractors never notified').toEqual([]);
    // The kill comes after the alerts consumer went quiet, so no alert was between its outbox write and its sent mark.
    expect(submitted.filter((id) => notified.get(id) !== 1), 'detractors notified more than once').toEqual([]);

    // A graceful stop ends the second run's DynamoDB Local too.
    const secondJava = await dynamoPid(dataDir);
    second.process.kill('SIGTERM');
    await second.exited;
    expect(second.process.exitCode).toBe(0);
    if (secondJava) expect(isAlive(secondJava)).toBe(false);
  }, 420_000);
});
