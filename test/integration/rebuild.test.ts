// Rebuilding the counters into a new generation, on DynamoDB Local with the real stores, stream consumer and worker:
// the numbers after a rebuild equal an independent recount from the responses (after a unit moved, after a crash
// midway, with responses arriving meanwhile), and the dashboard keeps the old numbers until the flip.
import { SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoAggregateStore, dynamoRebuildStore } from '../../functions/aws/aggregate-store.ts';
import { dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { dynamoResponseScan } from '../../functions/aws/response-scan.ts';
import { ALL_SURVEYS, counterKey } from '../../functions/domain/aggregation.ts';
import type { OrgUnit } from '../../functions/domain/org.ts';
import type { RebuildMessage } from '../../functions/domain/rebuild.ts';
import { npsCategory } from '../../functions/domain/scoring.ts';
import { demoResponses, demoUnits } from '../../functions/local/demo.ts';
import { startQueueMapping, type QueueHandler } from '../../functions/local/queue-mapping.ts';
import { systemClock, type AggregateStore, type StoredResponse } from '../../functions/ports.ts';
import { handleRebuildMessages } from '../../functions/rebuild/handle-messages.ts';
import { rebuildStep, startRebuild, type RebuildDeps } from '../../functions/rebuild/rebuild.ts';
import { functions, queues } from '../../functions/topology.ts';
import { adminHeaders, hotelAnswers, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
let consumer: Awaited<ReturnType<typeof system.startAggregateMapping>>['mapping'];
const stops: (() => Promise<void>)[] = [];
/** The org tree as the test moves it, kept independently of the catalog: unit id → parent id. */
const parentOf = new Map<string, string | null>(demoUnits.map((u) => [u.id, u.parentId]));
const SEEDED = 180;

beforeAll(async () => {
  system = await setupSystem();
  // History: responses over the last 30 days, a few of them naming the survey version they answered.
  const seeded = demoResponses(new Date(), SEEDED, 30).map((r, i) => (i % 4 === 0 ? { ...r, surveyVersion: 1 } : r));
  await batchWrite(seeded);
  ({ mapping: consumer } = await system.startAggregateMapping());
  stops.push(() => consumer.stop());
  // The consumer counts the history into generation 1, as it did before generations existed.
  for (const deadline = Date.now() + 20_000; (await metrics('hq')).count < SEEDED; ) {
    if (Date.now() > deadline) throw new Error('the seeded responses were not counted within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await consumer.idle();
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
});

async function batchWrite(responses: StoredResponse[]) {
  for (let i = 0; i < responses.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = responses.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending && pending.length) {
      const result = await system.doc.send(new BatchWriteCommand({ RequestItems: { [system.names.responses]: pending } }));
      pending = result.UnprocessedItems?.[system.names.responses] as Record<string, unknown>[] | undefined;
    }
  }
}

/** Every stored response, read straight from the table: the source of truth for recounts. */
async function allResponses(): Promise<StoredResponse[]> {
  const items: StoredResponse[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await system.doc.send(new ScanCommand({ TableName: system.names.responses, ConsistentRead: true, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as StoredResponse[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

interface Figures {
  count: number;
  promoters: number;
  passives: number;
  detractors: number;
}

/** Counts a unit's responses by hand: those of the unit and of every unit below it in the tree as it is now. */
function recount(responses: StoredResponse[], unitId: string): Figures {
  const under = (id: string | null | undefined): boolean => {
    for (let at = id, hops = 0; at && hops < 20; at = parentOf.get(at) ?? null, hops++) if (at === unitId) return true;
    return false;
  };
  const figures: Figures = { count: 0, promoters: 0, passives: 0, detractors: 0 };
  for (const r of responses.filter((x) => x.surveyId === 'hotel-stay' && under(x.unitId))) {
    figures.count += 1;
    if (typeof r.answers.nps === 'number') figures[`${npsCategory(r.answers.nps)}s`] += 1;
  }
  return figures;
}

async function metrics(unitId: string): Promise<Figures> {
  const res = await system.app.request(`/api/v1/metrics?surveyId=hotel-stay&unitId=${unitId}&granularity=month`, { headers: adminHeaders() });
  expect(res.status).toBe(200);
  const { total } = (await res.json()) as { total: Figures };
  return { count: total.count, promoters: total.promoters, passives: total.passives, detractors: total.detractors };
}

async function everyUnit(): Promise<Record<string, Figures>> {
  return Object.fromEntries(await Promise.all([...parentOf.keys()].map(async (id) => [id, await metrics(id)] as const)));
}

function expectedForEveryUnit(responses: StoredResponse[]): Record<string, Figures> {
  return Object.fromEntries([...parentOf.keys()].map((id) => [id, recount(responses, id)]));
}

/** Moves a unit the way an admin does, through PUT /api/v1/org/units/:id; the answer says a rebuild is needed. */
async function moveUnit(id: string, parentId: string) {
  const catalog = dynamoCatalogStore(system.doc, system.names.catalog);
  const unit = (await catalog.load()).units.find((u) => u.id === id) as OrgUnit;
  const res = await system.app.request(`/api/v1/org/units/${id}`, { method: 'PUT', headers: adminHeaders(), body: JSON.stringify({ parentId, kind: unit.kind, name: unit.name }) });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ moved: true, rebuildRequired: true });
  parentOf.set(id, parentId);
}

/** The worker's dependencies with a queue the test holds in its hands, and small pages so a segment takes many steps. */
function workerDeps(overrides: Partial<RebuildDeps> = {}) {
  const messages: RebuildMessage[] = [];
  const deps: RebuildDeps = {
    catalog: dynamoCatalogStore(system.doc, system.names.catalog),
    aggregates: dynamoAggregateStore(system.doc, system.names.aggregates),
    jobs: dynamoRebuildStore(system.doc, system.names.aggregates),
    responses: dynamoResponseScan(system.doc, system.names.responses),
    queue: { send: async (message) => void messages.push(message) },
    clock: systemClock,
    limits: { pageSize: 10, pagesPerMessage: 1 },
    ...overrides,
  };
  return { deps, messages };
}

/** Hands every queued message to the worker until none is left (bounded). */
async function drain(deps: RebuildDeps, messages: RebuildMessage[]) {
  for (let steps = 0; messages.length > 0; steps++) {
    if (steps > 500) throw new Error('the rebuild did not finish within 500 steps');
    await rebuildStep(messages.shift() as RebuildMessage, deps);
  }
}

async function rebuildView(id: string) {
  const res = await system.app.request(`/api/v1/admin/rebuilds/${id}`, { headers: adminHeaders() });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; status: string; generation: number; segments: number; scanned: number; counted: number; skipped: number; progress: number; finishedAt?: string };
}

async function pointer() {
  return dynamoAggregateStore(system.doc, system.names.aggregates).generations();
}

describe('rebuild through the API and the rebuilds queue', () => {
  it('after a unit moves, the roll-up under its new parent equals an independent recount; the old parent no longer includes it', async () => {
    const before = await allResponses();
    expect(before).toHaveLength(SEEDED);
    expect(await everyUnit()).toEqual(expectedForEveryUnit(before));

    await moveUnit('hz-westlake', 'south');
    // Until a rebuild, history stays rolled up where it was counted.
    const moved = recount(before, 'hz-westlake');
    expect(moved.count).toBeGreaterThan(0);
    expect((await metrics('east')).count).toBe(recount(before, 'east').count + moved.count);

    const started = await system.app.request('/api/v1/admin/rebuilds', { method: 'POST', headers: adminHeaders(), body: JSON.stringify({ segments: 3 }) });
    expect(started.status).toBe(202);
    const job = (await started.json()) as { id: string; status: string; generation: number; segments: number; progress: number };
    expect(job).toMatchObject({ status: 'running', generation: 2, segments: 3 });
    expect(started.headers.get('location')).toBe(`/api/v1/admin/rebuilds/${job.id}`);

    // One at a time.
    const second = await system.app.request('/api/v1/admin/rebuilds', { method: 'POST', headers: adminHeaders() });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'conflict' }, id: job.id });

    // The same handler module as in Lambda, fed by the local queue the API just wrote to.
    const sqs = new SQSClient({ endpoint: system.sqs.endpoint, region: system.sqs.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { handler } = (await import('../../functions/rebuild/handler.ts')) as { handler: QueueHandler };
    const trigger = functions.rebuild.trigger;
    if (trigger.kind !== 'queue') throw new Error('rebuild must be a queue consumer');
    const worker = await startQueueMapping({ name: 'rebuild', sqs, queueUrl: system.sqs.queueUrl('rebuilds'), trigger, timeoutSeconds: functions.rebuild.timeoutSeconds, handler, log: () => {}, waitTimeSeconds: 1 });
    const stopWorker = async () => {
      await worker.stop();
      sqs.destroy();
    };
    stops.push(stopWorker);
    await expect.poll(async () => (await rebuildView(job.id)).status, { timeout: 20_000, interval: 100 }).toBe('complete');
    await worker.idle();

    const done = await rebuildView(job.id);
    expect(done).toMatchObject({ status: 'complete', generation: 2, segments: 3, scanned: SEEDED, counted: SEEDED, skipped: 0, progress: 1 });
    expect(done.finishedAt).toBeDefined();
    expect(await pointer()).toEqual({ live: 2, lastGeneration: 2 });

    const after = await everyUnit();
    expect(after).toEqual(expectedForEveryUnit(before));
    expect(after.south!.count).toBe(recount(before, 'gz-tianhe').count + recount(before, 'sz-bay').count + moved.count);
    expect(after.east!.count).toBe(recount(before, 'sh-bund').count);
    expect(after.hq!.count).toBe(SEEDED);
    // The next tests drive the worker step by step.
    stops.pop();
    await stopWorker();
  });

  it('refuses a bad body naming the field, an unknown or malformed id, and a request without the admin token', async () => {
    const bad = await system.app.request('/api/v1/admin/rebuilds', { method: 'POST', headers: adminHeaders(), body: JSON.stringify({ segments: 17 }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'validation_failed', issues: [{ path: 'segments' }] } });
    const unknownField = await system.app.request('/api/v1/admin/rebuilds', { method: 'POST', headers: adminHeaders(), body: JSON.stringify({ segmets: 2 }) });
    expect(unknownField.status).toBe(400);
    const notJson = await system.app.request('/api/v1/admin/rebuilds', { method: 'POST', headers: adminHeaders(), body: '{segments' });
    expect(notJson.status).toBe(400);
    expect((await system.app.request('/api/v1/admin/rebuilds/01JD5X8W6T1ZQ3M4N5P6R7S8T9', { headers: adminHeaders() })).status).toBe(404);
    const malformed = await system.app.request('/api/v1/admin/rebuilds/not-a-ulid', { headers: adminHeaders() });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'validation_failed' } });
    expect((await system.app.request('/api/v1/admin/rebuilds', { method: 'POST' })).status).toBe(401);
    expect(await pointer()).toEqual({ live: 2, lastGeneration: 2 });
  });
});

describe('rebuild worker', () => {
  it('killed midway and resumed (a lost page, a dropped continuation, a redelivered old message, two workers at once) gives the same numbers; the dashboard keeps the old ones until the flip', async () => {
    await moveUnit('sz-bay', 'east');
    const responses = await allResponses();
    const oldNumbers = await everyUnit();
    expect(oldNumbers).not.toEqual(expectedForEveryUnit(responses)); // the move is not in the counters yet

    const { deps, messages } = workerDeps();
    const started = await startRebuild({ segments: 2 }, deps);
    if (started.kind !== 'started') throw new Error('rebuild did not start');
    const { id, generation } = started.rebuild;
    expect(generation).toBe(3);
    expect(messages).toEqual([{ rebuildId: id, segment: 0 }, { rebuildId: id, segment: 1 }]);
    const first = messages[0]!;

    // 1. Segment 0 takes one step and queues its continuation.
    expect(await rebuildStep(messages.shift()!, deps)).toBe('continued');
    expect(messages.at(-1)).toEqual(first);

    // 2. The worker dies after counting a page but before saving its position: the page is counted again on retry.
    let crashes = 0;
    const real = deps.aggregates;
    const crashing: AggregateStore = {
      ...real,
      applyOnce: async (batch, g) => {
        await real.applyOnce(batch, g);
        crashes += 1;
        throw new Error('simulated crash after counting');
      },
    };
    await expect(rebuildStep(first, { ...deps, aggregates: crashing })).rejects.toThrow('simulated crash');
    expect(crashes).toBe(1);

    // 3. The continuation in flight is lost; an old message of the same segment is redelivered instead.
    messages.length = 0;
    expect(await rebuildStep(first, deps)).toBe('continued');

    // 4. Two workers on one segment at once (the redelivered message beside its continuation): the one that read the
    //    segment's position before the other saved loses its save and stops, queueing nothing.
    messages.length = 0;
    const stale = await deps.jobs.get(id);
    expect(await rebuildStep(first, deps)).toBe('continued');
    messages.length = 0;
    const late = { ...deps, jobs: { ...deps.jobs, get: async () => stale } };
    expect(await rebuildStep(first, late)).toBe('overtaken');
    expect(messages).toEqual([]);
    const outcomes = await Promise.all([rebuildStep(first, deps), rebuildStep(first, deps)]);
    expect(outcomes.filter((o) => o === 'overtaken').length).toBeLessThanOrEqual(1);
    messages.length = 0;

    // Midway: the dashboard still shows generation 2's numbers.
    const midway = await rebuildView(id);
    expect(midway).toMatchObject({ status: 'running', generation: 3 });
    expect(midway.scanned).toBeGreaterThan(0);
    expect(midway.progress).toBeGreaterThan(0);
    expect(midway.progress).toBeLessThan(1);
    expect(await everyUnit()).toEqual(oldNumbers);
    expect(await pointer()).toEqual({ live: 2, lastGeneration: 3, building: { generation: 3, rebuildId: id } });

    // Segment 1 has not moved yet: its message was dropped in step 3 — resume sends it (and segment 0's) again.
    const resumed = await system.app.request(`/api/v1/admin/rebuilds/${id}/resume`, { method: 'POST', headers: adminHeaders() });
    expect(resumed.status).toBe(202);
    messages.push({ rebuildId: id, segment: 0 }, { rebuildId: id, segment: 1 });
    await drain(deps, messages);

    const done = await rebuildView(id);
    expect(done).toMatchObject({ status: 'complete', generation: 3, scanned: responses.length, counted: responses.length, progress: 1 });
    expect(await pointer()).toEqual({ live: 3, lastGeneration: 3 });
    expect(await everyUnit()).toEqual(expectedForEveryUnit(responses));

    // A message redelivered after the flip changes nothing.
    expect(await rebuildStep(first, deps)).toBe('ignored');
    expect(await everyUnit()).toEqual(expectedForEveryUnit(responses));
    expect((await system.app.request(`/api/v1/admin/rebuilds/${id}/resume`, { method: 'POST', headers: adminHeaders() })).status).toBe(409);
  });

  it('counts responses that arrive during a rebuild into both generations, exactly once each', async () => {
    const { deps, messages } = workerDeps();
    const started = await startRebuild({ segments: 4 }, deps);
    if (started.kind !== 'started') throw new Error('rebuild did not start');
    const { id, generation } = started.rebuild;
    expect(generation).toBe(4);
    await rebuildStep(messages.shift()!, deps);

    const before = await allResponses();
    const scores = [10, 9, 3, 0, 7, 8, 6, 10, 2, 9, 5, 10];
    const units = ['sh-bund', 'hz-westlake', 'gz-tianhe', 'sz-bay'];
    const created = await Promise.all(
      scores.map((s, i) =>
        system.app.request('/api/v1/responses', { method: 'POST', headers: adminHeaders(), body: JSON.stringify({ surveyId: 'hotel-stay', unitId: units[i % 4], answers: hotelAnswers(s) }) }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(scores.map(() => 201));
    const ids = await Promise.all(created.map(async (r) => ((await r.json()) as { id: string }).id));

    // The live generation (3) counts them at once, as always.
    await expect.poll(async () => (await metrics('hq')).count, { timeout: 10_000, interval: 50 }).toBe(before.length + scores.length);
    await consumer.idle();
    // Some stream batches were counted into generation 4 before the scan reached them: both happen, once.
    const marker = await system.doc.send(new GetCommand({ TableName: system.names.aggregates, Key: counterKey.appliedMarker(ids[0]!, 4), ConsistentRead: true }));
    expect(marker.Item).toBeDefined();

    await drain(deps, messages);
    const responses = await allResponses();
    expect(responses).toHaveLength(before.length + scores.length);
    const done = await rebuildView(id);
    expect(done).toMatchObject({ status: 'complete', generation: 4 });
    // The scan saw every response from before the start, and some of the new ones (those behind its position when
    // they were written were left to the stream consumer); yet every one is in generation 4 exactly once.
    expect(done.scanned).toBeGreaterThanOrEqual(before.length);
    expect(done.scanned).toBeLessThanOrEqual(responses.length);
    expect(await everyUnit()).toEqual(expectedForEveryUnit(responses));

    // The old generation kept counting them too, exactly once: its root total is the old total plus the new ones.
    const store = dynamoAggregateStore(system.doc, system.names.aggregates);
    const rootTotal = async (g: number) =>
      (await store.readCounters(counterKey.partition(ALL_SURVEYS, 'hq', g), counterKey.day('2000-01-01'), counterKey.day('2999-12-31'))).reduce((sum, item) => sum + (item.counters.responses ?? 0), 0);
    expect(await rootTotal(3)).toBe(responses.length);
    expect(await rootTotal(4)).toBe(responses.length);
  });

  it('ends a rebuild whose segment keeps failing as failed on its last receive, keeps the live generation, and never reuses its number', async () => {
    const { deps, messages } = workerDeps();
    const started = await startRebuild({ segments: 1 }, deps);
    if (started.kind !== 'started') throw new Error('rebuild did not start');
    const broken = { ...deps, responses: { ...deps.responses, page: async () => Promise.reject(new Error('table unreachable')) } };
    const record = (receives: number): SQSRecord =>
      ({ messageId: `m-${receives}`, body: JSON.stringify(messages[0]), attributes: { ApproximateReceiveCount: String(receives) } }) as unknown as SQSRecord;

    expect(await handleRebuildMessages([record(1)], broken)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect((await rebuildView(started.rebuild.id)).status).toBe('running');
    expect(await handleRebuildMessages([record(queues.rebuilds.maxReceiveCount)], broken)).toEqual({ batchItemFailures: [{ itemIdentifier: `m-${queues.rebuilds.maxReceiveCount}` }] });
    expect(await rebuildView(started.rebuild.id)).toMatchObject({ status: 'failed', generation: 5 });
    expect(await pointer()).toEqual({ live: 4, lastGeneration: 5 });
    // Not a rebuild step at all: dropped, not retried.
    expect(await handleRebuildMessages([{ ...record(1), body: '{"rebuildId":1}' }], deps)).toEqual({ batchItemFailures: [] });

    const next = await startRebuild({}, deps);
    expect(next).toMatchObject({ kind: 'started', rebuild: { generation: 6, segments: 4 } });
  });
});
