// The local event-source mapping against DynamoDB Local's real table stream: shape, order, filters, batching, failures, checkpoints.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, DescribeTableCommand, PutItemCommand, UpdateItemCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fileCheckpoints,
  memoryCheckpoints,
  startStreamMapping,
  type StreamFailure,
  type StreamMapping,
  type StreamMappingOptions,
} from '../../functions/local/stream-mapping.ts';
import { useLocalTables, type LocalTables } from '../support/dynamo.ts';

const started: StreamMapping[] = [];
afterEach(async () => {
  // Pollers left running would keep hammering DynamoDB Local for the rest of the run.
  await Promise.all(started.splice(0).map((mapping) => mapping.stop()));
});

type Trigger = StreamMappingOptions['trigger'];
const baseTrigger: Trigger = {
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  retryAttempts: 2,
  bisectBatchOnError: false,
  eventNames: ['INSERT', 'MODIFY', 'REMOVE'],
  maxRecordAgeSeconds: -1,
};

interface Recorder {
  batches: DynamoDBRecord[][];
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
}

/** Records every batch it is given, then answers with `respond` (default: success). */
function recorder(respond?: (records: DynamoDBRecord[], call: number) => DynamoDBBatchResponse | void): Recorder {
  const batches: DynamoDBRecord[][] = [];
  return {
    batches,
    handler: async (event) => {
      batches.push(event.Records);
      return respond?.(event.Records, batches.length);
    },
  };
}

async function start(
  tables: LocalTables,
  handler: Recorder['handler'],
  overrides: Partial<Omit<StreamMappingOptions, 'trigger'>> & { trigger?: Partial<Trigger> } = {},
): Promise<StreamMapping> {
  const { trigger, ...rest } = overrides;
  const mapping = await startStreamMapping({
    name: 'test',
    dynamo: tables.client,
    streams: tables.streams,
    tableName: tables.names.responses,
    handler,
    pollIntervalMs: 10,
    retryBackoffMs: 0,
    log: () => {},
    ...rest,
    trigger: { ...baseTrigger, ...trigger },
  });
  started.push(mapping);
  return mapping;
}

async function put(tables: LocalTables, id: string, extra: Record<string, { S: string } | { N: string } | { B: Uint8Array }> = {}): Promise<void> {
  await tables.client.send(new PutItemCommand({ TableName: tables.names.responses, Item: { id: { S: id }, ...extra } }));
}

async function setScore(tables: LocalTables, id: string, score: number): Promise<void> {
  await tables.client.send(
    new UpdateItemCommand({
      TableName: tables.names.responses,
      Key: { id: { S: id } },
      UpdateExpression: 'SET score = :s',
      ExpressionAttributeValues: { ':s': { N: String(score) } },
    }),
  );
}

const ids = (records: DynamoDBRecord[]) => records.map((record) => record.dynamodb?.Keys?.id?.S);

async function streamArn(tables: LocalTables): Promise<string> {
  const { Table } = await tables.client.send(new DescribeTableCommand({ TableName: tables.names.responses }));
  return Table?.LatestStreamArn ?? '';
}

/** Every sequence number in the table's stream, read straight from the Streams API (one shard in these tests). */
async function sequenceNumbers(tables: LocalTables): Promise<string[]> {
  const arn = await streamArn(tables);
  const { StreamDescription } = await tables.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
  const shardId = StreamDescription?.Shards?.[0]?.ShardId;
  let { ShardIterator: iterator } = await tables.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
  const found: string[] = [];
  for (;;) {
    const page = await tables.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const record of page.Records ?? []) found.push(record.dynamodb?.SequenceNumber ?? '');
    if (!page.Records?.length || !page.NextShardIterator) return found;
    iterator = page.NextShardIterator;
  }
}

