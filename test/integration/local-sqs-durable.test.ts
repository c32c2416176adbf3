// Durable local queues: a local SQS killed with SIGKILL, restarted on the same data dir, resumes every acknowledged
// message with its delay, visibility deadline and receive count, and its dead-letter queue.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalSqs, type LocalSqs } from '../../functions/local/sqs-server.ts';
import type { QueueSpec } from '../../functions/topology.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Name = 'plain' | 'flight' | 'retry';
const queues: Record<Name, QueueSpec> = {
  plain: { envVar: 'QUEUE_PLAIN', visibilityTimeoutSeconds: 30, maxReceiveCount: 5 },
  flight: { envVar: 'QUEUE_FLIGHT', visibilityTimeoutSeconds: 30, maxReceiveCount: 5 },
  retry: { envVar: 'QUEUE_RETRY', visibilityTimeoutSeconds: 30, maxReceiveCount: 2 },
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opencem-sqs-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return path.join(dir, 'queues');
}

function clientFor(endpoint: string): SQSClient {
  const client = new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' }, maxAttempts: 1 });
  cleanups.push(() => client.destroy());
  return client;
}

/** Starts a local SQS in a child process on `dir`; `crash()` ends it with SIGKILL: no flush, no close, no exit hook. */
async function crashable(
  dir: string,
  extra: { compactJournalAtBytes?: number } = {},
): Promise<{ client: SQSClient; url: (name: string) => string; logs: () => string; crash: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/local-sqs-child.ts'), JSON.stringify({ dataDir: dir, queues, ...extra })], {
    cwd: root,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { endpoint: string }).endpoint);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the local SQS child exited (${code}) before it listened: ${output}`)));
  });
  return {
    client: clientFor(endpoint),
    url: (name) => `${endpoint}/000000000000/${name}`,
    logs: () => output,
    crash: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function restart(dir: string): Promise<{ sqs: LocalSqs<Name>; client: SQSClient; logs: string[] }> {
  const logs: string[] = [];
  const sqs = await startLocalSqs({ queues, dataDir: dir, log: (line) => logs.push(line) });
  cleanups.push(() => sqs.stop());
  return { sqs, client: clientFor(sqs.endpoint), logs };
}

async function send(client: SQSClient, url: string, body: string, delaySeconds?: number): Promise<void> {
  await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, ...(delaySeconds ? { DelaySeconds: delaySeconds } : {}) }));
}

async function receive(client: SQSClient, url: string, visibilityTimeout: number, waitSeconds = 0): Promise<Message[]> {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: visibilityTimeout, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ['All'] }),
  );
  return Messages;
}

const bodies = (messages: Message[]) => messages.map((m) => m.Body).sort();

describe('durable local queues', () => {
  it('resumes after SIGKILL: undeleted messages, delays, visibility deadlines, receive counts and the DLQ', async () => {
    const dir = await dataDir();
    const before = await crashable(dir);
    const { client } = before;

    // plain: two kept (one received once), one deleted, one delayed 6 s.
    await send(client, before.url('plain'), 'keep-1');
    await send(client, before.url('plain'), 'keep-2');
    await send(client, before.url('plain'), 'gone');
    const first = await receive(client, before.url('plain'), 0);
    expect(bodies(first)).toEqual(['gone', 'keep-1', 'keep-2']);
    await client.send(new DeleteMessageCommand({ QueueUrl: before.url('plain'), ReceiptHandle: first.find((m) => m.Body === 'gone')?.ReceiptHandle }));
    const delayedSentAt = Date.now();
    await send(client, before.url('plain'), 'late', 6);

    // flight: received with a 6 s visibility timeout, in flight when the process dies.
    await send(client, before.url('flight'), 'busy');
    const [busy] = await receive(client, before.url('flight'), 6);
    const busyReceivedAt = Date.now();
    expect(busy?.Body).toBe('busy');

    // retry (2 receives, then the DLQ): 'dead' used both and moved; 'poison' has used one (maxReceiveCount − 1).
    await send(client, before.url('retry'), 'dead');
    await receive(client, before.url('retry'), 0);
    await receive(client, before.url('retry'), 0);
    expect(await receive(client, before.url('retry'), 0)).toEqual([]); // the third receive moves it instead
    await send(client, before.url('retry'), 'poison');
    expect(bodies(await receive(client, before.url('retry'), 0))).toEqual(['poison']);

    await before.crash();
    const { sqs, client: after, logs } = await restart(dir);
    expect(sqs.resumed).toBe(true);
    expect(logs.join('\n')).toMatch(/resumed 6 message\(s\)/);

    expect(sqs.stats('plain')).toEqual({ visible: 2, inFlight: 0, delayed: 1, dlq: 0 });
    expect(sqs.stats('flight')).toEqual({ visible: 0, inFlight: 1, delayed: 0, dlq: 0 });
    expect(sqs.stats('retry')).toEqual({ visible: 1, inFlight: 0, delayed: 0, dlq: 1 });

    // Undeleted messages come back with their receive counts; the deleted one does not.
    const kept = await receive(after, sqs.queueUrl('plain'), 30);
    expect(bodies(kept)).toEqual(['keep-1', 'keep-2']);
    expect(kept.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['2', '2']);

    // The old process's receipt handle no longer acts: the message stays, and its visibility cannot be changed.
    await after.send(new DeleteMessageCommand({ QueueUrl: sqs.queueUrl('flight'), ReceiptHandle: busy?.ReceiptHandle }));
    await expect(after.send(new ChangeMessageVisibilityCommand({ QueueUrl: sqs.queueUrl('flight'), ReceiptHandle: busy?.ReceiptHandle, VisibilityTimeout: 0 }))).rejects.toThrow(
      /not available for visibility timeout change/,
    );
    expect(sqs.stats('flight').inFlight).toBe(1);

    // poison: one more failed receive (1 s visibility) and it is spent: it moves to the DLQ beside 'dead'.
    const poison = await receive(after, sqs.queueUrl('retry'), 1);
    expect(poison.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['poison', '2']]);

    // The delay and the visibility deadline run on from before the crash.
    const late = await receive(after, sqs.queueUrl('plain'), 30, 10);
    expect(bodies(late)).toEqual(['late']);
    expect(Date.now()).toBeGreaterThanOrEqual(delayedSentAt + 6_000 - 50);
    const back = await receive(after, sqs.queueUrl('flight'), 30, 10);
    expect(back.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['busy', '2']]);
    expect(Date.now()).toBeGreaterThanOrEqual(busyReceivedAt + 6_000 - 50);

    await expect.poll(() => sqs.stats('retry'), { timeout: 3_000 }).toEqual({ visible: 0, inFlight: 0, delayed: 0, dlq: 2 });
    const dead = await receive(after, sqs.dlqUrl('retry'), 30);
    // Their receive counts travelled with them (2 each); this receive from the DLQ is their third.
    expect(dead.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount, m.Attributes?.DeadLetterQueueSourceArn])).toEqual([
      ['dead', '3', sqs.queueArn('retry')],
      ['poison', '3', sqs.queueArn('retry')],
    ]);
  }, 30_000);

  it('survives a second crash after a restart, and ignores a torn last line', async () => {
    const dir = await dataDir();
    const first = await crashable(dir);
    await send(first.client, first.url('plain'), 'one');
    await first.crash();
    // What a write cut off by the crash leaves behind: part of a record, no newline.
    await appendFile(path.join(dir, 'journal.jsonl'), '{"op":"send","queue":"plain","message":{"id":"torn","bo');

    const second = await crashable(dir);
    await send(second.client, second.url('plain'), 'two');
    await second.crash();

    const { sqs, client, logs } = await restart(dir);
    expect(logs.join('\n')).not.toMatch(/torn/); // the second start compacted the torn line away
    expect(bodies(await receive(client, sqs.queueUrl('plain'), 30))).toEqual(['one', 'two']);
    const lines = (await readFile(path.join(dir, 'journal.jsonl'), 'utf8')).trimEnd().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  }, 30_000);

  it('reports a torn tail it ignored', async () => {
    const dir = await dataDir();
    const first = await crashable(dir);
    await send(first.client, first.url('plain'), 'whole');
    await first.crash();
    await appendFile(path.join(dir, 'journal.jsonl'), '{"op":"delete","queue":"pl');
    const { sqs, client, logs } = await restart(dir);
    expect(logs.join('\n')).toMatch(/1 torn or unreadable line\(s\) ignored/);
    expect(bodies(await receive(client, sqs.queueUrl('plain'), 30))).toEqual(['whole']);
  }, 30_000);

  it('compacts while running and still loses nothing on a crash', async () => {
    const dir = await dataDir();
    const before = await crashable(dir, { compactJournalAtBytes: 4_096 });
    const url = before.url('plain');
    const sent = Array.from({ length: 120 }, (_, i) => `message-${String(i).padStart(3, '0')}`);
    await Promise.all(sent.map((body) => send(before.client, url, body)));
    // Receive them all, ten at a time, and delete every other one; the rest stay in flight.
    const deleted = new Set<string>();
    for (let round = 0; round < 12; round++) {
      for (const message of await receive(before.client, url, 30)) {
        if (Number(message.Body?.slice(-3)) % 2 === 1) continue;
        deleted.add(message.Body ?? '');
        await before.client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      }
    }
    expect(deleted.size).toBe(60);
    // Once at start, then again each time the appends outgrew the bound.
    expect(before.logs().match(/journal compacted/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    await before.crash();

    const { sqs } = await restart(dir);
    expect(sqs.stats('plain')).toEqual({ visible: 0, inFlight: 60, delayed: 0, dlq: 0 });
  }, 30_000);

  it('keeps the journal owner-only', async () => {
    const dir = await dataDir();
    const { sqs, client } = await restart(dir);
    await send(client, sqs.queueUrl('plain'), 'private');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, 'journal.jsonl'))).mode & 0o777).toBe(0o600);
  });

  it('stays in memory without a data dir', async () => {
    const sqs = await startLocalSqs({ queues, dataDir: null, log: () => {} });
    cleanups.push(() => sqs.stop());
    expect(sqs.resumed).toBe(false);
  });
});
