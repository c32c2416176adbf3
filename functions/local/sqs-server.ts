// Owns the local queues: an in-process engine with Amazon SQS semantics behind a small HTTP server that speaks SQS's
// AWS JSON 1.0 protocol, so the unchanged @aws-sdk/client-sqs talks to it exactly as it talks to SQS.
/**
 * ```ts
 * const sqs = await startLocalSqs({ queues, dataDir }); // topology's queues; each also gets `<name>-dlq` and a redrive
 *                                                // policy; dataDir holds their journal (null or unset: memory only)
 * Object.assign(process.env, sqs.env());         // SQS_ENDPOINT=<endpoint>, QUEUE_TICKETS=<queue URL>, …
 * // handlers: new SQSClient({ endpoint: process.env.SQS_ENDPOINT }) — unset in AWS, so the same code uses the real SQS
 * sqs.stats('tickets');                          // { visible, inFlight, delayed, dlq }
 * await sqs.stop();                              // answers pending long polls, closes every connection, clears timers,
 *                                                // lets the journal's last writes finish
 * ```
 *
 * Protocol (what current @aws-sdk/client-sqs speaks): `POST /` with `X-Amz-Target: AmazonSQS.<Action>` and a JSON body
 * (`application/x-amz-json-1.0`); binary values are base64 strings. Errors are `{ "__type": "com.amazonaws.sqs#<Shape>",
 * "message": … }` with the shape's HTTP status and an `x-amzn-query-error: <query code>;Sender` header: the client is
 * "awsQueryCompatible" and fills `error.Code` / `error.Error.Code` from that header, while `__type` picks the modeled
 * exception class (`QueueDoesNotExist`, `ReceiptHandleIsInvalid`, …). Signatures are accepted unchecked; the access
 * key id of the signature becomes the message's SenderId. Actions: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue,
 * GetQueueAttributes, SetQueueAttributes, SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch),
 * ChangeMessageVisibility(Batch), PurgeQueue; other SQS actions answer UnsupportedOperation.
 *
 * Checksums: the client verifies MD5OfMessageBody (SendMessage, SendMessageBatch) and MD5OfBody (ReceiveMessage)
 * against its own MD5 of the UTF-8 body and throws on a mismatch. It does not check MD5OfMessageAttributes (the Java
 * and Go SDKs do), so that one follows AWS's documented algorithm exactly (`md5OfMessageAttributes`, tested against
 * AWS's sample values); on ReceiveMessage it covers the attributes actually returned, which is what SDKs verify.
 *
 * Semantics (standard queues; FIFO queues are refused):
 * - Delay: `DelaySeconds` 0–900 per message, else the queue's `DelaySeconds`. A delayed message counts in
 *   ApproximateNumberOfMessagesDelayed until it is due.
 * - Visibility: a receive hides a message for `VisibilityTimeout` (per request, else the queue's; topology's
 *   `visibilityTimeoutSeconds`); ChangeMessageVisibility restarts that clock from now (0 releases the message).
 *   Messages go out in the order they became available (oldest first) — SQS only promises "best effort" ordering.
 * - Receipt handles: every receive issues a new one. Only the latest one acts: DeleteMessage with an older handle of
 *   a message that has been received again succeeds and deletes nothing (SQS: "the request succeeds, but the message
 *   might not be deleted" — we pick the strict side, so code that relies on stale handles fails here first), and is
 *   logged. Deleting an already deleted message succeeds, as in SQS; a handle that is not ours is ReceiptHandleIsInvalid.
 *   ChangeMessageVisibility with a stale handle or for a deleted message is InvalidParameterValue, for a message that
 *   is not in flight MessageNotInflight.
 * - Redrive: a message received `maxReceiveCount` times moves to the dead-letter queue as soon as its last visibility
 *   timeout expires (SQS moves it lazily on the next receive; either way it is never delivered once more). It keeps its
 *   MessageId, body, attributes, SentTimestamp and receive count, and gains DeadLetterQueueSourceArn.
 * - Long polling (`WaitTimeSeconds` 1–20, or the queue's ReceiveMessageWaitTimeSeconds) returns as soon as at least one
 *   message is available — sent, due after its delay, or back after its visibility timeout — with what is available
 *   then, up to MaxNumberOfMessages (1–10). A client that gives up (abort, closed socket) never consumes messages.
 * - Timers: one per queue, armed for the earliest due message (a heap), so a delay or visibility timeout ends within a
 *   few ms of its due time; counters and receives judge due-ness from the clock, not from the timer. Timers are unref'd
 *   and cleared by stop().
 * - Limits as in SQS: message size (body + attributes) up to the queue's MaximumMessageSize (default 1 MiB), at most 10
 *   message attributes, batch entries 1–10 with distinct ids, body characters limited to those XML 1.0 allows,
 *   MessageRetentionPeriod (default 4 days; dead-letter queues made here keep 14 days) applied from SentTimestamp.
 *   PurgeQueue is not rate-limited (SQS allows one per 60 s) and a deleted queue's name is free again at once.
 * - Durability (with `dataDir`; see sqs-journal.ts): every change — queue created or reconfigured, message sent,
 *   received (its receive count and visibility deadline), visibility changed, deleted, moved to the DLQ, queue purged —
 *   is appended to a journal and fdatasync'd before the request is answered, so a 200 to SendMessage means the message
 *   survives `kill -9`, as SQS promises. Changes made while one write is on its way share the next sync (group commit).
 *   A restart replays the journal (a torn last line is ignored), then compacts it into a snapshot of what is live.
 *   Delays and visibility deadlines are absolute times, so they run on across the restart: a message in flight at the
 *   crash becomes visible again when its visibility timeout ends, and receipt handles of the old process are invalid
 *   (as after any receipt handle expiry). The topology's queue settings win over those a journal remembers. Without
 *   `dataDir` everything lives in memory and a restart starts with empty queues.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { QueueName, QueueSpec } from '../topology.ts';
import { openJournal, type JournalRecord, type QueueJournal, type StoredMessage, type StoredQueueConfig } from './sqs-journal.ts';

/** A message attribute in the client's shape (`MessageAttributeValue` of @aws-sdk/client-sqs). */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export interface LocalSqsOptions<Name extends string = QueueName> {
  /** The queues to create, normally topology's `queues`; each also gets a dead-letter queue `<name>-dlq`. */
  queues: Record<Name, QueueSpec>;
  /** Region in queue ARNs (default AWS_REGION, else us-east-1). */
  region?: string;
  /** Account id in queue URLs and ARNs (default 000000000000). */
  accountId?: string;
  /** 0 (default) picks a free port; the server listens on 127.0.0.1 only. */
  port?: number;
  /**
   * Directory of the queues' journal: messages survive a crash and a restart resumes them. null or unset keeps
   * everything in memory (tests, benchmarks): a restart then starts with empty queues.
   */
  dataDir?: string | null;
  /** Compact the journal once this many bytes were appended since its last snapshot (default 16 MiB). */
  compactJournalAtBytes?: number;
  log?: (line: string) => void;
}

