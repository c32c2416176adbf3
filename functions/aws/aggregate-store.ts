// Aggregate counters on DynamoDB, updated exactly once per response and generation however often a stream record is
// replayed or a page re-scanned. Each transaction puts a per-response marker of that generation (only if absent)
// together with the folded counter increments, so either a response is counted completely and marked, or not at all.
// Beside them, in the same table: the generation pointer and the rebuild jobs that move it (functions/rebuild/).
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { queryAll, transactWrite } from './dynamodb.ts';
import { counterKey, FIRST_GENERATION, foldDeltas, type CounterDelta, type Counters } from '../domain/aggregation.ts';
import { initialGenerations, type CounterGenerations, type RebuildJob, type SegmentProgress } from '../domain/rebuild.ts';
import type { AggregateStore, RebuildStore, ResponseDeltas } from '../ports.ts';

/**
 * The one item that says which generation is live and which is being built. Absent: generation 1 is live (every
 * counter written before generations existed). No counter or marker key starts with `GEN`.
 */
const POINTER_KEY = { pk: 'GEN', sk: 'pointer' };
const pointerNames = { '#building': 'building', '#rebuildId': 'rebuildId', '#last': 'lastGeneration', '#live': 'live' };
const jobPartition = (id: string) => `REBUILD#${id}`;
const JOB_SK = 'job';
const segmentSk = (segment: number) => `segment#${String(segment).padStart(2, '0')}`;

const Pointer = z.object({
  live: z.number().int().positive().optional(),
  lastGeneration: z.number().int().positive().optional(),
  building: z.number().int().positive().optional(),
  rebuildId: z.string().optional(),
});

const JobItem = z.object({
  id: z.string(),
  generation: z.number().int().positive(),
  segments: z.number().int().positive(),
  status: z.enum(['running', 'complete', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  estimatedResponses: z.number().int().nonnegative(),
  error: z.string().optional(),
});

const SegmentItem = z.object({
  segment: z.number().int().nonnegative(),
  position: z.record(z.string(), z.string()).optional(),
  scanned: z.number().int().nonnegative(),
  counted: z.number().int().nonnegative(),
  done: z.boolean(),
  step: z.number().int().nonnegative(),
});

/** Reads the pointer consistently: a stream batch must see a rebuild that started before its records were written. */
export async function readGenerations(client: DynamoDBDocumentClient, tableName: string): Promise<CounterGenerations> {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: POINTER_KEY, ConsistentRead: true }));
  if (!Item) return initialGenerations;
  const pointer = Pointer.parse(Item);
  const live = pointer.live ?? FIRST_GENERATION;
  return {
    live,
    lastGeneration: Math.max(live, pointer.lastGeneration ?? live),
    ...(pointer.building && pointer.rebuildId ? { building: { generation: pointer.building, rebuildId: pointer.rebuildId } } : {}),
  };
}

