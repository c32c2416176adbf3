// Owns the local SQS event-source mapping: long-polls a queue through the real SQS client and invokes a handler the way Lambda's SQS mapping does.
/**
 * ```ts
 * const mapping = await startQueueMapping({
 *   name: 'tickets', sqs, queueUrl: local.queueUrl('tickets'),
 *   trigger: functions.tickets.trigger,            // batchSize, maxBatchingWindowSeconds
 *   handler,                                       // (event: SQSEvent) => Promise<SQSBatchResponse | void>
 *   timeoutSeconds: functions.tickets.timeoutSeconds,
 * });
 * await mapping.idle();                            // nothing visible or in flight, no invocation running
 * await mapping.idle({ includeDelayed: true });    // …and no delayed message left either
 * mapping.stats();                                 // counters
 * await mapping.stop();                            // lets running invocations finish, then stops polling
 * ```
 *
 * Semantics (Lambda's, for a mapping with FunctionResponseTypes ReportBatchItemFailures, which `reportBatchItemFailures`
 * turns off):
 * - Pollers: `concurrency` pollers (default 2, the lowest MaximumConcurrency Lambda accepts; Lambda starts 5 and scales
 *   up) each long-poll ReceiveMessage (WaitTimeSeconds 20, up to 10 messages, all system and message attributes) and
 *   invoke the handler with their own batches, so up to `concurrency` invocations run at once — in one process, so
 *   module state is shared between them, unlike Lambda's separate execution environments.
 * - Batching: a poller that got messages keeps receiving until it has `batchSize`, the batching window
 *   (`maxBatchingWindowSeconds`) has passed since the first one, or the batch holds 6 MB (Lambda's payload limit).
 *   As in Lambda, batchSize 1–10000 and above 10 only with a window of at least 1 s. With window 0 one receive is one
 *   batch, so how messages group into batches depends on how they arrive.
 * - The event is AWS's `SQSEvent`: messageId, receiptHandle, body, attributes (ApproximateReceiveCount, SentTimestamp,
 *   SenderId, ApproximateFirstReceiveTimestamp, and AWSTraceHeader / DeadLetterQueueSourceArn when set),
 *   messageAttributes in Lambda's shape ({ stringValue | binaryValue (base64), stringListValues: [],
 *   binaryListValues: [], dataType }), md5OfMessageAttributes when there are attributes, md5OfBody,
 *   eventSource 'aws:sqs', eventSourceARN (the queue ARN) and awsRegion (from it).
 * - Outcome: success (void, or no/empty batchItemFailures) deletes the whole batch. `batchItemFailures` deletes all
 *   but the reported messages; an empty, missing or unknown itemIdentifier, or a batchItemFailures that is not a list,
 *   fails the whole batch, as in Lambda. A failed batch — thrown error, timeout (`timeoutSeconds`; the handler keeps
 *   running, its result is ignored) or invalid response — deletes nothing. Failed messages are left alone: they come
 *   back after the queue's visibility timeout with ApproximateReceiveCount + 1, and the queue's redrive policy moves
 *   them to its DLQ after maxReceiveCount receives. There is no on-failure destination: for SQS that is the queue's DLQ.
 * - Deletes go through DeleteMessageBatch with the receipt handles of this delivery. If a slow handler outlived the
 *   visibility timeout and the message was received again, that handle is stale and SQS may keep the message; the
 *   local SQS always keeps it, so the message is handled again (at-least-once), as it can be in AWS.
 * - stop(): ends pending long polls (an aborted poll takes no messages), lets running invocations finish and delete,
 *   and hands back messages collected for a batch that was never invoked (ChangeMessageVisibility 0).
 * - idle(): resolves once the queue has no visible and no in-flight message (GetQueueAttributes) and no poller holds
 *   messages, checked before and after the query. Delayed messages do not count — a ticket's SLA check may sit delayed
 *   for hours — unless `includeDelayed` is set. A failed message keeps idle() waiting until it is handled or has moved
 *   to the DLQ, i.e. for at least a visibility timeout.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { errorText, sleep, withTimeout } from './mapping-support.ts';
import type { QueueTrigger } from '../topology.ts';

export type QueueHandler = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

export interface QueueMappingOptions {
  /** Names the mapping in logs, e.g. the function name. */
  name: string;
  sqs: SQSClient;
  queueUrl: string;
  trigger: Pick<QueueTrigger, 'batchSize' | 'maxBatchingWindowSeconds'>;
  handler: QueueHandler;
  /** Fails an invocation that takes longer, like a Lambda timeout (the handler keeps running; its result is ignored). */
  timeoutSeconds?: number;
  /** Lambda's FunctionResponseTypes ['ReportBatchItemFailures'] (default true); false ignores batchItemFailures. */
  reportBatchItemFailures?: boolean;
  /** Pollers, hence concurrent invocations (default 2). */
  concurrency?: number;
  /** Overrides trigger.maxBatchingWindowSeconds, e.g. for a snappier demo. */
  batchingWindowSeconds?: number;
  /** Long-poll wait of each ReceiveMessage (default 20, Lambda's). */
  waitTimeSeconds?: number;
  log?: (line: string) => void;
}

