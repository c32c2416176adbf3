// The whole system on one machine: DynamoDB Local, the tables from topology.ts, the same handler modules that run in
// Lambda (the api app over @hono/node-server, stream consumers fed by the event-source-mapping emulator), the static
// dashboard, and demo data on first start.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { serveStatic } from '@hono/node-server/serve-static';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Hono } from 'hono';
import { SetupRequiredError, systemClock, type StoredResponse } from '../ports.ts';
import { OrgTree } from '../domain/org.ts';
import { dynamoTicketStore } from '../aws/ticket-store.ts';
import { ticketQueueFromEnv } from '../aws/from-env.ts';
import { scheduleChecks } from '../tickets/handle-messages.ts';
import { dynamoCatalogStore } from '../aws/catalog-store.ts';
import { documentClient } from '../aws/dynamodb.ts';
import { commonEnv, functions, queueConsumers, queues, streamConsumers, tableEnv } from '../topology.ts';
import { demoResponses, putDemoCatalog } from './demo.ts';
import { restrictToOwner, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { dashboardHeaders } from './dashboard-headers.ts';
import { browserUrl, listenLocal, loopbackHost, type LocalHttpServer } from './http-server.ts';
import { fileCheckpoints, startStreamMapping, type StreamMapping } from './stream-mapping.ts';
import { startQueueMapping, type QueueHandler, type QueueMapping } from './queue-mapping.ts';
import { startLocalSqs, type LocalSqs } from './sqs-server.ts';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createTables, dynamoClient, localTableNames } from './tables.ts';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RuntimeOptions {
  /** Where data lives across restarts; null keeps everything in memory (tests, benchmarks). */
  dataDir: string | null;
  /** 0 picks a free port. */
  port: number;
  /**
   * Where the HTTP server listens (default 127.0.0.1: this machine only). Anything else exposes the admin API and
   * respondents' data to whoever can reach that address. DynamoDB Local and the queues always stay on 127.0.0.1.
   */
  host?: string;
  adminToken?: string | undefined;
  /** Seed the demo organisation and responses when the catalog is empty. */
  demo: boolean;
  demoResponseCount?: number;
  log?: (line: string) => void;
}

export interface Runtime {
  url: string;
  port: number;
  /** The address the HTTP server listens on. */
  host: string;
  adminToken: string;
  dataDir: string | null;
  /**
   * How far the organisation is set up: the first step still missing ('organisation', 'units', 'survey'), or null
   * when it takes answers; and the live surveys (a few), for the banner's links.
   */
  setup: { missing: 'organisation' | 'units' | 'survey' | null; surveys: string[] };
  /** Resolves when every stream consumer has processed all records written so far. */
  idle(): Promise<void>;
  /** The ordered shutdown of stopInOrder(); idempotent. */
  stop(): Promise<void>;
}

/** Upper bounds of the shutdown steps, so that stop() ends within a few seconds whatever clients or handlers do. */
export interface StopBounds {
  /** How long requests in flight may take to finish before their connections are closed (default 5 s). */
  drainMs: number;
  /** How long the consumers' running batches may take to finish (default 5 s). */
  consumersMs: number;
}

const defaultStopBounds: StopBounds = { drainMs: 5_000, consumersMs: 5_000 };

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

/**
 * What stop() takes down, filled in as start-up gets to each part. The order of stopInOrder() is the point: the
 * database goes last, so that nothing still running answers a request or handles a batch without it.
 */
export interface RunningParts {
  http?: Pick<LocalHttpServer, 'inFlight' | 'drain'>;
  /** Stream and queue consumers. */
  consumers: { name: string; stop(): Promise<void> }[];
  /** SDK clients the consumers use; destroyed once the consumers have stopped. */
  clients: { destroy(): void }[];
  queues?: Pick<LocalSqs, 'stop'>;
  database?: Pick<DynamoDbLocal, 'stop'>;
}

