// Owns the local event-source mapping: polls a table's real DynamoDB Local stream and invokes a handler the way Lambda's DynamoDB stream mapping does.
/**
 * ```ts
 * const mapping = await startStreamMapping({
 *   name: 'aggregate', dynamo, streams, tableName: names.responses,
 *   trigger: functions.aggregate.trigger,          // batchSize, window, retries, bisect, eventName filter, max record age
 *   handler,                                       // (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>
 *   checkpoint: fileCheckpoints('.opencem/checkpoints/aggregate.json'),
 *   onFailure: async (failure) => dlq.push(failure),
 * });
 * await mapping.idle();   // every record now in the stream has been handled (tests, benchmarks)
 * mapping.stats();        // counters and per-shard positions
 * await mapping.stop();   // lets the running invocation finish, then stops polling
 * ```
 *
 * Semantics (Lambda's, for a mapping with ReportBatchItemFailures on):
 * - Records arrive in AWS's `DynamoDBStreamEvent` JSON shape: ApproximateCreationDateTime in epoch seconds, binary
 *   attributes base64, eventSourceARN = the stream ARN.
 * - One worker per shard; records of a shard are handled strictly in sequence order, one batch at a time. A child shard
 *   (after a shard rollover, every 4 h in DynamoDB Local as in AWS) starts only once its parent is finished. Shards are
 *   rediscovered every `discoveryIntervalMs`, when a shard ends, and on `idle()`; a changed LatestStreamArn (stream
 *   re-enabled, table recreated) is followed too.
 * - Filter criteria: records whose eventName is not in `trigger.eventNames` are never delivered but are checkpointed.
 * - Batching: up to `batchSize` records; a partial batch waits up to `maxBatchingWindowSeconds` for more.
 * - Failures: a `batchItemFailures` answer commits the records before the lowest reported sequence number and retries
 *   from it. An empty or unknown itemIdentifier, a thrown error or a timeout fail the whole batch. With bisect on, a
 *   failing batch of several records is split (at the reported record, else in halves, like EventBridge Pipes'
 *   AUTOMATIC_BISECT) until the failing record is alone, so good records get through. A batch (without bisect) or a lone
 *   record (with bisect) that fails `retryAttempts + 1` invocations in a row without progress goes to `onFailure`
 *   ('RetryAttemptsExhausted'); the mapping then moves on, so a poison record never blocks the shard for good.
 *   Unlike Lambda, the retry count restarts whenever a retry makes progress. -1 means retry forever (Lambda's value).
 * - Records older than `maxRecordAgeSeconds` go to `onFailure` ('RecordAgeExceeded') instead of the handler.
 *   DynamoDB Local rounds ApproximateCreationDateTime down to the minute (AWS: to the second), so ages are judged with
 *   `creationTimePrecisionSeconds` (default 60) of slack: a record is only dropped when it is certainly too old.
 * - Checkpoints: after each committed step the last handled sequence number of the shard is saved, so a restart resumes
 *   after it (at-least-once: a batch interrupted by stop() or a crash is delivered again). A fresh shard starts at
 *   `startingPosition` (TRIM_HORIZON by default; with LATEST, a shard that never had a record handled has no
 *   checkpoint and starts at LATEST again); shards born later always start at TRIM_HORIZON.
 * - Expired iterators are renewed after the last record read; a checkpoint behind the stream's trim horizon restarts
 *   the shard at TRIM_HORIZON (the records in between are gone; this is logged).
 */
import {
  DescribeTableCommand,
  ResourceNotFoundException as TableNotFoundException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type AttributeValue as SdkAttributeValue,
  type DynamoDBStreamsClient,
  type _Record as SdkRecord,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorText, sleep, withTimeout } from './mapping-support.ts';
import type { StreamEventName, StreamTrigger } from '../topology.ts';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