export interface QueueStats {
  /** Available to a receive now (ApproximateNumberOfMessages). */
  visible: number;
  /** Received and neither deleted nor back (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  /** Sent with a delay that has not ended (ApproximateNumberOfMessagesDelayed). */
  delayed: number;
  /** Every message in the queue's dead-letter queue, whatever its state. */
  dlq: number;
}

export interface LocalSqs<Name extends string = QueueName> {
  /** For `new SQSClient({ endpoint })`, e.g. http://127.0.0.1:38211. */
  endpoint: string;
  region: string;
  /** True when the queues resumed from a journal that a previous process left in dataDir. */
  resumed: boolean;
  queueUrl(name: Name): string;
  dlqUrl(name: Name): string;
  queueArn(name: Name): string;
  /** SQS_ENDPOINT and each queue's `envVar` (its URL), as functions read them. */
  env(): Record<string, string>;
  stats(name: Name): QueueStats;
  stop(): Promise<void>;
}

export async function startLocalSqs<Name extends string = QueueName>(options: LocalSqsOptions<Name>): Promise<LocalSqs<Name>> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const engine = new Engine(region, options.accountId ?? '000000000000', (line) => (options.log ?? console.log)(`[sqs] ${line}`));
  const server = createServer((req, res) => void serveRequest(engine, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  engine.endpoint = endpoint;

  const specs = Object.entries(options.queues) as [Name, QueueSpec][];
  let resumed = false;
  let journal: QueueJournal | undefined;
  try {
    if (options.dataDir) {
      const started = Date.now();
      const opened = await openJournal(options.dataDir, { log: engine.log, ...(options.compactJournalAtBytes ? { compactAtBytes: options.compactJournalAtBytes } : {}) });
      ({ journal, resumed } = opened);
      const restored = engine.restore(opened.records);
      engine.journal = journal;
      journal.snapshot = () => engine.snapshot();
      if (resumed) {
        const torn = opened.skippedLines > 0 ? ` (${opened.skippedLines} torn or unreadable line(s) ignored)` : '';
        engine.log(`resumed ${restored} message(s) from ${options.dataDir} in ${Date.now() - started} ms${torn}`);
      }
    }

    for (const [name, spec] of specs) {
      // As the CDK stack should: a DLQ per queue that keeps messages for the maximum 14 days, then the queue redriving to it.
      const dlq = engine.ensureQueue(deadLetterName(name), { MessageRetentionPeriod: String(14 * 24 * 3600) });
      engine.ensureQueue(name, {
        VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount }),
      });
    }
    // A fresh file holding only what is live: the replayed history (and any torn tail) is gone from it.
    await journal?.compact();
  } catch (error) {
    engine.close();
    await journal?.close().catch(() => {});
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }

  const known = (name: string): Queue => {
    const queue = engine.queues.get(name);
    if (!queue) throw new Error(`local SQS has no queue ${name}`);
    return queue;
  };
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    region,
    resumed,
    queueUrl: (name) => known(name).url,
    dlqUrl: (name) => known(deadLetterName(name)).url,
    queueArn: (name) => known(name).arn,
    env: () => ({
      SQS_ENDPOINT: endpoint,
      ...Object.fromEntries(specs.map(([name, spec]) => [spec.envVar, known(name).url])),
    }),
    stats: (name) => {
      const counts = known(name).counts(Date.now());
      const dlq = engine.queues.get(deadLetterName(name))?.counts(Date.now());
      return { ...counts, dlq: dlq ? dlq.visible + dlq.inFlight + dlq.delayed : 0 };
    },
    stop: () =>
      (stopped ??= (async () => {
        engine.close(); // pending long polls answer empty, later requests 503
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Let the answers just written reach their clients, then drop keep-alive sockets, which would hold close() open.
          setImmediate(() => server.closeIdleConnections());
          setTimeout(() => server.closeAllConnections(), 200).unref();
        });
        await journal?.close(); // what was acknowledged is on the disk already; this lets the last writes finish
      })()),
  };
}

function deadLetterName(name: string): string {
  return `${name}-dlq`;
}

// --- MD5 checksums ---------------------------------------------------------------------------------------------------

export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

/**
 * MD5OfMessageAttributes as SQS computes it: attributes sorted by name; for each, the name, the data type and the
 * value, each as a 4-byte big-endian length followed by its bytes, with a 1-byte transport type (1 string, 2 binary)
 * before the value. Undefined when there are no attributes (SQS then omits the field).
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttributeValue>): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of names) {
    const attribute = attributes[name];
    if (!attribute) continue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(attribute.DataType, 'utf8'));
    if (isBinaryType(attribute.DataType)) {
      hash.update(Uint8Array.of(2));
      lengthPrefixed(attribute.BinaryValue ?? new Uint8Array());
    } else {
      hash.update(Uint8Array.of(1));
      lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}

function isBinaryType(dataType: string): boolean {
  return dataType === 'Binary' || dataType.startsWith('Binary.');
}

// --- Errors ----------------------------------------------------------------------------------------------------------

/** An error SQS would answer with: the smithy shape name, the query-protocol code and the HTTP status. */
class SqsError extends Error {
  constructor(
    readonly shape: string,
    message: string,
    readonly queryCode: string = shape,
    readonly status = 400,
  ) {
    super(message);
  }

  get senderFault(): boolean {
    return this.status < 500;
  }
}