export async function startLocalRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? (() => {});
  const parts: RunningParts = { consumers: [], clients: [] };
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopInOrder(parts, log));
  try {
    if (options.dataDir) {
      // Owner-only: it holds respondents' names, phones and e-mails and the admin token. restrictToOwner() also fixes
      // data dirs made by older versions, whose files were world-readable.
      await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
      restrictToOwner(options.dataDir, isDataDirEntry);
    }
    const adminToken = options.adminToken ?? (await loadOrCreateToken(options.dataDir));

    log('starting DynamoDB Local (on 127.0.0.1 only)…');
    const dynamo = await startDynamoDbLocal({ dataDir: options.dataDir ? path.join(options.dataDir, 'dynamodb') : null, log });
    parts.database = dynamo;
    const names = localTableNames('opencem');
    const rawClient = dynamoClient(dynamo.endpoint);
    await createTables(rawClient, names);
    log(`tables ready: ${Object.values(names).join(', ')}`);

    // Queues with SQS semantics behind an SQS-compatible endpoint, so handlers use the ordinary SQS client.
    const sqs = await startLocalSqs({ queues, dataDir: options.dataDir ? path.join(options.dataDir, 'queues') : null, log });
    parts.queues = sqs;

    // The handler modules read their configuration from the environment, exactly as in Lambda.
    const host = options.host ?? loopbackHost;
    const port = options.port || (await freePort());
    const url = browserUrl(host, port);
    Object.assign(process.env, tableEnv(names), sqs.env(), {
      [commonEnv.dynamodbEndpoint]: dynamo.endpoint,
      [commonEnv.authMode]: 'token',
      [commonEnv.adminToken]: adminToken,
      [commonEnv.notifier]: 'outbox',
      [commonEnv.dashboardUrl]: url,
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    });

    const client = documentClient(dynamo.endpoint);
    const catalog = dynamoCatalogStore(client, names.catalog);
    const firstStart = await catalogIsEmpty(catalog);
    if (firstStart && options.demo) {
      await putDemoCatalog(catalog);
    }

    // Stream consumers, wired from topology.ts like the CDK stack wires event source mappings.
    const streams = new DynamoDBStreamsClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    parts.clients.push(streams);
    const mappings: StreamMapping[] = [];
    for (const [name, spec] of streamConsumers()) {
      const module = (await import(pathToFileURL(path.join(projectRoot, spec.entry)).href)) as { handler: StreamHandler };
      const failuresFile = options.dataDir ? path.join(options.dataDir, `${name}-failures.jsonl`) : null;
      const mapping = await startStreamMapping({
        name,
        dynamo: rawClient,
        streams,
        tableName: names[spec.trigger.table],
        trigger: spec.trigger,
        timeoutSeconds: spec.timeoutSeconds,
        handler: module.handler,
        ...(options.dataDir ? { checkpoint: fileCheckpoints(path.join(options.dataDir, `${name}-checkpoints.json`)) } : {}),
        onFailure: async (failure) => {
          log(`⚠ ${name}: ${failure.records.length} record(s) sent to the failure destination after ${failure.attempts} attempt(s): ${failure.reason}`);
          if (failuresFile) await appendFile(failuresFile, `${JSON.stringify({ at: new Date().toISOString(), ...failure })}\n`, { mode: 0o600 });
        },
        log,
      });
      mappings.push(mapping);
      parts.consumers.push({ name, stop: () => mapping.stop() });
    }
    const sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: sqs.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    parts.clients.push(sqsClient);
    const queueMappings: QueueMapping[] = [];
    for (const [name, spec] of queueConsumers()) {
      const module = (await import(pathToFileURL(path.join(projectRoot, spec.entry)).href)) as { handler: QueueHandler };
      const mapping = await startQueueMapping({
        name,
        sqs: sqsClient,
        queueUrl: sqs.queueUrl(spec.trigger.queue),
        trigger: spec.trigger,
        timeoutSeconds: spec.timeoutSeconds,
        handler: module.handler,
        log,
      });
      queueMappings.push(mapping);
      parts.consumers.push({ name, stop: () => mapping.stop() });
    }
    log(`consumers running: ${mappings.length} on table streams, ${queueMappings.length} on queues`);
    if (!firstStart && !sqs.resumed) await rescheduleSlaChecks(client, names.tickets, log);
    const idle = async () => {
      // Streams first: they feed the queues.
      await Promise.all(mappings.map((m) => m.idle()));
      await Promise.all(queueMappings.map((m) => m.idle()));
    };

    if (firstStart && options.demo) await seedDemoResponses(client, names.responses, options.demoResponseCount ?? 2000, log);

    const apiModule = (await import(pathToFileURL(path.join(projectRoot, functions.api.entry)).href)) as { app: Hono };
    const dashboardDir = await buildDashboardOnce(log);
    const site = new Hono();
    site.use('*', dashboardHeaders());
    site.get('/config.json', (c) => c.json({ apiBaseUrl: '', auth: { mode: 'token' } }));
    site.use('/*', serveStatic({ root: path.relative(process.cwd(), dashboardDir) || '.' }));
    site.all('*', (c) => apiModule.app.fetch(c.req.raw, c.env));

    parts.http = await listenLocal(site.fetch, { host, port });
    if (firstStart && options.demo) {
      log('counting demo responses into the dashboard aggregates…');
      await idle();
    }
    return { url, port, host, adminToken, dataDir: options.dataDir, setup: await setupProgress(catalog), idle, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Stops in the one order that answers no request and handles no batch with a dead dependency:
 * (1) the HTTP server stops accepting and drains (2) the consumers finish their running batch and checkpoint
 * (3) the queues (4) the database. Each wait is bounded, so the whole stop takes seconds whatever clients do.
 */
export async function stopInOrder(parts: RunningParts, log: (line: string) => void, bounds: StopBounds = defaultStopBounds): Promise<void> {
  const started = Date.now();
  const took: string[] = [];
  const step = async (name: string, work: () => Promise<void>) => {
    const at = Date.now();
    await work();
    took.push(`${name} ${((Date.now() - at) / 1000).toFixed(1)} s`);
  };
  const { http, queues, database } = parts;
  if (http) {
    log(`stopping: HTTP server (${http.inFlight()} request(s) in flight)…`);
    await step('HTTP', async () => {
      const { abandoned } = await http.drain(bounds.drainMs);
      if (abandoned > 0) log(`stopping: closed ${abandoned} request(s) still unfinished after ${bounds.drainMs / 1000} s`);
    });
  }
  if (parts.consumers.length > 0) {
    log(`stopping: consumers (${parts.consumers.map((consumer) => consumer.name).join(', ')})…`);
    await step('consumers', async () => {
      const late = await stopConsumers(parts.consumers, bounds.consumersMs, log);
      if (late.length > 0) log(`stopping: ${late.join(', ')} still busy after ${bounds.consumersMs / 1000} s; stopping the rest anyway`);
    });
  }
  for (const client of parts.clients) client.destroy();
  if (queues) {
    log('stopping: queues…');
    await step('queues', () => queues.stop());
  }
  if (database) {
    log('stopping: DynamoDB Local…');
    await step('DynamoDB Local', () => database.stop());
  }
  log(`stopped in ${((Date.now() - started) / 1000).toFixed(1)} s (${took.join(', ')})`);
}

/** Stops the consumers, waiting up to `timeoutMs`; returns the names of those still busy then. */
async function stopConsumers(consumers: RunningParts['consumers'], timeoutMs: number, log: (line: string) => void): Promise<string[]> {
  const busy = new Set(consumers.map((consumer) => consumer.name));
  const stopped = Promise.all(
    consumers.map(async (consumer) => {
      try {
        await consumer.stop();
      } catch (error) {
        log(`stopping: ${consumer.name} failed to stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
      }
      busy.delete(consumer.name);
    }),
  );
  const timer = new AbortController();
  await Promise.race([stopped, sleep(timeoutMs, undefined, { signal: timer.signal }).catch(() => {})]);
  timer.abort();
  return [...busy];
}

/** What the runtime keeps in its data dir (OPENCEM_DATA_DIR may point at a directory that holds other things too). */
function isDataDirEntry(name: string): boolean {
  return ['dynamodb', 'queues', 'admin-token'].includes(name) || /-(checkpoints\.json|failures\.jsonl)$|\.tmp$/.test(name);
}

async function setupProgress(catalog: ReturnType<typeof dynamoCatalogStore>): Promise<Runtime['setup']> {
  try {
    const loaded = await catalog.load();
    const surveys = loaded.surveys.filter((s) => loaded.surveyStates[s.id]?.status === 'live').map((s) => s.id);
    if (!new OrgTree(loaded.units).root()) return { missing: 'units', surveys };
    return { missing: surveys.length ? null : 'survey', surveys: surveys.slice(0, 3) };
  } catch (error) {
    if (error instanceof SetupRequiredError) return { missing: 'organisation', surveys: [] };
    throw error;
  }
}

async function catalogIsEmpty(catalog: ReturnType<typeof dynamoCatalogStore>): Promise<boolean> {
  try {
    await catalog.load();
    return false;
  } catch (error) {
    if (error instanceof SetupRequiredError) return true;
    throw error;
  }
}

async function loadOrCreateToken(dataDir: string | null): Promise<string> {
  const fromEnv = process.env[commonEnv.adminToken];
  if (fromEnv) return fromEnv;
  const file = dataDir ? path.join(dataDir, 'admin-token') : null;
  if (file && existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const token = randomBytes(18).toString('base64url');
  if (file) await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/**
 * The local queues are durable, so queued SLA checks survive a restart. A data dir without a queue journal (one from
 * before queues were durable, or whose queues/ was removed) has lost its checks: schedule them again for every
 * unfinished ticket (a duplicate check is harmless — it finds its deadline handled and does nothing).
 */
async function rescheduleSlaChecks(client: DynamoDBDocumentClient, tableName: string, log: (line: string) => void) {
  const store = dynamoTicketStore(client, tableName);
  const queue = ticketQueueFromEnv();
  let cursor: string | undefined;
  let count = 0;
  do {
    const page = await store.list({ limit: 200, cursor });
    for (const ticket of page.tickets) {
      if (ticket.state === 'resolved' || ticket.state === 'closed') continue;
      await scheduleChecks(ticket, { queue, clock: systemClock });
      count += 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (count) log(`SLA checks rescheduled for ${count} unfinished ticket(s)`);
}

/** Writes the demo responses in batches of 25 (they are new, so no per-item condition is needed). */
async function seedDemoResponses(client: DynamoDBDocumentClient, tableName: string, count: number, log: (line: string) => void) {
  const responses = demoResponses(new Date(), count);
  const batches: StoredResponse[][] = [];
  for (let i = 0; i < responses.length; i += 25) batches.push(responses.slice(i, i + 25));
  let done = 0;
  let reported = 0;
  const workers = Array.from({ length: 4 }, async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length) {
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
      done += batch.length;
      if (done - reported >= count / 4 || done === count) {
        reported = done;
        log(`seeding demo responses: ${done}/${count}`);
      }
    }
  });
  await Promise.all(workers);
}

async function buildDashboardOnce(log: (line: string) => void): Promise<string> {
  const outDir = path.join(projectRoot, 'web', 'dist');
  const builder = (await import(pathToFileURL(path.join(projectRoot, 'web', 'build.ts')).href)) as {
    buildDashboard: (options: { outDir?: string; minify?: boolean }) => Promise<unknown>;
  };
  log('building the dashboard…');
  await builder.buildDashboard({ outDir, minify: true });
  return outDir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