/** Where a mapping remembers, per shard, the sequence number of the last record it has finished with. */
export interface Checkpoints {
  load(shardId: string): Promise<string | undefined>;
  save(shardId: string, sequenceNumber: string): Promise<void>;
}

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** What the on-failure destination receives: the discarded records themselves (Lambda sends only their coordinates). */
export interface StreamFailure {
  mapping: string;
  streamArn: string;
  shardId: string;
  condition: FailureCondition;
  /** Human-readable: the condition and the last error. */
  reason: string;
  /** Invocations that failed on these records (0 when they expired before any). */
  attempts: number;
  records: DynamoDBRecord[];
}

export interface StreamMappingOptions {
  /** Names the mapping in logs and failures, e.g. the function name. */
  name: string;
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  trigger: Pick<StreamTrigger, 'batchSize' | 'maxBatchingWindowSeconds' | 'retryAttempts' | 'bisectBatchOnError' | 'eventNames' | 'maxRecordAgeSeconds'>;
  handler: StreamHandler;
  /** Where a fresh shard starts when it has no checkpoint (default TRIM_HORIZON). */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Default: in memory, i.e. a new mapping starts at `startingPosition`. */
  checkpoint?: Checkpoints;
  /** The on-failure destination. Without one, discarded records are only logged (as in Lambda without a destination). */
  onFailure?: (failure: StreamFailure) => Promise<void>;
  /** Pause between GetRecords calls on a caught-up shard (default 25 ms); one call costs ~1–3 ms in DynamoDB Local. */
  pollIntervalMs?: number;
  /** Overrides trigger.maxBatchingWindowSeconds, e.g. for a snappier demo. */
  batchingWindowSeconds?: number;
  /** First retry delay, doubled per attempt up to 5 s (default 100 ms). */
  retryBackoffMs?: number;
  /** Fails an invocation that takes longer, like a Lambda timeout (the handler keeps running; its result is ignored). */
  timeoutSeconds?: number;
  /** How coarse the stream's ApproximateCreationDateTime is (default 60: DynamoDB Local rounds down to the minute). */
  creationTimePrecisionSeconds?: number;
  /** How often to look for new shards and a new stream (default 2 s). */
  discoveryIntervalMs?: number;
  log?: (line: string) => void;
}

export interface ShardStats {
  shardId: string;
  parentShardId?: string;
  state: 'waiting' | 'running' | 'finished';
  /** Last sequence number handled (delivered, filtered out or discarded) and checkpointed. */
  checkpoint?: string;
  /** Records read but not yet handled. */
  buffered: number;
}

export interface StreamMappingStats {
  name: string;
  streamArn: string;
  recordsRead: number;
  recordsFiltered: number;
  /** Records the handler accepted (a record retried and then accepted counts once). */
  recordsProcessed: number;
  /** Records sent to the on-failure destination. */
  recordsFailed: number;
  invocations: number;
  failedInvocations: number;
  shards: ShardStats[];
}

export interface StreamMapping {
  /** Resolves when every record in the stream at the time of the call has been handled; rejects after `timeoutMs`. */
  idle(timeoutMs?: number): Promise<void>;
  stats(): StreamMappingStats;
  /** Stops polling after the running invocation (if any) has finished; its checkpoint is saved first. */
  stop(): Promise<void>;
}

export async function startStreamMapping(options: StreamMappingOptions): Promise<StreamMapping> {
  const mapping = new Mapping(options);
  await mapping.start();
  return {
    idle: (timeoutMs) => mapping.idle(timeoutMs),
    stats: () => mapping.stats(),
    stop: () => mapping.stop(),
  };
}