/** DynamoDB allows 100 actions in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_CONFLICT_RETRIES = 8;

export function dynamoAggregateStore(client: DynamoDBDocumentClient, tableName: string): AggregateStore {
  async function applyChunk(chunk: ResponseDeltas[], generation: number): Promise<{ applied: string[]; alreadyCounted: string[] }> {
    let pending = chunk;
    const alreadyCounted: string[] = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      const counters = foldDeltas(pending.flatMap((r) => r.deltas));
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              ...pending.map((r) => ({
                Put: {
                  TableName: tableName,
                  Item: { ...counterKey.appliedMarker(r.responseId, generation), countedAt: new Date().toISOString() },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
              ...counters.map((delta) => ({ Update: counterUpdate(tableName, delta) })),
            ],
          }),
        );
        return { applied: pending.map((r) => r.responseId), alreadyCounted };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // A failed marker condition means that response was counted before: drop it and count the rest.
        const counted = new Set(pending.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((r) => r.responseId));
        if (counted.size > 0) {
          alreadyCounted.push(...counted);
          pending = pending.filter((r) => !counted.has(r.responseId));
          continue;
        }
        // Otherwise another writer touched the same counters at the same moment: back off with jitter and retry.
        if (attempt >= MAX_CONFLICT_RETRIES) throw error;
        await sleep(Math.random() * 20 * 2 ** attempt);
      }
    }
    return { applied: [], alreadyCounted };
  }

  return {
    async applyOnce(batch, generation = FIRST_GENERATION) {
      const applied: string[] = [];
      const alreadyCounted: string[] = [];
      for (const chunk of transactionChunks(batch)) {
        const result = await applyChunk(chunk, generation);
        applied.push(...result.applied);
        alreadyCounted.push(...result.alreadyCounted);
      }
      return { applied, alreadyCounted };
    },

    async readCounters(pk, fromSk, toSk) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': fromSk, ':to': toSk },
      });
      return items.map((item) => {
        const { pk: _pk, sk, ...counters } = item as { pk: string; sk: string } & Counters;
        return { sk, counters };
      });
    },

    async hasCounters(pk) {
      const page = await client.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, Limit: 1, ProjectionExpression: 'pk' }),
      );
      return (page.Items?.length ?? 0) > 0;
    },

    generations: () => readGenerations(client, tableName),
  };
}

/** Rebuild jobs: one job item and one item per segment under `REBUILD#<id>`, so segments save without contending. */
export function dynamoRebuildStore(client: DynamoDBDocumentClient, tableName: string): RebuildStore {
  return {
    async start(job, segments, expected) {
      const written = await transactWrite(client, [
        {
          Update: {
            TableName: tableName,
            Key: POINTER_KEY,
            // Only one rebuild at a time, and only from the pointer the caller read (its generation number is then new).
            ConditionExpression: 'attribute_not_exists(#building) AND (attribute_not_exists(#last) OR #last = :expectedLast)',
            UpdateExpression: 'SET #building = :generation, #rebuildId = :id, #last = :generation, #live = if_not_exists(#live, :live)',
            ExpressionAttributeNames: pointerNames,
            ExpressionAttributeValues: { ':expectedLast': expected.lastGeneration, ':generation': job.generation, ':id': job.id, ':live': expected.live },
          },
        },
        { Put: { TableName: tableName, Item: { pk: jobPartition(job.id), sk: JOB_SK, ...job }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...segments.map((segment) => ({
          Put: { TableName: tableName, Item: { pk: jobPartition(job.id), sk: segmentSk(segment.segment), ...segmentAttributes(segment) } },
        })),
      ]);
      return written === undefined;
    },

    async get(id) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': jobPartition(id) },
        ConsistentRead: true,
      });
      const jobItem = items.find((item) => item.sk === JOB_SK);
      if (!jobItem) return undefined;
      const job = JobItem.parse(jobItem);
      const segments = items
        .filter((item) => String(item.sk).startsWith('segment#'))
        .map((item) => {
          const { position, ...rest } = SegmentItem.parse(item);
          return { ...rest, position: position ?? null } satisfies SegmentProgress;
        })
        .sort((a, b) => a.segment - b.segment);
      return { job: { ...job, finishedAt: job.finishedAt, error: job.error }, segments };
    },

    async saveSegment(id, progress) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: jobPartition(id), sk: segmentSk(progress.segment) },
            ConditionExpression: '#step = :previous',
            UpdateExpression: `SET #scanned = :scanned, #counted = :counted, #done = :done, #step = :step${progress.position ? ', #position = :position' : ' REMOVE #position'}`,
            ExpressionAttributeNames: { '#position': 'position', '#scanned': 'scanned', '#counted': 'counted', '#done': 'done', '#step': 'step' },
            ExpressionAttributeValues: {
              ':previous': progress.step - 1,
              ':scanned': progress.scanned,
              ':counted': progress.counted,
              ':done': progress.done,
              ':step': progress.step,
              ...(progress.position ? { ':position': progress.position } : {}),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    complete: (job, at) => finish(job, 'complete', at),
    fail: (job, reason, at) => finish(job, 'failed', at, reason),
  };

  /** Ends a running job and releases the pointer in one transaction: the flip (or the give-up) happens exactly once. */
  async function finish(job: RebuildJob, status: 'complete' | 'failed', at: string, reason?: string): Promise<boolean> {
    const written = await transactWrite(client, [
      {
        Update: {
          TableName: tableName,
          Key: POINTER_KEY,
          ConditionExpression: '#building = :generation AND #rebuildId = :id',
          UpdateExpression: status === 'complete' ? 'SET #live = :generation REMOVE #building, #rebuildId' : 'REMOVE #building, #rebuildId',
          ExpressionAttributeNames: { '#building': 'building', '#rebuildId': 'rebuildId', ...(status === 'complete' ? { '#live': 'live' } : {}) },
          ExpressionAttributeValues: { ':generation': job.generation, ':id': job.id },
        },
      },
      {
        Update: {
          TableName: tableName,
          Key: { pk: jobPartition(job.id), sk: JOB_SK },
          ConditionExpression: '#status = :running',
          UpdateExpression: `SET #status = :status, finishedAt = :at${reason === undefined ? '' : ', #error = :error'}`,
          ExpressionAttributeNames: { '#status': 'status', ...(reason === undefined ? {} : { '#error': 'error' }) },
          ExpressionAttributeValues: { ':running': 'running', ':status': status, ':at': at, ...(reason === undefined ? {} : { ':error': reason.slice(0, 1000) }) },
        },
      },
    ]);
    return written === undefined;
  }
}

function segmentAttributes(segment: SegmentProgress) {
  const { position, ...rest } = segment;
  return position ? { ...rest, position } : rest;
}

function counterUpdate(tableName: string, delta: CounterDelta) {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts = Object.entries(delta.add).map(([name, by], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = by;
    return `#c${i} :c${i}`;
  });
  return {
    TableName: tableName,
    Key: { pk: delta.pk, sk: delta.sk },
    UpdateExpression: `ADD ${parts.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Groups responses so that markers plus distinct counter items stay within one transaction's limit. */
export function transactionChunks(batch: ResponseDeltas[]): ResponseDeltas[][] {
  const chunks: ResponseDeltas[][] = [];
  let current: ResponseDeltas[] = [];
  let currentKeys = new Set<string>();
  for (const response of batch) {
    const keys = response.deltas.map((d) => `${d.pk}|${d.sk}`);
    const merged = new Set([...currentKeys, ...keys]);
    if (current.length > 0 && current.length + 1 + merged.size > MAX_TRANSACTION_ITEMS) {
      chunks.push(current);
      current = [];
      currentKeys = new Set();
    }
    current.push(response);
    for (const key of keys) currentKeys.add(key);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