const fail = {
  queueDoesNotExist: () => new SqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue'),
  invalidParameter: (message: string) => new SqsError('InvalidParameterValue', message),
  invalidValue: (name: string, value: unknown, reason: string) =>
    new SqsError('InvalidParameterValue', `Value ${typeof value === 'string' ? value : JSON.stringify(value)} for parameter ${name} is invalid. Reason: ${reason}`),
  missingParameter: (name: string) => new SqsError('MissingParameter', `The request must contain the parameter ${name}.`),
  serialization: (name: string, expected: string) => new SqsError('SerializationException', `${name} must be ${expected}.`),
  receiptHandleIsInvalid: (handle: string) =>
    new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`, 'ReceiptHandleIsInvalid', 404),
  invalidAttributeName: (name: string) => new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`),
  unsupported: (action: string) =>
    new SqsError('UnsupportedOperation', `${action} is not emulated by the local SQS.`, 'AWS.SimpleQueueService.UnsupportedOperation'),
  unknownOperation: (target: string) => new SqsError('UnknownOperationException', `Unknown operation ${target}.`, 'UnknownOperationException'),
};

// --- Request parsing -------------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(input: Json, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw fail.serialization(name, 'a string');
  return value;
}

function requiredString(input: Json, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined) throw fail.missingParameter(name);
  return value;
}

function optionalInteger(input: Json, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw fail.serialization(name, 'an integer');
  if (value < min || value > max) throw fail.invalidValue(name, value, `Must be between ${min} and ${max}, if provided.`);
  return value;
}

function stringList(input: Json, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) throw fail.serialization(name, 'a list of strings');
  return value;
}

function stringMap(input: Json, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (!isObject(value) || !Object.values(value).every((item) => typeof item === 'string')) throw fail.serialization(name, 'a map of strings');
  return value as Record<string, string>;
}