export interface IdleOptions {
  /** Default 30 s; idle() rejects after it. */
  timeoutMs?: number;
  /** Also wait for delayed messages (default false). */
  includeDelayed?: boolean;
}

export interface QueueMappingStats {
  name: string;
  queueArn: string;
  /** Messages handed to the handler (a message delivered twice counts twice). */
  recordsDelivered: number;
  /** Messages the handler accepted and that were then deleted. */
  recordsSucceeded: number;
  /** Messages left for redelivery: reported in batchItemFailures or part of a failed invocation. */
  recordsFailed: number;
  invocations: number;
  /** Invocations that threw, timed out or answered an invalid batchItemFailures (the whole batch failed). */
  failedInvocations: number;
  /** Accepted messages SQS would not delete (stale receipt handle, queue gone). */
  deleteFailures: number;
  /** Invocations running now. */
  running: number;
}

export interface QueueMapping {
  /** Resolves when nothing is left to handle (see the module comment); a number is the timeout in ms. */
  idle(options?: number | IdleOptions): Promise<void>;
  stats(): QueueMappingStats;
  stop(): Promise<void>;
}

export async function startQueueMapping(options: QueueMappingOptions): Promise<QueueMapping> {
  const mapping = new Mapping(options);
  await mapping.start();
  return {
    idle: (idleOptions) => mapping.idle(typeof idleOptions === 'number' ? { timeoutMs: idleOptions } : (idleOptions ?? {})),
    stats: () => mapping.stats(),
    stop: () => mapping.stop(),
  };
}

// ---------------------------------------------------------------------------------------------------------------------

const receiveLimit = 10; // ReceiveMessage's MaxNumberOfMessages maximum
const payloadLimitBytes = 6 * 1024 * 1024; // Lambda's synchronous invocation payload limit

type Outcome = { ok: true } | { ok: false; failed: ReadonlySet<string> | 'all'; error: string };

class Mapping {
  readonly options: QueueMappingOptions;
  readonly log: (line: string) => void;
  readonly windowMs: number;
  readonly stopping = new AbortController();
  readonly counters = { recordsDelivered: 0, recordsSucceeded: 0, recordsFailed: 0, invocations: 0, failedInvocations: 0, deleteFailures: 0 };
  queueArn = '';
  region = '';
  /** Pollers holding received messages: collecting a batch, invoking, or deleting. */
  private busy = 0;
  private running = 0;
  private pollers: Promise<void>[] = [];
  private lastError = '';