/** Checkpoints kept in a JSON file (`{ shardId: sequenceNumber }`), one file per mapping, written atomically. */
export function fileCheckpoints(path: string): Checkpoints {
  let positions: Record<string, string> | undefined;
  let writes: Promise<void> = Promise.resolve();
  const read = async (): Promise<Record<string, string>> => {
    if (positions) return positions;
    try {
      positions = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Cannot read stream checkpoints ${path}: ${(error as Error).message}`);
      positions = {};
    }
    return positions;
  };
  return {
    load: async (shardId) => (await read())[shardId],
    save: async (shardId, sequenceNumber) => {
      const current = await read();
      current[shardId] = sequenceNumber;
      // Serialised so that an older snapshot can never overwrite a newer one.
      writes = writes.catch(() => {}).then(async () => {
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        const temporary = `${path}.${process.pid}.tmp`;
        // Owner-only like the rest of the data dir (the positions say nothing personal, but the directory is private).
        await writeFile(temporary, JSON.stringify(current, null, 2), { mode: 0o600 });
        await rename(temporary, path); // atomic: a crash leaves the old file or the new one, never half of one
      });
      await writes;
    },
  };
}

export function memoryCheckpoints(initial: Record<string, string> = {}): Checkpoints & { positions: Record<string, string> } {
  const positions = { ...initial };
  return {
    positions,
    load: async (shardId) => positions[shardId],
    save: async (shardId, sequenceNumber) => {
      positions[shardId] = sequenceNumber;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------

interface Entry {
  record: DynamoDBRecord;
  sequenceNumber: string;
  deliver: boolean;
  /** When the stream says the record was written (rounded down, see creationTimePrecisionSeconds). */
  createdAtMs: number;
  readAtMs: number;
}

interface Segment {
  entries: Entry[];
  /** Failed invocations of this segment since its head last changed. */
  attempts: number;
}

type Outcome = { ok: true } | { ok: false; failedAt: number; error: string };

const getRecordsLimit = 1000; // the API maximum

class Mapping {
  readonly options: StreamMappingOptions;
  readonly log: (line: string) => void;
  readonly pollIntervalMs: number;
  readonly windowMs: number;
  readonly retryBackoffMs: number;
  readonly precisionMs: number;
  readonly eventNames: ReadonlySet<StreamEventName>;
  readonly checkpoints: Checkpoints;
  readonly workers = new Map<string, ShardWorker>();
  readonly counters = { recordsRead: 0, recordsFiltered: 0, recordsProcessed: 0, recordsFailed: 0, invocations: 0, failedInvocations: 0 };
  readonly stopping = new AbortController();
  /** Orders events without clock ties: idle() only trusts reads that started after it was called. */
  private ticks = 0;
  streamArn = '';
  private firstDiscovery = true;
  private discoveries: Promise<void> = Promise.resolve();
  private discoveryLoop: Promise<void> = Promise.resolve();

  constructor(options: StreamMappingOptions) {
    const { trigger } = options;
    if (!Number.isInteger(trigger.batchSize) || trigger.batchSize < 1 || trigger.batchSize > 10_000) {
      throw new Error(`${options.name}: batchSize must be 1–10000, got ${trigger.batchSize}`);
    }
    if (trigger.eventNames.length === 0) throw new Error(`${options.name}: eventNames is empty, nothing would ever be delivered`);
    this.options = options;
    this.log = (line) => (options.log ?? console.log)(`[stream:${options.name}] ${line}`);
    this.pollIntervalMs = options.pollIntervalMs ?? 25;
    this.windowMs = (options.batchingWindowSeconds ?? trigger.maxBatchingWindowSeconds) * 1000;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
    this.precisionMs = (options.creationTimePrecisionSeconds ?? 60) * 1000;
    this.eventNames = new Set(trigger.eventNames);
    this.checkpoints = options.checkpoint ?? memoryCheckpoints();
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  async start(): Promise<void> {
    this.streamArn = await this.latestStreamArn();
    if (!this.streamArn) throw new Error(`${this.options.name}: table ${this.options.tableName} has no stream; its TableSpec needs \`stream\``);
    await this.discover();
    // Positions are taken before we return, so that (with LATEST) a record written right after start() is not missed.
    await Promise.all([...this.workers.values()].map((worker) => worker.opened));
    this.discoveryLoop = (async () => {
      while (!this.stopped) {
        await sleep(this.options.discoveryIntervalMs ?? 2_000, this.stopping.signal);
        if (!this.stopped) await this.discover();
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.discoveryLoop;
    await this.discoveries;
    await Promise.all([...this.workers.values()].map((worker) => worker.done));
  }

  /** Serialised: each call runs one full discovery that starts after the previous one ended. */
  discover(): Promise<void> {
    this.discoveries = this.discoveries.then(() => this.discoverOnce()).catch((error: unknown) => this.log(`shard discovery failed: ${errorText(error)}`));
    return this.discoveries;
  }

  private async latestStreamArn(): Promise<string> {
    try {
      const { Table } = await this.options.dynamo.send(new DescribeTableCommand({ TableName: this.options.tableName }));
      return Table?.StreamSpecification?.StreamEnabled ? (Table.LatestStreamArn ?? '') : '';
    } catch (error) {
      if (error instanceof TableNotFoundException) return '';
      throw error;
    }
  }

  private async discoverOnce(): Promise<void> {
    if (this.stopped) return;
    const latest = await this.latestStreamArn();
    if (latest && latest !== this.streamArn) {
      // Old shards keep their workers and finish; the new stream's shards start at TRIM_HORIZON below.
      this.log(`table ${this.options.tableName} has a new stream ${latest}`);
      this.streamArn = latest;
    }
    const arn = this.streamArn;
    let exclusiveStartShardId: string | undefined;
    do {
      let description;
      try {
        ({ StreamDescription: description } = await this.options.streams.send(
          new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: exclusiveStartShardId }),
        ));
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return; // stream gone with its table; existing workers drain
        throw error;
      }
      for (const shard of description?.Shards ?? []) {
        const shardId = shard.ShardId;
        if (!shardId || this.workers.has(shardId)) continue;
        const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
        // LATEST applies to the shards that exist when the mapping starts; shards born later are read from their start.
        const position = this.firstDiscovery && this.options.startingPosition === 'LATEST' ? (closed ? 'skip' : 'LATEST') : 'TRIM_HORIZON';
        this.workers.set(shardId, new ShardWorker(this, arn, shardId, shard.ParentShardId, position));
      }
      exclusiveStartShardId = description?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    this.firstDiscovery = false;
    for (const worker of this.workers.values()) {
      if (worker.state !== 'waiting') continue;
      const parent = worker.parentShardId ? this.workers.get(worker.parentShardId) : undefined;
      // A parent we never saw has been trimmed away: nothing of it is left to read first.
      if (!parent || parent.state === 'finished') worker.begin();
    }
  }

  tick(): number {
    return ++this.ticks;
  }

  async idle(timeoutMs = 30_000): Promise<void> {
    const since = this.tick();
    const deadline = Date.now() + timeoutMs;
    await this.discover();
    while (!this.stopped) {
      const workers = [...this.workers.values()];
      // No workers means discovery has not succeeded yet (an enabled stream always has a shard): not idle.
      if (workers.length > 0 && workers.every((worker) => worker.caughtUpSince(since))) return;
      if (Date.now() > deadline) {
        throw new Error(`stream mapping ${this.options.name} not idle after ${timeoutMs} ms: ${JSON.stringify(this.stats())}`);
      }
      await sleep(Math.min(this.pollIntervalMs, 10), this.stopping.signal);
    }
  }

  stats(): StreamMappingStats {
    return {
      name: this.options.name,
      streamArn: this.streamArn,
      ...this.counters,
      shards: [...this.workers.values()].map((worker) => worker.stats()),
    };
  }

  accepts(eventName: string | undefined): boolean {
    return eventName !== undefined && this.eventNames.has(eventName as StreamEventName);
  }

  retryDelay(attempts: number): number {
    if (this.retryBackoffMs <= 0) return 0;
    const base = Math.min(this.retryBackoffMs * 2 ** Math.max(0, attempts - 1), 5_000);
    return base / 2 + Math.random() * (base / 2); // jitter, so that shards retrying the same hot item drift apart
  }
}

class ShardWorker {
  state: 'waiting' | 'running' | 'finished' = 'waiting';
  done: Promise<void> = Promise.resolve();
  /** Settles once the shard's starting position is fixed (or the worker gave up). */
  opened: Promise<void> = Promise.resolve();
  private iterator: string | undefined;
  private buffer: Entry[] = [];
  private lastRead: string | undefined;
  private committed: string | undefined;
  private busy = false;
  /** Tick at the start of the latest GetRecords that found nothing while nothing was pending. */
  private caughtUpAt = 0;
  private lastError = '';

  constructor(
    readonly mapping: Mapping,
    readonly streamArn: string,
    readonly shardId: string,
    readonly parentShardId: string | undefined,
    private readonly initialPosition: 'TRIM_HORIZON' | 'LATEST' | 'skip',
  ) {}

  begin(): void {
    this.state = 'running';
    let markOpened = () => {};
    this.opened = new Promise<void>((done) => (markOpened = done));
    this.done = this.run(markOpened).catch((error: unknown) => {
      // Only a bug gets here (every expected error is handled in place); stop this shard loudly rather than spin.
      this.mapping.log(`shard ${this.shardId} stopped after an unexpected error: ${errorText(error)}`);
      this.state = 'finished';
    }).finally(markOpened);
  }

  caughtUpSince(since: number): boolean {
    if (this.state === 'finished') return true;
    return this.state === 'running' && !this.busy && this.buffer.length === 0 && this.caughtUpAt > since;
  }

  stats(): ShardStats {
    return {
      shardId: this.shardId,
      ...(this.parentShardId ? { parentShardId: this.parentShardId } : {}),
      state: this.state,
      ...(this.committed ? { checkpoint: this.committed } : {}),
      buffered: this.buffer.length,
    };
  }

  private async run(opened: () => void): Promise<void> {
    try {
      await this.open();
    } finally {
      opened();
    }
    while (!this.mapping.stopped && this.state === 'running') await this.step();
  }

  private async open(): Promise<void> {
    const saved = await this.mapping.checkpoints.load(this.shardId);
    if (saved) {
      this.committed = saved;
      this.lastRead = saved;
      this.iterator = await this.iteratorAt('AFTER_SEQUENCE_NUMBER', saved);
    } else if (this.initialPosition === 'skip') {
      this.finish();
      return;
    } else {
      this.iterator = await this.iteratorAt(this.initialPosition);
    }
    if (!this.iterator && this.state === 'running') this.finish();
  }

  /** An iterator, or undefined when the shard no longer exists. */
  private async iteratorAt(type: ShardIteratorType, sequenceNumber?: string): Promise<string | undefined> {
    const { streams } = this.mapping.options;
    for (let failures = 0; !this.mapping.stopped; failures++) {
      try {
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: this.shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }),
        );
        return ShardIterator;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        if (error instanceof TrimmedDataAccessException || (sequenceNumber && /sequence ?number/i.test(errorText(error)))) {
          this.mapping.log(`shard ${this.shardId}: position ${sequenceNumber ?? type} is no longer in the stream (trimmed); records after it are lost, restarting at TRIM_HORIZON`);
          type = 'TRIM_HORIZON';
          sequenceNumber = undefined;
          continue;
        }
        await this.pauseAfterError('GetShardIterator', error, failures);
      }
    }
    return undefined;
  }

  private async step(): Promise<void> {
    await this.skipFilteredHead();
    let read = -1;
    if (this.iterator && this.deliverable() < this.batchSize) read = await this.read();
    await this.skipFilteredHead();

    const waiting = this.deliverable();
    if (waiting > 0) {
      const first = this.buffer.find((entry) => entry.deliver);
      const windowOpen = this.iterator !== undefined && first !== undefined && Date.now() - first.readAtMs < this.mapping.windowMs;
      if (waiting >= this.batchSize || !windowOpen) return this.deliverBatch();
      // Keep filling the batch until the window closes.
      if (read === 0) await sleep(this.mapping.pollIntervalMs, this.mapping.stopping.signal);
      return;
    }
    if (!this.iterator) return this.finish(); // closed shard, fully handled
    if (read <= 0) await sleep(this.mapping.pollIntervalMs, this.mapping.stopping.signal);
  }

  private get batchSize(): number {
    return this.mapping.options.trigger.batchSize;
  }

  private deliverable(): number {
    let count = 0;
    for (const entry of this.buffer) if (entry.deliver) count++;
    return count;
  }

  /** Number of records read, or -1 when the read failed. */
  private async read(): Promise<number> {
    const startedAt = this.mapping.tick();
    let response;
    try {
      response = await this.mapping.options.streams.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: getRecordsLimit }));
    } catch (error) {
      if (error instanceof ExpiredIteratorException) {
        // Iterators live 15 minutes; a long retry or a sleeping laptop outlives them. Continue after what we have.
        this.mapping.log(`shard ${this.shardId}: iterator expired, renewing after ${this.lastRead ?? 'the start'}`);
        this.iterator = await (this.lastRead ? this.iteratorAt('AFTER_SEQUENCE_NUMBER', this.lastRead) : this.iteratorAt(this.initialPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON'));
      } else if (error instanceof TrimmedDataAccessException) {
        // DynamoDB Local also says this for a brand-new, still empty shard; only a shard we had read from can lose records.
        if (this.lastRead) this.mapping.log(`shard ${this.shardId}: records after ${this.lastRead} were trimmed before we read them; continuing at TRIM_HORIZON`);
        this.iterator = await this.iteratorAt('TRIM_HORIZON');
      } else if (error instanceof ResourceNotFoundException) {
        this.mapping.log(`shard ${this.shardId} no longer exists`);
        this.iterator = undefined;
      } else {
        await this.pauseAfterError('GetRecords', error, 0);
      }
      return -1;
    }
    this.lastError = '';
    const records = response.Records ?? [];
    const now = Date.now();
    for (const raw of records) {
      const record = toLambdaRecord(raw, this.streamArn);
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      this.buffer.push({
        record,
        sequenceNumber,
        deliver: this.mapping.accepts(record.eventName),
        createdAtMs: raw.dynamodb?.ApproximateCreationDateTime?.getTime() ?? now,
        readAtMs: now,
      });
      this.lastRead = sequenceNumber;
    }
    this.mapping.counters.recordsRead += records.length;
    this.iterator = response.NextShardIterator; // undefined: the shard is closed and we have read all of it
    if (records.length === 0 && this.buffer.length === 0) this.caughtUpAt = startedAt;
    return records.length;
  }

  private async pauseAfterError(operation: string, error: unknown, failures: number): Promise<void> {
    const text = `${operation} failed: ${errorText(error)}`;
    if (text !== this.lastError) this.mapping.log(`shard ${this.shardId}: ${text} (retrying)`); // once per distinct error, not per poll
    this.lastError = text;
    await sleep(Math.min(100 * 2 ** failures, 2_000), this.mapping.stopping.signal);
  }

  /** Filtered-out records at the head are done with as soon as they are read. */
  private async skipFilteredHead(): Promise<void> {
    let skipped = 0;
    while (skipped < this.buffer.length && !this.buffer[skipped]?.deliver) skipped++;
    if (skipped === 0) return;
    const last = this.buffer[skipped - 1];
    this.buffer.splice(0, skipped);
    this.mapping.counters.recordsFiltered += skipped;
    if (last) await this.commit(last.sequenceNumber);
  }

  private async commit(sequenceNumber: string): Promise<void> {
    this.committed = sequenceNumber;
    try {
      await this.mapping.checkpoints.save(this.shardId, sequenceNumber);
    } catch (error) {
      // Processing goes on from memory; the worst case is redelivery after a restart, which handlers must tolerate anyway.
      this.mapping.log(`shard ${this.shardId}: could not save checkpoint ${sequenceNumber}: ${errorText(error)}`);
    }
  }

  private async deliverBatch(): Promise<void> {
    // The batch spans the buffer up to its batchSize-th deliverable record; filtered records inside it are committed with it.
    let span = 0;
    let count = 0;
    while (span < this.buffer.length && count < this.batchSize) {
      if (this.buffer[span]?.deliver) count++;
      span++;
    }
    const spanned = this.buffer.slice(0, span);
    this.busy = true;
    try {
      const finished = await this.handle(spanned.filter((entry) => entry.deliver));
      if (!finished) return; // stopped mid-retry: leave the rest uncommitted so that it is delivered again
      this.buffer.splice(0, span);
      this.mapping.counters.recordsFiltered += spanned.length - count;
      const last = spanned.at(-1);
      if (last && last.sequenceNumber !== this.committed) await this.commit(last.sequenceNumber);
    } finally {
      this.busy = false;
    }
  }

  /** Delivers the records with Lambda's retry rules; false when stopped before every record was dealt with. */
  private async handle(entries: Entry[]): Promise<boolean> {
    const { trigger } = this.mapping.options;
    const queue: Segment[] = [{ entries, attempts: 0 }];
    while (queue.length > 0) {
      const segment = queue[0];
      if (!segment) break;
      if (this.mapping.stopped) return false;

      const expired = this.expiredPrefix(segment.entries);
      if (expired > 0) {
        await this.fail(segment.entries.slice(0, expired), 'RecordAgeExceeded', segment.attempts, `older than ${trigger.maxRecordAgeSeconds} s`);
        segment.entries = segment.entries.slice(expired);
        if (segment.entries.length === 0) queue.shift();
        continue;
      }

      const outcome = await this.invoke(segment.entries);
      if (outcome.ok) {
        this.mapping.counters.recordsProcessed += segment.entries.length;
        await this.commitEntry(segment.entries.at(-1));
        queue.shift();
        continue;
      }

      this.mapping.counters.failedInvocations++;
      if (outcome.failedAt > 0) {
        // The records before the lowest reported failure are done: commit them and retry from the failed one.
        const succeeded = segment.entries.slice(0, outcome.failedAt);
        this.mapping.counters.recordsProcessed += succeeded.length;
        await this.commitEntry(succeeded.at(-1));
        segment.entries = segment.entries.slice(outcome.failedAt);
        // With bisect this is the split at the reported record: a new segment, not yet retried on its own.
        segment.attempts = trigger.bisectBatchOnError ? 0 : 1;
        if (trigger.bisectBatchOnError) continue;
      } else if (trigger.bisectBatchOnError && segment.entries.length > 1) {
        const half = Math.ceil(segment.entries.length / 2);
        queue.splice(0, 1, { entries: segment.entries.slice(0, half), attempts: 0 }, { entries: segment.entries.slice(half), attempts: 0 });
        continue;
      } else {
        segment.attempts++;
      }

      if (trigger.retryAttempts >= 0 && segment.attempts > trigger.retryAttempts) {
        await this.fail(segment.entries, 'RetryAttemptsExhausted', segment.attempts, outcome.error);
        queue.shift();
        continue;
      }
      await sleep(this.mapping.retryDelay(segment.attempts), this.mapping.stopping.signal);
    }
    return true;
  }

  private async commitEntry(entry: Entry | undefined): Promise<void> {
    if (entry) await this.commit(entry.sequenceNumber);
  }

  private expiredPrefix(entries: Entry[]): number {
    const maxAge = this.mapping.options.trigger.maxRecordAgeSeconds;
    if (maxAge < 0) return 0;
    const now = Date.now();
    let count = 0;
    // Creation times never decrease along a shard, so the expired records form a prefix.
    while (count < entries.length && now - ((entries[count]?.createdAtMs ?? now) + this.mapping.precisionMs) > maxAge * 1000) count++;
    return count;
  }

  private async invoke(entries: Entry[]): Promise<Outcome> {
    const { handler, timeoutSeconds } = this.mapping.options;
    this.mapping.counters.invocations++;
    // A fresh copy per invocation: a handler that mutates its event must not change what a retry sees.
    const event: DynamoDBStreamEvent = { Records: entries.map((entry) => structuredClone(entry.record)) };
    let response: DynamoDBBatchResponse | void;
    try {
      response = await withTimeout(handler(event), timeoutSeconds);
    } catch (error) {
      return { ok: false, failedAt: 0, error: errorText(error) };
    }
    const failures = response?.batchItemFailures;
    if (!failures || failures.length === 0) return { ok: true };
    let lowest = Number.POSITIVE_INFINITY;
    for (const failure of failures) {
      const index = entries.findIndex((entry) => entry.sequenceNumber === failure?.itemIdentifier);
      // Lambda treats an empty, missing or unknown itemIdentifier as a failure of the whole batch.
      if (index < 0) return { ok: false, failedAt: 0, error: `invalid batchItemFailures itemIdentifier ${JSON.stringify(failure?.itemIdentifier)}` };
      lowest = Math.min(lowest, index);
    }
    return { ok: false, failedAt: lowest, error: `handler reported ${failures.length} failed record(s), the first at ${entries[lowest]?.sequenceNumber}` };
  }

  private async fail(entries: Entry[], condition: FailureCondition, attempts: number, detail: string): Promise<void> {
    const { name, onFailure } = this.mapping.options;
    const records = entries.map((entry) => entry.record);
    const failure: StreamFailure = {
      mapping: name,
      streamArn: this.streamArn,
      shardId: this.shardId,
      condition,
      reason: `${condition}: ${detail}`,
      attempts,
      records,
    };
    this.mapping.counters.recordsFailed += records.length;
    const range = `${entries[0]?.sequenceNumber}…${entries.at(-1)?.sequenceNumber}`;
    if (!onFailure) {
      this.mapping.log(`discarding ${records.length} record(s) ${range} (${failure.reason}); no on-failure destination`);
    } else {
      for (let failures = 0; ; failures++) {
        try {
          await onFailure(failure);
          break;
        } catch (error) {
          // Lambda keeps retrying a destination it cannot reach rather than lose the record's trace; so do we, a few times.
          if (failures >= 4) {
            this.mapping.log(`on-failure destination rejected ${records.length} record(s) ${range}: ${errorText(error)}; dropping them`);
            break;
          }
          await sleep(this.mapping.retryDelay(failures + 1), this.mapping.stopping.signal);
        }
      }
    }
    await this.commitEntry(entries.at(-1));
  }

  private finish(): void {
    if (this.state === 'finished') return;
    this.state = 'finished';
    if (!this.mapping.stopped) void this.mapping.discover(); // its children may be waiting for it
  }
}