function batchEntries(input: Json): Json[] {
  const value = input.Entries;
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) {
    throw new SqsError('EmptyBatchRequest', 'There should be at least one SendMessageBatchRequestEntry in the request.', 'AWS.SimpleQueueService.EmptyBatchRequest');
  }
  if (!Array.isArray(value) || !value.every(isObject)) throw fail.serialization('Entries', 'a list of entries');
  if (value.length > 10) {
    throw new SqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are 10. You have sent ${value.length}.`, 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest');
  }
  const ids = new Set<string>();
  for (const entry of value) {
    const id = entry.Id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new SqsError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.', 'AWS.SimpleQueueService.InvalidBatchEntryId');
    }
    if (ids.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct');
    ids.add(id);
  }
  return value;
}

const attributeNamePattern = /^[A-Za-z0-9_.-]{1,256}$/;

function parseMessageAttributes(raw: unknown, kind: 'user' | 'system'): Record<string, MessageAttributeValue> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw fail.serialization('MessageAttributes', 'a map');
  const label = kind === 'user' ? 'Message (user) attribute' : 'Message system attribute';
  const names = Object.keys(raw);
  if (kind === 'user' && names.length > 10) throw fail.invalidParameter(`Number of message attributes [${names.length}] exceeds the allowed maximum [10].`);
  const parsed: Record<string, MessageAttributeValue> = {};
  for (const name of names.sort()) {
    const value = raw[name];
    if (kind === 'system' && name !== 'AWSTraceHeader') throw fail.invalidParameter(`Message system attribute name '${name}' is invalid.`);
    if (kind === 'user' && (!attributeNamePattern.test(name) || /^(aws\.|amazon\.)/i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..'))) {
      throw fail.invalidParameter(`${label} name '${name}' is invalid.`);
    }
    if (!isObject(value)) throw fail.serialization(`MessageAttributes.${name}`, 'an attribute value');
    const dataType = value.DataType;
    if (typeof dataType !== 'string' || !/^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/.test(dataType) || dataType.length > 256) {
      throw fail.invalidParameter(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    if (value.StringListValues !== undefined || value.BinaryListValues !== undefined) {
      throw fail.invalidParameter(`${label} '${name}' uses list values, which SQS reserves and does not implement.`);
    }
    if (isBinaryType(dataType)) {
      const base64 = value.BinaryValue;
      if (typeof base64 !== 'string' || base64.length === 0) throw fail.invalidParameter(`${label} '${name}' must contain a non-empty value of type 'Binary'.`);
      parsed[name] = { DataType: dataType, BinaryValue: Buffer.from(base64, 'base64') };
    } else {
      const text = value.StringValue;
      const type = dataType.startsWith('Number') ? 'Number' : 'String';
      if (typeof text !== 'string' || text.length === 0) throw fail.invalidParameter(`${label} '${name}' must contain a non-empty value of type '${type}'.`);
      if (type === 'Number' && !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) {
        throw fail.invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      }
      if (hasInvalidCharacters(text)) throw fail.invalidParameter(`${label} '${name}' contains invalid characters.`);
      parsed[name] = { DataType: dataType, StringValue: text };
    }
  }
  return parsed;
}

/** SQS accepts only the characters XML 1.0 allows: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
function hasInvalidCharacters(text: string): boolean {
  return /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(text);
}

function attributesSize(attributes: Record<string, MessageAttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    size += value.BinaryValue ? value.BinaryValue.length : Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

function toWireAttributes(attributes: Record<string, MessageAttributeValue>): Json {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      value.BinaryValue ? { DataType: value.DataType, BinaryValue: Buffer.from(value.BinaryValue).toString('base64') } : { DataType: value.DataType, StringValue: value.StringValue },
    ]),
  );
}

// --- The engine ------------------------------------------------------------------------------------------------------

interface Message {
  readonly id: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: Record<string, MessageAttributeValue>;
  readonly traceHeader?: string;
  readonly groupId?: string;
  readonly senderId: string;
  readonly sentAt: number;
  /** Epoch ms from which the message may be received: after its delay, or after its visibility timeout. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Nonce of the latest receive; only the receipt handle that carries it acts on the message. Unset until received. */
  receipt?: string;
  deadLetterSourceArn?: string;
}

/** A queue's settings, as the journal keeps them. */
type QueueConfig = StoredQueueConfig;

const defaultConfig: QueueConfig = {
  DelaySeconds: 0,
  MaximumMessageSize: 1_048_576,
  MessageRetentionPeriod: 345_600,
  ReceiveMessageWaitTimeSeconds: 0,
  VisibilityTimeout: 30,
  passive: {},
};

const integerAttributes = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1_024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
} as const satisfies Record<string, readonly [number, number]>;

const passiveAttributes = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']);
const fifoAttributes = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);
const countAttributes = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const;
const systemAttributeNames = ['SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'AWSTraceHeader', 'DeadLetterQueueSourceArn', 'MessageGroupId'];

interface RequestContext {
  /** Aborted when the client goes away: a pending long poll then ends without taking messages. */
  signal: AbortSignal;
  senderId: string;
}

type Action = (input: Json, context: RequestContext) => Json | Promise<Json>;

class Engine {
  readonly queues = new Map<string, Queue>();
  endpoint = '';
  closed = false;
  /** Set when queues are durable: every state change is appended here before its request is answered. */
  journal: QueueJournal | undefined;
  readonly actions: Record<string, Action>;

  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly log: (line: string) => void,
  ) {
    this.actions = {
      CreateQueue: (input) => ({ QueueUrl: this.createQueue(requiredString(input, 'QueueName'), stringMap(input, 'Attributes')).url }),
      GetQueueUrl: (input) => {
        const queue = this.queues.get(requiredString(input, 'QueueName'));
        if (!queue) throw fail.queueDoesNotExist();
        return { QueueUrl: queue.url };
      },
      ListQueues: (input) => {
        const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
        const urls = [...this.queues.values()].filter((queue) => queue.name.startsWith(prefix)).map((queue) => queue.url);
        return urls.length > 0 ? { QueueUrls: urls.slice(0, optionalInteger(input, 'MaxResults', 1, 1000) ?? 1000) } : {};
      },
      DeleteQueue: (input) => {
        const queue = this.queueOf(input);
        queue.close();
        this.queues.delete(queue.name);
        this.record({ op: 'drop-queue', name: queue.name });
        return {};
      },
      GetQueueAttributes: (input) => ({ Attributes: this.queueOf(input).attributes(stringList(input, 'AttributeNames'), Date.now()) }),
      SetQueueAttributes: (input) => {
        const queue = this.queueOf(input);
        queue.configure(this.parseConfig(queue.name, stringMap(input, 'Attributes'), queue.config));
        this.record(queue.toRecord());
        return {};
      },
      SendMessage: (input, context) => {
        const queue = this.queueOf(input);
        const result = queue.send(input, context.senderId, Date.now());
        queue.serveWaiters();
        return result;
      },
      SendMessageBatch: (input, context) => {
        const queue = this.queueOf(input);
        const entries = batchEntries(input);
        const now = Date.now();
        // SQS also caps the whole batch at the queue's maximum message size.
        const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(typeof entry.MessageBody === 'string' ? entry.MessageBody : '') + safeAttributesSize(entry.MessageAttributes), 0);
        if (total > queue.config.MaximumMessageSize) {
          throw new SqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${queue.config.MaximumMessageSize} bytes. You have sent ${total} bytes.`, 'AWS.SimpleQueueService.BatchRequestTooLong');
        }
        const output = perEntry(entries, (entry) => queue.send(entry, context.senderId, now));
        queue.serveWaiters();
        return output;
      },
      ReceiveMessage: (input, context) => this.receiveMessage(input, context),
      DeleteMessage: (input) => {
        this.queueOf(input).delete(requiredString(input, 'ReceiptHandle'));
        return {};
      },
      DeleteMessageBatch: (input) => {
        const queue = this.queueOf(input);
        return perEntry(batchEntries(input), (entry) => {
          queue.delete(requiredString(entry, 'ReceiptHandle'));
          return {};
        });
      },
      ChangeMessageVisibility: (input) => {
        const queue = this.queueOf(input);
        queue.changeVisibility(requiredString(input, 'ReceiptHandle'), requiredInteger(input, 'VisibilityTimeout', 0, 43_200), Date.now());
        return {};
      },
      ChangeMessageVisibilityBatch: (input) => {
        const queue = this.queueOf(input);
        const now = Date.now();
        return perEntry(batchEntries(input), (entry) => {
          queue.changeVisibility(requiredString(entry, 'ReceiptHandle'), requiredInteger(entry, 'VisibilityTimeout', 0, 43_200), now);
          return {};
        });
      },
      PurgeQueue: (input) => {
        this.queueOf(input).purge();
        return {};
      },
    };
  }

  urlOf(name: string): string {
    return `${this.endpoint}/${this.accountId}/${name}`;
  }

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  /** The queue a QueueUrl names. Only the path counts, so localhost and 127.0.0.1 URLs both work. */
  queueOf(input: Json): Queue {
    const url = requiredString(input, 'QueueUrl');
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw fail.queueDoesNotExist();
    }
    const [account, name, ...rest] = path.split('/').filter(Boolean);
    const queue = account === this.accountId && name && rest.length === 0 ? this.queues.get(name) : undefined;
    if (!queue) throw fail.queueDoesNotExist();
    return queue;
  }

  queueByArn(arn: string): Queue | undefined {
    const name = arn.split(':').at(-1);
    const queue = name ? this.queues.get(name) : undefined;
    return queue?.arn === arn ? queue : undefined;
  }

  createQueue(name: string, attributes: Record<string, string>): Queue {
    if (name.endsWith('.fifo') || attributes.FifoQueue === 'true') throw fail.invalidParameter('FIFO queues are not emulated by the local SQS.');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) {
      throw fail.invalidParameter('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length');
    }
    const existing = this.queues.get(name);
    const config = this.parseConfig(name, attributes, existing?.config ?? defaultConfig);
    if (existing) {
      // Idempotent only with the same attribute values, as in SQS.
      for (const attribute of Object.keys(attributes)) {
        if (configValue(existing.config, attribute) !== configValue(config, attribute)) {
          throw new SqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${attribute}`, 'QueueAlreadyExists');
        }
      }
      return existing;
    }
    const queue = new Queue(this, name, config);
    this.queues.set(name, queue);
    this.record(queue.toRecord());
    return queue;
  }

  /** Creates a queue, or brings an existing (resumed) one to these attributes: the topology wins over old settings. */
  ensureQueue(name: string, attributes: Record<string, string>): Queue {
    const existing = this.queues.get(name);
    if (!existing) return this.createQueue(name, attributes);
    const config = this.parseConfig(name, attributes, existing.config);
    if (Object.keys(attributes).some((attribute) => configValue(existing.config, attribute) !== configValue(config, attribute))) {
      existing.configure(config);
      this.record(existing.toRecord());
    }
    return existing;
  }

  record(record: JournalRecord): void {
    this.journal?.append(record);
  }

  /** Rebuilds queues and messages from a journal's records, in order; returns how many messages are live. */
  restore(records: JournalRecord[]): number {
    for (const record of records) {
      if (record.op === 'queue') {
        const existing = this.queues.get(record.name);
        if (existing) existing.configure(record.config, record.lastModifiedAt);
        else this.queues.set(record.name, new Queue(this, record.name, record.config, record.createdAt, record.lastModifiedAt));
      } else if (record.op === 'drop-queue') {
        this.queues.delete(record.name);
      } else if (record.op === 'move') {
        const message = this.queues.get(record.from)?.detach(record.id);
        if (message) this.queues.get(record.to)?.attach({ ...message, visibleAt: record.visibleAt, deadLetterSourceArn: record.deadLetterSourceArn });
      } else {
        this.queues.get(record.queue)?.restore(record);
      }
    }
    const now = Date.now();
    let live = 0;
    for (const queue of this.queues.values()) live += queue.resume(now);
    return live;
  }

  /** The records that rebuild today's state: each queue, then its live messages in delivery order. */
  snapshot(): JournalRecord[] {
    const queues = [...this.queues.values()];
    return [...queues.map((queue) => queue.toRecord()), ...queues.flatMap((queue) => queue.messageRecords())];
  }

  parseConfig(queueName: string, attributes: Record<string, string>, base: QueueConfig): QueueConfig {
    const config: QueueConfig = { ...base, passive: { ...base.passive } };
    for (const [name, value] of Object.entries(attributes)) {
      if (name in integerAttributes) {
        const [min, max] = integerAttributes[name as keyof typeof integerAttributes];
        const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
        if (!(number >= min && number <= max)) throw fail.invalidParameter(`Invalid value for the parameter ${name}.`);
        config[name as keyof typeof integerAttributes] = number;
      } else if (name === 'RedrivePolicy') {
        config.RedrivePolicy = value === '' ? undefined : this.parseRedrivePolicy(queueName, value);
      } else if (passiveAttributes.has(name)) {
        config.passive[name] = value;
      } else if (fifoAttributes.has(name)) {
        if (name !== 'FifoQueue' || value !== 'false') throw fail.invalidParameter(`${name} applies only to FIFO queues, which the local SQS does not emulate.`);
      } else {
        throw fail.invalidAttributeName(name);
      }
    }
    return config;
  }

  private parseRedrivePolicy(queueName: string, value: string): QueueConfig['RedrivePolicy'] {
    let policy: unknown;
    try {
      policy = JSON.parse(value);
    } catch {
      throw fail.invalidValue('RedrivePolicy', value, 'Redrive policy is not a valid JSON map.');
    }
    if (!isObject(policy) || typeof policy.deadLetterTargetArn !== 'string') throw fail.invalidValue('RedrivePolicy', value, 'Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
    const maxReceiveCount = Number(policy.maxReceiveCount);
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw fail.invalidValue('RedrivePolicy', value, 'Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
    }
    const target = this.queueByArn(policy.deadLetterTargetArn);
    if (!target) throw fail.invalidValue('RedrivePolicy', value, 'Dead letter target does not exist.');
    if (target.name === queueName) throw fail.invalidValue('RedrivePolicy', value, 'Dead letter target cannot be the queue itself.');
    return { deadLetterTargetArn: target.arn, maxReceiveCount };
  }

  private async receiveMessage(input: Json, context: RequestContext): Promise<Json> {
    const queue = this.queueOf(input);
    const max = optionalInteger(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
    const visibility = optionalInteger(input, 'VisibilityTimeout', 0, 43_200) ?? queue.config.VisibilityTimeout;
    const waitSeconds = optionalInteger(input, 'WaitTimeSeconds', 0, 20) ?? queue.config.ReceiveMessageWaitTimeSeconds;
    const systemNames = new Set([...stringList(input, 'AttributeNames'), ...stringList(input, 'MessageSystemAttributeNames')]);
    const wanted = attributeFilter(stringList(input, 'MessageAttributeNames'));
    const messages = await queue.receive(max, visibility, waitSeconds * 1000, context.signal);
    if (messages.length === 0) return {};
    return { Messages: messages.map(({ message, handle }) => queue.toWire(message, handle, systemNames, wanted)) };
  }

  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) queue.close();
  }
}

function requiredInteger(input: Json, name: string, min: number, max: number): number {
  const value = optionalInteger(input, name, min, max);
  if (value === undefined) throw fail.missingParameter(name);
  return value;
}

function safeAttributesSize(raw: unknown): number {
  try {
    return attributesSize(parseMessageAttributes(raw, 'user'));
  } catch {
    return 0; // the entry fails on its own below
  }
}

/** Runs a batch entry by entry: SQS reports each entry's error in `Failed` instead of failing the request. */
function perEntry(entries: Json[], run: (entry: Json) => Json): Json {
  const Successful: Json[] = [];
  const Failed: Json[] = [];
  for (const entry of entries) {
    const Id = entry.Id as string;
    try {
      Successful.push({ Id, ...run(entry) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id, SenderFault: error.senderFault, Code: error.queryCode, Message: error.message });
    }
  }
  return { Successful, Failed };
}

function attributeFilter(names: string[]): (name: string) => boolean {
  if (names.includes('All') || names.includes('.*')) return () => true;
  const exact = new Set(names.filter((name) => !name.endsWith('.*')));
  const prefixes = names.filter((name) => name.endsWith('.*')).map((name) => name.slice(0, -1));
  return (name) => exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix));
}

function configValue(config: QueueConfig, name: string): string | undefined {
  if (name in integerAttributes) return String(config[name as keyof typeof integerAttributes]);
  if (name === 'RedrivePolicy') return config.RedrivePolicy ? JSON.stringify(config.RedrivePolicy) : undefined;
  return config.passive[name];
}

interface Waiter {
  max: number;
  visibility: number;
  done(messages: Received[]): void;
}

interface Received {
  message: Message;
  handle: string;
}

class Queue {
  readonly url: string;
  readonly arn: string;
  /** In the order messages were sent (or moved here): the order receives hand them out. */
  private readonly messages = new Map<string, Message>();
  /** When each message becomes due; stale entries (a message received or deleted since) are skipped when popped. */
  private readonly due = new DueHeap();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly waiters: Waiter[] = [];
  private closed = false;
  private warnedNoDlq = false;

  constructor(
    private readonly engine: Engine,
    readonly name: string,
    public config: QueueConfig,
    readonly createdAt = Date.now(),
    public lastModifiedAt = createdAt,
  ) {
    this.url = engine.urlOf(name);
    this.arn = engine.arnOf(name);
  }

  configure(config: QueueConfig, at = Date.now()): void {
    this.config = config;
    this.lastModifiedAt = at;
  }

  toRecord(): JournalRecord {
    return { op: 'queue', name: this.name, config: this.config, createdAt: this.createdAt, lastModifiedAt: this.lastModifiedAt };
  }

  /** A 'send' record per message, in delivery order, carrying its receives and visibility as they are now. */
  messageRecords(): JournalRecord[] {
    return [...this.messages.values()].map((message) => ({ op: 'send', queue: this.name, message: toStored(message) }));
  }

  /** Applies one replayed change to this queue's messages (no timers yet: resume() arms them). */
  restore(record: Extract<JournalRecord, { queue: string }>): void {
    if (record.op === 'purge') {
      this.messages.clear();
      return;
    }
    if (record.op === 'send') {
      this.messages.set(record.message.id, fromStored(record.message));
      return;
    }
    const message = this.messages.get(record.id);
    if (!message) return;
    if (record.op === 'delete') this.messages.delete(record.id);
    else if (record.op === 'visibility') message.visibleAt = record.visibleAt;
    else {
      message.receiveCount = record.receiveCount;
      message.firstReceivedAt = record.firstReceivedAt;
      message.visibleAt = record.visibleAt;
    }
  }

  detach(id: string): Message | undefined {
    const message = this.messages.get(id);
    this.messages.delete(id);
    return message;
  }

  attach(message: Message): void {
    this.messages.set(message.id, message);
  }

  /**
   * After a replay: drops what outlived its retention and arms the timers. A message received before the restart gets
   * a receipt no handle carries — the old process's handles are invalid, as after any expiry — and stays in flight
   * until its visibility timeout ends; one that has used up its receives moves to the DLQ then (or now, if due).
   */
  resume(now: number): number {
    const spentAt = this.config.RedrivePolicy?.maxReceiveCount ?? Number.POSITIVE_INFINITY;
    for (const message of this.messages.values()) {
      if (this.expired(message, now)) continue;
      if (message.receiveCount > 0) message.receipt = randomUUID();
      if (message.visibleAt > now || message.receiveCount >= spentAt) this.schedule(message);
    }
    return this.messages.size;
  }

  send(input: Json, senderId: string, now: number): Json {
    const body = requiredString(input, 'MessageBody');
    if (body.length === 0) throw fail.invalidParameter('The request must contain the parameter MessageBody.');
    if (hasInvalidCharacters(body)) {
      throw new SqsError('InvalidMessageContents', 'Invalid binary character in the message body. Allowed: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
    }
    const delay = optionalInteger(input, 'DelaySeconds', 0, 900) ?? this.config.DelaySeconds;
    if (optionalString(input, 'MessageDeduplicationId') !== undefined) throw fail.invalidParameter('The request includes a parameter that is not valid for this queue type: MessageDeduplicationId.');
    const attributes = parseMessageAttributes(input.MessageAttributes, 'user');
    const system = parseMessageAttributes(input.MessageSystemAttributes, 'system');
    const size = Buffer.byteLength(body) + attributesSize(attributes);
    if (size > this.config.MaximumMessageSize) {
      throw fail.invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${this.config.MaximumMessageSize} bytes.`);
    }
    const traceHeader = system.AWSTraceHeader?.StringValue;
    const groupId = optionalString(input, 'MessageGroupId');
    const message: Message = {
      id: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      attributes,
      ...(traceHeader !== undefined ? { traceHeader } : {}),
      ...(groupId !== undefined ? { groupId } : {}),
      senderId,
      sentAt: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
    };
    this.enqueue(message);
    this.engine.record({ op: 'send', queue: this.name, message: toStored(message) });
    const md5OfAttributes = md5OfMessageAttributes(attributes);
    const md5OfSystem = md5OfMessageAttributes(system);
    return {
      MessageId: message.id,
      MD5OfMessageBody: message.md5OfBody,
      ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes } : {}),
      ...(md5OfSystem ? { MD5OfMessageSystemAttributes: md5OfSystem } : {}),
    };
  }

  /** Adds a new message, or one moved here from a source queue; the caller serves waiting polls. */
  enqueue(message: Message): void {
    this.messages.set(message.id, message);
    if (message.visibleAt > Date.now()) this.schedule(message);
  }

  async receive(max: number, visibility: number, waitMs: number, signal: AbortSignal): Promise<Received[]> {
    const now = Date.now();
    this.settle(now);
    const taken = this.take(max, visibility, now);
    if (taken.length > 0 || waitMs <= 0 || this.closed || signal.aborted) return taken;
    return new Promise<Received[]>((resolve) => {
      const waiter: Waiter = {
        max,
        visibility,
        done: (messages) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', giveUp);
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          resolve(messages);
        },
      };
      const giveUp = () => waiter.done([]);
      const timer = setTimeout(giveUp, waitMs);
      timer.unref();
      signal.addEventListener('abort', giveUp, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Hands available messages to waiting long polls, oldest poll first. */
  serveWaiters(): void {
    if (this.waiters.length === 0) return;
    const now = Date.now();
    this.settle(now);
    for (let waiter = this.waiters[0]; waiter; waiter = this.waiters[0]) {
      const taken = this.take(waiter.max, waiter.visibility, now);
      if (taken.length === 0) return;
      waiter.done(taken);
    }
  }

  private take(max: number, visibility: number, now: number): Received[] {
    const taken: Received[] = [];
    for (const message of this.messages.values()) {
      if (taken.length >= max) break;
      if (message.visibleAt > now) continue;
      if (this.expired(message, now)) continue;
      if (this.redrive(message)) continue;
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.receipt = randomUUID();
      message.visibleAt = now + visibility * 1000;
      this.engine.record({ op: 'receive', queue: this.name, id: message.id, receiveCount: message.receiveCount, firstReceivedAt: message.firstReceivedAt, visibleAt: message.visibleAt });
      this.schedule(message); // with a 0 s visibility this wakes other pollers at once
      taken.push({ message, handle: receiptHandle(this.name, message.id, message.receipt) });
    }
    return taken;
  }

  delete(handle: string): void {
    const { messageId, nonce } = this.parseHandle(handle);
    const message = this.messages.get(messageId);
    if (!message) return; // deleted already (or purged, moved, expired): SQS answers success
    if (message.receipt !== nonce) {
      this.engine.log(`${this.name}: DeleteMessage with a stale receipt handle of ${messageId} (received ${message.receiveCount}× since) — not deleted`);
      return;
    }
    this.messages.delete(messageId);
    this.engine.record({ op: 'delete', queue: this.name, id: messageId });
  }

  changeVisibility(handle: string, seconds: number, now: number): void {
    const { messageId, nonce } = this.parseHandle(handle);
    const message = this.messages.get(messageId);
    if (!message || message.receipt !== nonce) {
      throw fail.invalidValue('ReceiptHandle', handle, 'Message does not exist or is not available for visibility timeout change.');
    }
    if (message.visibleAt <= now) {
      throw new SqsError('MessageNotInflight', 'The message referred to is not in flight.', 'AWS.SimpleQueueService.MessageNotInflight');
    }
    message.visibleAt = now + seconds * 1000;
    this.engine.record({ op: 'visibility', queue: this.name, id: messageId, visibleAt: message.visibleAt });
    this.schedule(message);
    if (seconds === 0) this.serveWaiters();
  }

  purge(): void {
    this.messages.clear();
    this.engine.record({ op: 'purge', queue: this.name });
    this.due.clear();
    this.arm();
  }

  counts(now: number): Omit<QueueStats, 'dlq'> {
    this.settle(now);
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (this.expired(message, now)) continue;
      if (message.visibleAt <= now) visible++;
      else if (message.receipt !== undefined) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  attributes(names: string[], now: number): Record<string, string> {
    const all = names.includes('All');
    const known = [...countAttributes, 'CreatedTimestamp', 'LastModifiedTimestamp', 'QueueArn', ...Object.keys(integerAttributes), 'RedrivePolicy', ...passiveAttributes];
    for (const name of names) if (name !== 'All' && !known.includes(name)) throw fail.invalidAttributeName(name);
    const wanted = all ? known : names;
    const counts = wanted.some((name) => (countAttributes as readonly string[]).includes(name)) ? this.counts(now) : undefined;
    const output: Record<string, string> = {};
    for (const name of wanted) {
      let value: string | undefined;
      if (name === 'ApproximateNumberOfMessages') value = String(counts?.visible ?? 0);
      else if (name === 'ApproximateNumberOfMessagesNotVisible') value = String(counts?.inFlight ?? 0);
      else if (name === 'ApproximateNumberOfMessagesDelayed') value = String(counts?.delayed ?? 0);
      else if (name === 'CreatedTimestamp') value = String(Math.floor(this.createdAt / 1000));
      else if (name === 'LastModifiedTimestamp') value = String(Math.floor(this.lastModifiedAt / 1000));
      else if (name === 'QueueArn') value = this.arn;
      else value = configValue(this.config, name);
      if (value !== undefined) output[name] = value;
    }
    return output;
  }

  toWire(message: Message, handle: string, systemNames: ReadonlySet<string>, wanted: (name: string) => boolean): Json {
    const system: Record<string, string | undefined> = {
      SenderId: message.senderId,
      SentTimestamp: String(message.sentAt),
      ApproximateReceiveCount: String(message.receiveCount),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      AWSTraceHeader: message.traceHeader,
      DeadLetterQueueSourceArn: message.deadLetterSourceArn,
      MessageGroupId: message.groupId,
    };
    const attributes: Record<string, string> = {};
    for (const name of systemAttributeNames) {
      const value = system[name];
      if (value !== undefined && (systemNames.has('All') || systemNames.has(name))) attributes[name] = value;
    }
    const returned = Object.fromEntries(Object.entries(message.attributes).filter(([name]) => wanted(name)));
    const md5OfAttributes = md5OfMessageAttributes(returned);
    return {
      MessageId: message.id,
      ReceiptHandle: handle,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
      ...(md5OfAttributes ? { MD5OfMessageAttributes: md5OfAttributes, MessageAttributes: toWireAttributes(returned) } : {}),
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of [...this.waiters]) waiter.done([]);
  }

  private parseHandle(handle: string): { messageId: string; nonce: string } {
    const [queue, messageId, nonce, ...rest] = Buffer.from(handle, 'base64').toString('utf8').split('\n');
    if (queue !== this.name || !messageId || !nonce || rest.length > 0) throw fail.receiptHandleIsInvalid(handle);
    return { messageId, nonce };
  }

  private expired(message: Message, now: number): boolean {
    if (now < message.sentAt + this.config.MessageRetentionPeriod * 1000) return false;
    this.messages.delete(message.id);
    return true;
  }

  /** Moves a message that has used up its receives to the dead-letter queue; true when it moved. */
  private redrive(message: Message): boolean {
    const policy = this.config.RedrivePolicy;
    if (!policy || message.receiveCount < policy.maxReceiveCount) return false;
    const target = this.engine.queueByArn(policy.deadLetterTargetArn);
    if (!target) {
      // SQS keeps delivering when the DLQ is gone; so do we, and say why (once, not per receive).
      if (!this.warnedNoDlq) this.engine.log(`${this.name}: dead-letter queue ${policy.deadLetterTargetArn} does not exist; spent messages stay`);
      this.warnedNoDlq = true;
      return false;
    }
    this.messages.delete(message.id);
    const now = Date.now();
    const { receipt: _receipt, ...moved } = message;
    target.enqueue({ ...moved, visibleAt: now, deadLetterSourceArn: this.arn });
    this.engine.record({ op: 'move', from: this.name, to: target.name, id: message.id, visibleAt: now, deadLetterSourceArn: this.arn });
    target.serveWaiters();
    this.engine.log(`${this.name}: message ${message.id} moved to ${target.name} after ${message.receiveCount} receive(s)`);
    return true;
  }

  /** Applies what has come due: messages whose last visibility timeout ended move to the DLQ when they are spent. */
  private settle(now: number): void {
    let changed = false;
    for (let entry = this.due.peek(); entry && entry.at <= now; entry = this.due.peek()) {
      this.due.pop();
      changed = true;
      const message = this.messages.get(entry.message.id);
      if (message !== entry.message || message.visibleAt > now) continue; // gone, or its due time moved on
      this.redrive(message);
    }
    if (!changed) return;
    this.arm();
    // Whoever settled (a receive, a count) may leave messages that a waiting long poll should get now.
    if (this.waiters.length > 0) queueMicrotask(() => this.serveWaiters());
  }

  private schedule(message: Message): void {
    if (this.closed) return;
    this.due.push({ at: message.visibleAt, message });
    this.arm();
  }

  /** Keeps one timer, set for the earliest due message. */
  private arm(): void {
    const next = this.due.peek()?.at ?? Number.POSITIVE_INFINITY;
    if (next === this.timerAt && this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (this.closed || next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      // Node may fire a millisecond early; settle() then pops nothing and arm() waits the remainder.
      this.settle(Date.now());
      this.serveWaiters();
      this.arm();
    }, Math.max(0, next - Date.now()));
    this.timer.unref();
  }
}

function toStored(message: Message): StoredMessage {
  const { md5OfBody: _md5, receipt: _receipt, attributes, ...rest } = message;
  const stored = Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      value.BinaryValue ? { DataType: value.DataType, BinaryValue: Buffer.from(value.BinaryValue).toString('base64') } : { DataType: value.DataType, StringValue: value.StringValue ?? '' },
    ]),
  );
  return { ...rest, attributes: stored };
}