  constructor(options: QueueMappingOptions) {
    const { trigger } = options;
    const window = options.batchingWindowSeconds ?? trigger.maxBatchingWindowSeconds;
    if (!Number.isInteger(trigger.batchSize) || trigger.batchSize < 1 || trigger.batchSize > 10_000) {
      throw new Error(`${options.name}: batchSize must be 1–10000, got ${trigger.batchSize}`);
    }
    if (!(window >= 0 && window <= 300)) throw new Error(`${options.name}: maxBatchingWindowSeconds must be 0–300, got ${window}`);
    if (trigger.batchSize > 10 && window < 1) {
      throw new Error(`${options.name}: Lambda requires maxBatchingWindowSeconds ≥ 1 for a batchSize above 10 (got ${trigger.batchSize} with ${window})`);
    }
    const concurrency = options.concurrency ?? 2;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`${options.name}: concurrency must be a positive integer, got ${concurrency}`);
    this.options = options;
    this.windowMs = window * 1000;
    this.log = (line) => (options.log ?? console.log)(`[queue:${options.name}] ${line}`);
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  async start(): Promise<void> {
    // Also proves the queue exists: a wrong URL fails here, not silently in the pollers.
    const { Attributes } = await this.options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: this.options.queueUrl, AttributeNames: ['QueueArn'] }));
    this.queueArn = Attributes?.QueueArn ?? '';
    this.region = this.queueArn.split(':')[3] ?? '';
    this.pollers = Array.from({ length: this.options.concurrency ?? 2 }, (_, index) =>
      this.poll().catch((error: unknown) => {
        // Only a bug gets here (every expected error is handled in place); stop this poller loudly rather than spin.
        this.log(`poller ${index} stopped after an unexpected error: ${errorText(error)}`);
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.pollers);
  }

  stats(): QueueMappingStats {
    return { name: this.options.name, queueArn: this.queueArn, ...this.counters, running: this.running };
  }

  async idle({ timeoutMs = 30_000, includeDelayed = false }: IdleOptions): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (!this.stopped) {
      if (this.busy === 0) {
        try {
          const { Attributes = {} } = await this.options.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: this.options.queueUrl,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
            }),
          );
          const visible = Number(Attributes.ApproximateNumberOfMessages ?? 0);
          const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
          const delayed = Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
          last = `visible ${visible}, in flight ${inFlight}, delayed ${delayed}`;
          // Messages a poller holds are in flight at the queue until deleted, and the poller is busy from the moment its
          // receive returns; so "nothing in flight, and not busy afterwards" leaves no gap for work to hide in.
          if (visible === 0 && inFlight === 0 && (!includeDelayed || delayed === 0) && this.busy === 0) return;
        } catch (error) {
          last = `GetQueueAttributes failed: ${errorText(error)}`;
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`queue mapping ${this.options.name} not idle after ${timeoutMs} ms (${last || 'busy'}): ${JSON.stringify(this.stats())}`);
      }
      await sleep(10, this.stopping.signal);
    }
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      const batch = await this.collect();
      if (batch.length === 0) continue;
      try {
        if (this.stopped) {
          await this.release(batch);
          continue;
        }
        await this.deliver(batch);
      } finally {
        this.busy--;
      }
    }
  }

  /** Receives one batch; a non-empty result leaves `busy` counted for the caller to release. */
  private async collect(): Promise<Message[]> {
    const { batchSize } = this.options.trigger;
    const first = await this.receive(Math.min(receiveLimit, batchSize), this.options.waitTimeSeconds ?? 20);
    if (first.length === 0) return first;
    this.busy++;
    const byId = new Map(first.map((message) => [message.MessageId ?? '', message]));
    let bytes = first.reduce((sum, message) => sum + size(message), 0);
    const closesAt = Date.now() + this.windowMs;
    while (byId.size < batchSize && bytes < payloadLimitBytes && !this.stopped) {
      const remainingMs = closesAt - Date.now();
      if (remainingMs <= 0) break;
      const waitSeconds = Math.min(20, Math.floor(remainingMs / 1000));
      const more = await this.receive(Math.min(receiveLimit, batchSize - byId.size), waitSeconds);
      // A message seen twice (its visibility ran out while the window was open) keeps only its newest receipt handle.
      for (const message of more) {
        byId.set(message.MessageId ?? '', message);
        bytes += size(message);
      }
      if (more.length === 0 && waitSeconds === 0) await sleep(Math.min(remainingMs, 50), this.stopping.signal);
    }
    return [...byId.values()];
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    for (let failures = 0; !this.stopped; failures++) {
      try {
        const { Messages = [] } = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: max,
            WaitTimeSeconds: waitSeconds,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: this.stopping.signal },
        );
        this.lastError = '';
        return Messages;
      } catch (error) {
        if (this.stopped) break;
        const text = `ReceiveMessage failed: ${errorText(error)}`;
        if (text !== this.lastError) this.log(`${text} (retrying)`); // once per distinct error, not per poll
        this.lastError = text;
        await sleep(Math.min(100 * 2 ** failures, 2_000), this.stopping.signal);
      }
    }
    return [];
  }

  private async deliver(batch: Message[]): Promise<void> {
    const outcome = await this.invoke(batch);
    const failed = outcome.ok ? new Set<string>() : outcome.failed;
    const succeeded = failed === 'all' ? [] : batch.filter((message) => !failed.has(message.MessageId ?? ''));
    this.counters.recordsFailed += batch.length - succeeded.length;
    if (!outcome.ok) {
      if (failed === 'all') this.counters.failedInvocations++;
      this.log(`${batch.length - succeeded.length} of ${batch.length} message(s) left for redelivery: ${outcome.error}`);
    }
    await this.delete(succeeded);
  }

  private async invoke(batch: Message[]): Promise<Outcome> {
    const { handler, timeoutSeconds, reportBatchItemFailures = true } = this.options;
    const event: SQSEvent = { Records: batch.map((message) => toLambdaRecord(message, this.queueArn, this.region)) };
    this.counters.invocations++;
    this.counters.recordsDelivered += batch.length;
    this.running++;
    let response: SQSBatchResponse | void;
    try {
      response = await withTimeout(handler(event), timeoutSeconds);
    } catch (error) {
      return { ok: false, failed: 'all', error: errorText(error) };
    } finally {
      this.running--;
    }
    if (!reportBatchItemFailures || response === undefined || response === null) return { ok: true };
    const failures: unknown = (response as Partial<SQSBatchResponse>).batchItemFailures;
    if (failures === undefined || failures === null) return { ok: true };
    if (!Array.isArray(failures)) return { ok: false, failed: 'all', error: `invalid response: batchItemFailures is ${JSON.stringify(failures)}` };
    if (failures.length === 0) return { ok: true };
    const ids = new Set(batch.map((message) => message.MessageId));
    const failed = new Set<string>();
    for (const failure of failures) {
      const id: unknown = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      // Lambda treats an empty, missing or unknown itemIdentifier as a failure of the whole batch.
      if (typeof id !== 'string' || !ids.has(id)) return { ok: false, failed: 'all', error: `invalid batchItemFailures itemIdentifier ${JSON.stringify(id)}` };
      failed.add(id);
    }
    return { ok: false, failed, error: `handler reported ${failed.size} failed message(s)` };
  }

  private async delete(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += receiveLimit) {
      const chunk = messages.slice(start, start + receiveLimit);
      const entries = chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' }));
      const failed = await this.batchWithRetries('DeleteMessageBatch', () =>
        this.options.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries })),
      );
      const failedCount = failed === 'all' ? chunk.length : failed.length;
      this.counters.recordsSucceeded += chunk.length - failedCount;
      this.counters.deleteFailures += failedCount;
      if (failed !== 'all') {
        for (const entry of failed) this.log(`could not delete message ${chunk[Number(entry.Id)]?.MessageId}: ${entry.Code ?? ''} ${entry.Message ?? ''}`);
      }
    }
  }

  /** Makes messages collected for a batch that will not be invoked available again at once. */
  private async release(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += receiveLimit) {
      const chunk = messages.slice(start, start + receiveLimit);
      const entries = chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '', VisibilityTimeout: 0 }));
      await this.batchWithRetries('ChangeMessageVisibilityBatch', () =>
        this.options.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries })),
        1,
      );
    }
  }

  /** The entries SQS reported as failed, or 'all' when the call itself kept failing. */
  private async batchWithRetries(
    operation: string,
    call: () => Promise<{ Failed?: { Id?: string; Code?: string; Message?: string }[] }>,
    attempts = 4,
  ): Promise<{ Id?: string; Code?: string; Message?: string }[] | 'all'> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await call()).Failed ?? [];
      } catch (error) {
        if (attempt >= attempts) {
          this.log(`${operation} failed: ${errorText(error)}; the messages will come back after their visibility timeout`);
          return 'all';
        }
        // Not cut short by stop(): these calls finish the work of a batch that has already run.
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------

/** A message as ReceiveMessage returns it → the record Lambda puts in an SQSEvent. */
export function toLambdaRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? '',
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '',
  };
  if (system.AWSTraceHeader !== undefined) attributes.AWSTraceHeader = system.AWSTraceHeader;
  if (system.DeadLetterQueueSourceArn !== undefined) attributes.DeadLetterQueueSourceArn = system.DeadLetterQueueSourceArn;
  const messageAttributes = Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, toLambdaAttribute(value)]));
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

function toLambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const dataType = value.DataType ?? 'String';
  return {
    ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : { stringValue: value.StringValue ?? '' }),
    stringListValues: [],
    binaryListValues: [],
    dataType,
  };
}

function size(message: Message): number {
  let bytes = Buffer.byteLength(message.Body ?? '');
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + (value.BinaryValue?.length ?? Buffer.byteLength(value.StringValue ?? ''));
  }
  return bytes;
}