// ---------------------------------------------------------------------------------------------------------------------

/** The SDK's record (Dates, Uint8Arrays) → the JSON shape Lambda puts in a DynamoDBStreamEvent. */
export function toLambdaRecord(raw: SdkRecord, streamArn: string): DynamoDBRecord {
  const stream = raw.dynamodb;
  const created = stream?.ApproximateCreationDateTime;
  const record: DynamoDBRecord = {
    eventID: raw.eventID,
    eventName: raw.eventName,
    eventVersion: raw.eventVersion ?? '1.1',
    eventSource: raw.eventSource ?? 'aws:dynamodb',
    awsRegion: raw.awsRegion,
    dynamodb: withoutUndefined({
      ApproximateCreationDateTime: created ? Math.floor(created.getTime() / 1000) : undefined,
      Keys: stream?.Keys ? toLambdaImage(stream.Keys) : undefined,
      NewImage: stream?.NewImage ? toLambdaImage(stream.NewImage) : undefined,
      OldImage: stream?.OldImage ? toLambdaImage(stream.OldImage) : undefined,
      SequenceNumber: stream?.SequenceNumber,
      SizeBytes: stream?.SizeBytes,
      StreamViewType: stream?.StreamViewType,
    }),
    eventSourceARN: streamArn,
  };
  // TTL deletions carry the service as the actor, which handlers use to tell expiry from user deletes.
  if (raw.userIdentity) record.userIdentity = withoutUndefined({ type: raw.userIdentity.Type, principalId: raw.userIdentity.PrincipalId });
  return withoutUndefined(record);
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  throw new Error(`Unknown attribute value ${JSON.stringify(value)}`);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