function fromStored(stored: StoredMessage): Message {
  const attributes: Record<string, MessageAttributeValue> = Object.fromEntries(
    Object.entries(stored.attributes).map(([name, value]) => [
      name,
      value.BinaryValue !== undefined ? { DataType: value.DataType, BinaryValue: Buffer.from(value.BinaryValue, 'base64') } : { DataType: value.DataType, StringValue: value.StringValue ?? '' },
    ]),
  );
  return { ...stored, md5OfBody: md5OfBody(stored.body), attributes };
}

function receiptHandle(queue: string, messageId: string, nonce: string): string {
  return Buffer.from(`${queue}\n${messageId}\n${nonce}`, 'utf8').toString('base64');
}

/** A binary min-heap of due times. */
class DueHeap {
  private readonly items: { at: number; message: Message }[] = [];

  peek(): { at: number; message: Message } | undefined {
    return this.items[0];
  }

  push(item: { at: number; message: Message }): void {
    const items = this.items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = items[parent];
      if (!above || above.at <= item.at) break;
      items[index] = above;
      index = parent;
    }
    items[index] = item;
  }

  pop(): void {
    const items = this.items;
    const last = items.pop();
    if (!last || items.length === 0) return;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const leftItem = items[left];
      const rightItem = items[right];
      const child = rightItem && leftItem && rightItem.at < leftItem.at ? right : left;
      const childItem = items[child];
      if (!childItem || childItem.at >= last.at) break;
      items[index] = childItem;
      index = child;
    }
    items[index] = last;
  }

  clear(): void {
    this.items.length = 0;
  }
}

