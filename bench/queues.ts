// `npm run bench:queues`: what durability costs the local queues — SendMessage throughput with and without the
// journal at several concurrencies, and how long a restart takes to replay and compact N queued messages.
// It prints what it measures and asserts nothing about time.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startLocalSqs } from '../functions/local/sqs-server.ts';

const MESSAGES = Number(process.env.BENCH_QUEUE_MESSAGES ?? 3000);
const REPLAY_MESSAGES = (process.env.BENCH_REPLAY_MESSAGES ?? '10000,50000').split(',').map(Number);
const queues = { bench: { envVar: 'QUEUE_BENCH', visibilityTimeoutSeconds: 60, maxReceiveCount: 5 } };
// A ticket request's size, roughly: the body the alerts consumer sends.
const body = JSON.stringify({ type: 'open', responseId: '01JZ0000000000000000000000', ruleId: 'detractor', summary: { nps: 3, text: 'x'.repeat(200) } });

function client(endpoint: string): SQSClient {
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
}

async function sendThroughput(dataDir: string | null, concurrency: number): Promise<number> {
  const sqs = await startLocalSqs({ queues, dataDir, log: () => {} });
  const sdk = client(sqs.endpoint);
  const url = sqs.queueUrl('bench');
  try {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < MESSAGES) await sdk.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      }),
    );
    return MESSAGES / ((performance.now() - started) / 1000);
  } finally {
    sdk.destroy();
    await sqs.stop();
  }
}

async function replay(count: number, dir: string): Promise<{ ms: number; journalBytes: number; live: number }> {
  const first = await startLocalSqs({ queues, dataDir: dir, compactJournalAtBytes: 1 << 30, log: () => {} });
  const sdk = client(first.endpoint);
  const url = first.queueUrl('bench');
  let sent = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (sent < count) {
        const ids = Array.from({ length: Math.min(10, count - sent) }, () => `m${sent++}`);
        await sdk.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ids.map((Id) => ({ Id, MessageBody: body })) }));
      }
    }),
  );
  // A history to replay, not only sends: a tenth of the messages received and deleted.
  for (let done = 0; done < count / 10; ) {
    const { Messages = [] } = await sdk.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    if (Messages.length === 0) break;
    await sdk.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    done += Messages.length;
  }
  sdk.destroy();
  await first.stop();
  const journalBytes = (await stat(path.join(dir, 'journal.jsonl'))).size;
  const started = performance.now();
  const second = await startLocalSqs({ queues, dataDir: dir, log: () => {} });
  const ms = performance.now() - started;
  const stats = second.stats('bench');
  await second.stop();
  return { ms, journalBytes, live: stats.visible + stats.inFlight + stats.delayed };
}

async function main() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'opencem-bench-queues-'));
  try {
    console.log(`SendMessage, ${MESSAGES} messages of ${body.length} bytes each (messages/s):`);
    console.log('concurrency  in memory   durable');
    for (const concurrency of [1, 8, 32]) {
      const memory = await sendThroughput(null, concurrency);
      const durable = await sendThroughput(path.join(root, `send-${concurrency}`), concurrency);
      console.log(`${String(concurrency).padStart(11)}  ${memory.toFixed(0).padStart(9)}  ${durable.toFixed(0).padStart(8)}`);
    }
    console.log('\nrestart: replay the journal and compact it');
    for (const count of REPLAY_MESSAGES) {
      const { ms, journalBytes, live } = await replay(count, path.join(root, `replay-${count}`));
      console.log(`${count} sent, ${live} live, journal ${(journalBytes / 1024 / 1024).toFixed(1)} MiB: ready in ${ms.toFixed(0)} ms`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