describe('stream mapping on DynamoDB Local', () => {
  it('delivers records in the AWS DynamoDBStreamEvent shape', async () => {
    const tables = await useLocalTables('sm-shape');
    const { batches, handler } = recorder();
    const before = Math.floor(Date.now() / 1000);
    await put(tables, 'r1', { score: { N: '9' }, blob: { B: new Uint8Array([1, 2, 3]) } });
    const mapping = await start(tables, handler);
    await mapping.idle();
    // Written after the mapping started: the live path, not only the backlog.
    await setScore(tables, 'r1', 10);
    await mapping.idle();

    const [insert, modify] = batches.flat();
    const arn = await streamArn(tables);
    expect(insert).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: expect.any(String),
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { id: { S: 'r1' } },
        NewImage: { id: { S: 'r1' }, score: { N: '9' }, blob: { B: 'AQID' } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: arn,
    });
    // Epoch seconds, not a Date or milliseconds (DynamoDB Local rounds down to the minute).
    expect(insert?.dynamodb?.ApproximateCreationDateTime).toBeGreaterThanOrEqual(before - 61);
    expect(insert?.dynamodb?.ApproximateCreationDateTime).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    // Plain JSON, exactly what Lambda would hand over.
    expect(JSON.parse(JSON.stringify(insert))).toEqual(insert);
    expect(modify).toMatchObject({
      eventName: 'MODIFY',
      dynamodb: { OldImage: { score: { N: '9' } }, NewImage: { score: { N: '10' } } },
    });
    expect(mapping.stats()).toMatchObject({ recordsRead: 2, recordsProcessed: 2, recordsFailed: 0, streamArn: arn });
  });

  it('keeps stream order within the shard and never exceeds batchSize', async () => {
    const tables = await useLocalTables('sm-order');
    const { batches, handler } = recorder();
    const mapping = await start(tables, handler, { trigger: { batchSize: 7 } });
    // Interleave inserts and updates of a few keys while the mapping is already polling.
    for (let round = 1; round <= 8; round++) {
      for (const key of ['a', 'b', 'c', 'd', 'e']) {
        if (round === 1) await put(tables, key, { score: { N: '1' } });
        else await setScore(tables, key, round);
      }
    }
    await mapping.idle();

    const records = batches.flat();
    expect(records).toHaveLength(40);
    expect(batches.every((batch) => batch.length >= 1 && batch.length <= 7)).toBe(true);
    const sequence = records.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0'));
    expect(sequence.every((value, index) => index === 0 || value > (sequence[index - 1] ?? 0n))).toBe(true);
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const scores = records.filter((record) => record.dynamodb?.Keys?.id?.S === key).map((record) => Number(record.dynamodb?.NewImage?.score?.N));
      expect(scores).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    }
  });

  it('waits up to the batching window for a partial batch, but sends a full batch at once', async () => {
    const tables = await useLocalTables('sm-window');
    const arrivals: { at: number; size: number }[] = [];
    const mapping = await start(
      tables,
      async (event) => {
        arrivals.push({ at: Date.now(), size: event.Records.length });
      },
      { trigger: { batchSize: 3, maxBatchingWindowSeconds: 1 } },
    );
    const lone = Date.now();
    await put(tables, 'w1');
    await mapping.idle();
    expect(arrivals[0]?.size).toBe(1);
    expect((arrivals[0]?.at ?? 0) - lone).toBeGreaterThanOrEqual(900);

    const burst = Date.now();
    for (const id of ['w2', 'w3', 'w4']) await put(tables, id);
    await mapping.idle();
    expect(arrivals[1]?.size).toBe(3);
    expect((arrivals[1]?.at ?? 0) - burst).toBeLessThan(700);
  });

  it('applies the eventName filter: filtered records are skipped and checkpointed, never delivered', async () => {
    const tables = await useLocalTables('sm-filter');
    const checkpoints = memoryCheckpoints();
    const { batches, handler } = recorder();
    await put(tables, 'a');
    await put(tables, 'b');
    await setScore(tables, 'a', 5);
    await tables.client.send(new DeleteItemCommand({ TableName: tables.names.responses, Key: { id: { S: 'b' } } }));
    const mapping = await start(tables, handler, { trigger: { eventNames: ['INSERT'] }, checkpoint: checkpoints });
    await mapping.idle();

    expect(batches.flat().map((record) => [record.eventName, record.dynamodb?.Keys?.id?.S])).toEqual([
      ['INSERT', 'a'],
      ['INSERT', 'b'],
    ]);
    expect(mapping.stats()).toMatchObject({ recordsRead: 4, recordsFiltered: 2, recordsProcessed: 2 });
    // The trailing MODIFY and REMOVE were never delivered, yet the checkpoint is past them.
    const all = await sequenceNumbers(tables);
    expect(Object.values(checkpoints.positions)).toEqual([all.at(-1)]);
  });

  it('honours batchItemFailures: commits before the lowest failure and retries from it', async () => {
    const tables = await useLocalTables('sm-partial');
    for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) await put(tables, id);
    const checkpoints = memoryCheckpoints();
    const { batches, handler } = recorder((records, call) => {
      if (call > 1) return;
      const p3 = records.find((record) => record.dynamodb?.Keys?.id?.S === 'p3');
      const p5 = records.find((record) => record.dynamodb?.Keys?.id?.S === 'p5');
      // Reported out of order on purpose: the lowest sequence number wins.
      return { batchItemFailures: [{ itemIdentifier: p5?.dynamodb?.SequenceNumber ?? '' }, { itemIdentifier: p3?.dynamodb?.SequenceNumber ?? '' }] };
    });
    const mapping = await start(tables, handler, { checkpoint: checkpoints });
    await mapping.idle();

    expect(batches.map(ids)).toEqual([
      ['p1', 'p2', 'p3', 'p4', 'p5'],
      ['p3', 'p4', 'p5'],
    ]);
    const all = await sequenceNumbers(tables);
    expect(Object.values(checkpoints.positions)).toEqual([all.at(-1)]);
    expect(mapping.stats()).toMatchObject({ invocations: 2, failedInvocations: 1, recordsProcessed: 5, recordsFailed: 0 });
  });

  it('treats an unknown itemIdentifier as a failure of the whole batch', async () => {
    const tables = await useLocalTables('sm-badid');
    for (const id of ['q1', 'q2']) await put(tables, id);
    const { batches, handler } = recorder((_records, call) => (call === 1 ? { batchItemFailures: [{ itemIdentifier: '' }] } : undefined));
    const mapping = await start(tables, handler);
    await mapping.idle();
    expect(batches.map(ids)).toEqual([
      ['q1', 'q2'],
      ['q1', 'q2'],
    ]);
  });

  it('bisects a throwing batch: good records get through, the poison one goes to onFailure after retryAttempts', async () => {
    const tables = await useLocalTables('sm-bisect');
    const failures: StreamFailure[] = [];
    const succeeded: string[] = [];
    let poisonCalls = 0;
    const handler = async (event: DynamoDBStreamEvent) => {
      const batch = ids(event.Records);
      if (batch.includes('x5')) {
        if (batch.length === 1) poisonCalls++;
        throw new Error('cannot parse x5');
      }
      succeeded.push(...(batch as string[]));
    };
    for (let i = 0; i < 8; i++) await put(tables, `x${i}`);
    const mapping = await start(tables, handler, {
      trigger: { batchSize: 8, retryAttempts: 2, bisectBatchOnError: true },
      onFailure: async (failure) => {
        failures.push(failure);
      },
    });
    await mapping.idle();

    expect(succeeded).toEqual(['x0', 'x1', 'x2', 'x3', 'x4', 'x6', 'x7']); // each exactly once, in order
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ condition: 'RetryAttemptsExhausted', attempts: 3, mapping: 'test' });
    expect(failures[0]?.reason).toContain('cannot parse x5');
    expect(ids(failures[0]?.records ?? [])).toEqual(['x5']);
    expect(poisonCalls).toBe(3); // the first try plus retryAttempts retries

    // The shard is not stuck behind the poison record.
    await put(tables, 'x8');
    await mapping.idle();
    expect(succeeded.at(-1)).toBe('x8');
  });

  it('without bisect, sends the whole failing batch to onFailure after retryAttempts and carries on', async () => {
    const tables = await useLocalTables('sm-nobisect');
    const failures: StreamFailure[] = [];
    for (const id of ['y1', 'y2', 'y3']) await put(tables, id);
    const { batches, handler } = recorder((records) => {
      if (ids(records).includes('y2')) throw new Error('boom');
    });
    const mapping = await start(tables, handler, {
      trigger: { retryAttempts: 1 },
      onFailure: async (failure) => {
        failures.push(failure);
      },
    });
    await mapping.idle();
    expect(batches.map(ids)).toEqual([
      ['y1', 'y2', 'y3'],
      ['y1', 'y2', 'y3'],
    ]);
    expect(failures.map((failure) => [failure.condition, failure.attempts, ids(failure.records)])).toEqual([['RetryAttemptsExhausted', 2, ['y1', 'y2', 'y3']]]);

    await put(tables, 'y4');
    await mapping.idle();
    expect(ids(batches.at(-1) ?? [])).toEqual(['y4']);
    expect(mapping.stats()).toMatchObject({ recordsFailed: 3, recordsProcessed: 1 });
  });

  it('sends records older than maxRecordAgeSeconds to onFailure instead of the handler', async () => {
    const tables = await useLocalTables('sm-age');
    await put(tables, 'old');
    await new Promise((done) => setTimeout(done, 1_100));
    const failures: StreamFailure[] = [];
    const { batches, handler } = recorder();
    const mapping = await start(tables, handler, {
      trigger: { maxRecordAgeSeconds: 1 },
      creationTimePrecisionSeconds: 0, // judge by the raw (minute-rounded) time, which can only overstate the age
      onFailure: async (failure) => {
        failures.push(failure);
      },
    });
    await mapping.idle();
    expect(batches).toEqual([]);
    expect(failures.map((failure) => [failure.condition, failure.attempts, ids(failure.records)])).toEqual([['RecordAgeExceeded', 0, ['old']]]);
  });

  it('resumes after its file checkpoint on restart instead of replaying the stream', async () => {
    const tables = await useLocalTables('sm-resume');
    const dir = await mkdtemp(join(tmpdir(), 'opencem-checkpoints-'));
    const path = join(dir, 'nested', 'test.json');
    try {
      const first = recorder();
      const mapping = await start(tables, first.handler, { checkpoint: fileCheckpoints(path) });
      for (const id of ['c1', 'c2', 'c3']) await put(tables, id);
      await mapping.idle();
      await mapping.stop();
      expect(ids(first.batches.flat())).toEqual(['c1', 'c2', 'c3']);

      // Written while nothing was running, like responses captured between two `npm start`s.
      for (const id of ['c4', 'c5']) await put(tables, id);
      const second = recorder();
      const restarted = await start(tables, second.handler, { checkpoint: fileCheckpoints(path) });
      await restarted.idle();
      expect(ids(second.batches.flat())).toEqual(['c4', 'c5']);

      const saved = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
      expect(Object.values(saved)).toEqual([(await sequenceNumbers(tables)).at(-1)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('starts at LATEST when asked, skipping what was written before but nothing written after start', async () => {
    const tables = await useLocalTables('sm-latest');
    // A slow GetShardIterator must not let start() return before the LATEST position is taken.
    tables.streams.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetShardIteratorCommand') await new Promise((done) => setTimeout(done, 200));
        return next(args);
      },
      { step: 'initialize' },
    );
    await put(tables, 'before');
    const { batches, handler } = recorder();
    const mapping = await start(tables, handler, { startingPosition: 'LATEST' });
    await put(tables, 'after');
    await mapping.idle();
    expect(ids(batches.flat())).toEqual(['after']);
  });

  it('renews an expired shard iterator without losing or repeating records', async () => {
    const tables = await useLocalTables('sm-expired');
    // Iterators expire after 15 minutes. Rather than wait, age the next iterator we send: DynamoDB Local's iterator is
    // base64("shardId|sequenceNumber|issuedAtMillis"), and the server itself then answers ExpiredIteratorException.
    let ageNext = false;
    let aged = 0;
    tables.streams.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ShardIterator?: string };
        if (ageNext && context.commandName === 'GetRecordsCommand' && input.ShardIterator) {
          const [arn, serial, encoded = ''] = input.ShardIterator.split('|');
          const [shard, sequence, issued = ''] = Buffer.from(encoded, 'base64').toString().split('|');
          const old = String(Date.now() - 20 * 60_000).padStart(issued.length, '0');
          input.ShardIterator = [arn, serial, Buffer.from([shard, sequence, old].join('|')).toString('base64')].join('|');
          ageNext = false;
          aged++;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const { batches, handler } = recorder();
    const lines: string[] = [];
    const mapping = await start(tables, handler, { log: (line) => lines.push(line) });
    for (const id of ['e1', 'e2']) await put(tables, id);
    await mapping.idle();
    ageNext = true;
    for (const id of ['e3', 'e4']) await put(tables, id);
    await mapping.idle();

    expect(aged).toBe(1);
    expect(lines.some((line) => line.includes('iterator expired'))).toBe(true); // the server did reject it
    expect(ids(batches.flat())).toEqual(['e1', 'e2', 'e3', 'e4']);
  });

  it('finishes a closed stream and follows the table to its new stream', async () => {
    const tables = await useLocalTables('sm-restream');
    const { batches, handler } = recorder();
    const mapping = await start(tables, handler);
    await put(tables, 'old-stream');
    await mapping.idle();
    const oldArn = await streamArn(tables);

    // Turning the stream off closes its shard; turning it on again creates a new stream (new ARN, new shards).
    await tables.client.send(new UpdateTableCommand({ TableName: tables.names.responses, StreamSpecification: { StreamEnabled: false } }));
    await tables.client.send(
      new UpdateTableCommand({ TableName: tables.names.responses, StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }),
    );
    const newArn = await streamArn(tables);
    expect(newArn).not.toBe(oldArn);
    await put(tables, 'new-stream');
    await mapping.idle();

    expect(batches.flat().map((record) => [record.dynamodb?.Keys?.id?.S, record.eventSourceARN])).toEqual([
      ['old-stream', oldArn],
      ['new-stream', newArn],
    ]);
    const shards = mapping.stats().shards;
    expect(shards).toHaveLength(2);
    expect(shards.filter((shard) => shard.state === 'finished')).toHaveLength(1);
  });
});