// --- HTTP ------------------------------------------------------------------------------------------------------------

const maxRequestBytes = 16 * 1024 * 1024; // a full batch of 1 MiB messages with base64 binaries and JSON escapes fits

async function serveRequest(engine: Engine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const gone = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) gone.abort();
  });
  let action = '';
  try {
    const target = header(req, 'x-amz-target') ?? '';
    if (req.method !== 'POST' || !target.startsWith('AmazonSQS.')) {
      throw fail.unknownOperation(target || `${req.method ?? ''} ${req.url ?? ''}`);
    }
    action = target.slice('AmazonSQS.'.length);
    const raw = await readBody(req);
    let input: unknown;
    try {
      input = raw.length === 0 ? {} : JSON.parse(raw);
    } catch {
      throw new SqsError('SerializationException', 'The request body is not valid JSON.');
    }
    if (!isObject(input)) throw new SqsError('SerializationException', 'The request body must be a JSON object.');
    const run = engine.actions[action];
    if (!run) throw /^[A-Z][A-Za-z]+$/.test(action) ? fail.unsupported(action) : fail.unknownOperation(target);
    if (engine.closed) throw new SqsError('ServiceUnavailable', 'The local SQS is shutting down.', 'ServiceUnavailable', 503);
    const output = await run(input, { signal: gone.signal, senderId: senderIdOf(req) });
    // Durable queues answer only once the change (and any change this answer has seen) is on the disk.
    await engine.journal?.commit();
    respond(res, 200, requestId, output);
  } catch (error) {
    if (error instanceof SqsError) {
      respond(res, error.status, requestId, { __type: `com.amazonaws.sqs#${error.shape}`, message: error.message }, {
        'x-amzn-query-error': `${error.queryCode};${error.senderFault ? 'Sender' : 'Receiver'}`,
      });
    } else {
      engine.log(`${action || 'request'} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      respond(res, 500, requestId, { __type: 'com.amazonaws.sqs#InternalError', message: 'We encountered an internal error. Please try again.' }, {
        'x-amzn-query-error': 'InternalError;Receiver',
      });
    }
  }
}

function respond(res: ServerResponse, status: number, requestId: string, body: Json, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return; // the client went away (an aborted long poll)
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': requestId,
    ...headers,
  });
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxRequestBytes) {
        reject(new SqsError('RequestTooLarge', `Requests are limited to ${maxRequestBytes} bytes.`, 'RequestTooLarge', 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** SQS reports the sender's IAM id; locally the access key id of the request's SigV4 signature stands in for it. */
function senderIdOf(req: IncomingMessage): string {
  return /Credential=([^/,\s]+)\//.exec(header(req, 'authorization') ?? '')?.[1] ?? 'AIDALOCALSQSSENDER';
}
