// The local SQS through the real @aws-sdk/client-sqs (its MD5 checks on), and the SQS → Lambda event-source mapping on it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { startQueueMapping, type QueueMapping, type QueueMappingOptions } from '../../functions/local/queue-mapping.ts';
import { md5OfBody, md5OfMessageAttributes, startLocalSqs, type LocalSqs } from '../../functions/local/sqs-server.ts';

type Name = 'orders';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh server per test: 1 s visibility and 2 receives before the DLQ keep redelivery tests short. */
async function local(): Promise<{ sqs: LocalSqs<Name>; client: SQSClient; url: string }> {
  const sqs = await startLocalSqs({
    queues: { orders: { envVar: 'QUEUE_ORDERS', visibilityTimeoutSeconds: 1, maxReceiveCount: 2 } },
    region: 'eu-west-1',
    log: () => {},
  });
  cleanups.push(() => sqs.stop());
  const client = new SQSClient({ endpoint: sqs.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  cleanups.push(() => client.destroy());
  return { sqs, client, url: sqs.queueUrl('orders') };
}

async function send(client: SQSClient, url: string, body: string, extra: Omit<ConstructorParameters<typeof SendMessageCommand>[0], 'QueueUrl' | 'MessageBody'> = {}) {
  return client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, ...extra }));
}

async function receive(client: SQSClient, url: string, extra: Omit<ConstructorParameters<typeof ReceiveMessageCommand>[0], 'QueueUrl'> = {}): Promise<Message[]> {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], ...extra }),
  );
  return Messages;
}

async function counts(client: SQSClient, url: string) {
  const { Attributes = {} } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return Attributes;
}

describe('MD5OfMessageAttributes', () => {
  it('matches the values AWS publishes for its algorithm', () => {
    // AWS's samples (from its SDK tests) and two values observed from SQS.
    expect(
      md5OfMessageAttributes({
        test_attribute_name_2: { DataType: 'String', StringValue: 'test_attribute_value_2' },
        test_attribute_name_1: { DataType: 'String', StringValue: 'test_attribute_value_1' },
      }),
    ).toBe('d53f3b558fe951154770f25cb63dbba9');
    expect(md5OfMessageAttributes({ test_attribute_name: { DataType: 'Binary', BinaryValue: Buffer.from('test_attribute_value') } })).toBe(
      '23f6bd27ea87aab7dfeadcc9aebee495',
    );
    expect(md5OfMessageAttributes({ ordinal: { DataType: 'Number', StringValue: '1' }, category: { DataType: 'String', StringValue: 'test' } })).toBe(
      'd21ae90c49061e927f57df5f5d72be1f',
    );
    expect(md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } })).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});

describe('local SQS', () => {
  it('round-trips a message with String, Number and Binary attributes through the SDK, checksums included', async () => {
    const { client, url } = await local();
    const attributes = {
      kind: { DataType: 'String', StringValue: 'ticket.open' },
      priority: { DataType: 'Number', StringValue: '3' },
      blob: { DataType: 'Binary', BinaryValue: Uint8Array.of(0, 1, 2, 254, 255) },
      'custom.type': { DataType: 'String.ulid', StringValue: '01J9Z' },
    };
    const body = JSON.stringify({ text: 'Grüße, 你好 👋' }); // multi-byte UTF-8: the SDK's MD5 check must still pass
    const sent = await send(client, url, body, { MessageAttributes: attributes });
    expect(sent.MessageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sent.MD5OfMessageBody).toBe(md5OfBody(body));
    expect(sent.MD5OfMessageAttributes).toBe(md5OfMessageAttributes(attributes));

    const [message, ...others] = await receive(client, url);
    expect(others).toEqual([]);
    expect(message).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: md5OfBody(body), MD5OfMessageAttributes: sent.MD5OfMessageAttributes });
    expect(message?.MessageAttributes).toEqual({
      kind: { DataType: 'String', StringValue: 'ticket.open' },
      priority: { DataType: 'Number', StringValue: '3' },
      blob: { DataType: 'Binary', BinaryValue: Uint8Array.of(0, 1, 2, 254, 255) },
      'custom.type': { DataType: 'String.ulid', StringValue: '01J9Z' },
    });
    const system = message?.Attributes ?? {};
    expect(system.ApproximateReceiveCount).toBe('1');
    expect(system.SenderId).toBe('AKIDTEST');
    expect(Number(system.SentTimestamp)).toBeGreaterThan(Date.now() - 5_000);
    expect(Number(system.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(system.SentTimestamp));

    // Only requested attributes come back, and the checksum covers exactly those (what the Java and Go SDKs verify).
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0 }));
    const [again] = await receive(client, url, { MessageAttributeNames: ['kind', 'custom.*'], MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    expect(Object.keys(again?.MessageAttributes ?? {}).sort()).toEqual(['custom.type', 'kind']);
    expect(again?.MD5OfMessageAttributes).toBe(md5OfMessageAttributes({ kind: attributes.kind, 'custom.type': attributes['custom.type'] }));
    expect(again?.Attributes).toEqual({ ApproximateReceiveCount: '2' });

    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again?.ReceiptHandle }));
    expect(await counts(client, url)).toMatchObject({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });

    // A batch: each entry gets its own id and checksums; a bad entry fails alone.
    const batch = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'a', MessageBody: 'first', MessageAttributes: { n: { DataType: 'Number', StringValue: '1' } } },
          { Id: 'b', MessageBody: 'second' },
          { Id: 'c', MessageBody: 'too late', DelaySeconds: 901 },
        ],
      }),
    );
    expect(batch.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
    expect(batch.Successful?.[0]?.MD5OfMessageAttributes).toBe(md5OfMessageAttributes({ n: { DataType: 'Number', StringValue: '1' } }));
    expect(batch.Failed).toEqual([expect.objectContaining({ Id: 'c', SenderFault: true, Code: 'InvalidParameterValue' })]);
    expect((await receive(client, url)).map((m) => m.Body)).toEqual(['first', 'second']);
  });

  it('answers errors as the SDK models them', async () => {
    const { client, url } = await local();
    const missing = client.send(new SendMessageCommand({ QueueUrl: url.replace('orders', 'nope'), MessageBody: 'x' }));
    await expect(missing).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(missing).rejects.toMatchObject({ Code: 'AWS.SimpleQueueService.NonExistentQueue', $metadata: { httpStatusCode: 400 } });
    await expect(client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'not-a-handle' }))).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await expect(client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 }))).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(client.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '5' } }))).rejects.toMatchObject({ name: 'QueueNameExists' });
    expect((await client.send(new CreateQueueCommand({ QueueName: 'orders', Attributes: { VisibilityTimeout: '1' } }))).QueueUrl).toBe(url);
  });

  it('honours only the latest receipt handle', async () => {
    const { sqs, client, url } = await local();
    await send(client, url, 'once');
    const [first] = await receive(client, url, { VisibilityTimeout: 0 });
    const [second] = await receive(client, url, { VisibilityTimeout: 30 });
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    // A stale handle's delete succeeds but deletes nothing: the message was received again since.
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
    expect(sqs.stats('orders')).toEqual({ visible: 0, inFlight: 1, delayed: 0, dlq: 0 });
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }));
    expect(sqs.stats('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0, dlq: 0 });
    // Deleting again is fine, as in SQS.
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }));
  });

  it('keeps a delayed message invisible until its delay is over, then delivers it on time', async () => {
    const { sqs, client, url } = await local();
    const sentAt = Date.now();
    await send(client, url, 'later', { DelaySeconds: 2 });
    await sleep(1_000 - (Date.now() - sentAt));
    expect(await receive(client, url)).toEqual([]);
    expect(sqs.stats('orders')).toMatchObject({ visible: 0, delayed: 1 });
    expect(await counts(client, url)).toMatchObject({ ApproximateNumberOfMessagesDelayed: '1', ApproximateNumberOfMessages: '0' });

    const [message] = await receive(client, url, { WaitTimeSeconds: 5 });
    const elapsed = Date.now() - sentAt;
    expect(message?.Body).toBe('later');
    expect(elapsed).toBeGreaterThanOrEqual(1_990);
    expect(elapsed).toBeLessThan(2_100);
  });

  it('redelivers a message whose visibility timeout ran out, counting receives', async () => {
    const { sqs, client, url } = await local();
    await send(client, url, 'retry me');
    const [first] = await receive(client, url);
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await receive(client, url)).toEqual([]);
    expect(sqs.stats('orders')).toMatchObject({ visible: 0, inFlight: 1 });

    const waitFrom = Date.now();
    const [second] = await receive(client, url, { WaitTimeSeconds: 5 });
    expect(Date.now() - waitFrom).toBeLessThan(1_100); // the queue's 1 s visibility timeout, not the 5 s wait
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second?.Attributes?.ApproximateFirstReceiveTimestamp).toBe(first?.Attributes?.ApproximateFirstReceiveTimestamp);
  });

  it('moves a message to the DLQ after maxReceiveCount receives without holding up the others', async () => {
    const { sqs, client, url } = await local();
    const poison = await send(client, url, 'poison');
    await send(client, url, 'good 1');
    const handle = async (messages: Message[]) => {
      // Good messages are handled (deleted); the poison one never is.
      for (const message of messages) if (message.Body !== 'poison') await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle }));
      return messages.map((message) => `${message.Body} #${message.Attributes?.ApproximateReceiveCount}`).sort();
    };
    expect(await handle(await receive(client, url))).toEqual(['good 1 #1', 'poison #1']);
    expect(await handle(await receive(client, url, { WaitTimeSeconds: 5 }))).toEqual(['poison #2']);
    // While the poison message is in flight for the last time, others are delivered as usual.
    await send(client, url, 'good 2');
    expect(await handle(await receive(client, url))).toEqual(['good 2 #1']);

    // After its second visibility timeout the poison message is in the DLQ instead of being delivered a third time.
    const [dead] = await receive(client, sqs.dlqUrl('orders'), { WaitTimeSeconds: 5 });
    expect(dead).toMatchObject({ MessageId: poison.MessageId, Body: 'poison' });
    expect(dead?.Attributes).toMatchObject({ DeadLetterQueueSourceArn: sqs.queueArn('orders'), ApproximateReceiveCount: '3' });
    expect(sqs.stats('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0, dlq: 1 });
    expect(await counts(client, sqs.dlqUrl('orders'))).toMatchObject({ ApproximateNumberOfMessagesNotVisible: '1', MessageRetentionPeriod: '1209600' });
  });

  it('answers a long poll as soon as a message arrives, and an abandoned poll takes nothing', async () => {
    const { client, url } = await local();
    const started = Date.now();
    const polling = receive(client, url, { WaitTimeSeconds: 10 });
    await sleep(300);
    const sentAt = Date.now();
    await send(client, url, 'now');
    const [message] = await polling;
    expect(message?.Body).toBe('now');
    expect(Date.now() - sentAt).toBeLessThan(50);
    expect(sentAt - started).toBeGreaterThanOrEqual(290);

    const abandoned = new AbortController();
    const gone = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }), { abortSignal: abandoned.signal });
    await sleep(100);
    abandoned.abort();
    await expect(gone).rejects.toThrow();
    await sleep(20);
    await send(client, url, 'for the next poll');
    const [next] = await receive(client, url, { WaitTimeSeconds: 1 });
    expect(next).toMatchObject({ Body: 'for the next poll', Attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }) });
  });
});

describe('queue mapping', () => {
  const mappings: QueueMapping[] = [];
  afterEach(async () => {
    await Promise.all(mappings.splice(0).map((mapping) => mapping.stop()));
  });

  async function start(
    env: Awaited<ReturnType<typeof local>>,
    handler: QueueMappingOptions['handler'],
    overrides: Partial<QueueMappingOptions> = {},
  ): Promise<QueueMapping> {
    const mapping = await startQueueMapping({
      name: 'test',
      sqs: env.client,
      queueUrl: env.url,
      trigger: { batchSize: 10, maxBatchingWindowSeconds: 0 },
      handler,
      log: () => {},
      ...overrides,
    });
    mappings.push(mapping);
    return mapping;
  }

  /** Records every delivery, then answers with `respond` (default: success). */
  function recorder(respond?: (records: SQSRecord[]) => SQSBatchResponse | void | Promise<SQSBatchResponse | void>) {
    const deliveries: SQSRecord[] = [];
    const batches: SQSRecord[][] = [];
    return {
      deliveries,
      batches,
      handler: async (event: SQSEvent) => {
        batches.push(event.Records);
        deliveries.push(...event.Records);
        return respond?.(event.Records);
      },
      bodies: (body: string) => deliveries.filter((record) => record.body === body),
    };
  }

  async function sendBatch(env: Awaited<ReturnType<typeof local>>, bodies: string[]) {
    const { Successful = [] } = await env.client.send(
      new SendMessageBatchCommand({
        QueueUrl: env.url,
        Entries: bodies.map((body, index) => ({ Id: `m${index}`, MessageBody: body, MessageAttributes: { n: { DataType: 'Number', StringValue: String(index) } } })),
      }),
    );
    return Successful;
  }

  it('delivers SQSEvents in Lambda’s shape and deletes handled messages', async () => {
    const env = await local();
    await send(env.client, env.url, '{"ticket":1}', {
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'open' }, raw: { DataType: 'Binary', BinaryValue: Buffer.from('hi') } },
    });
    const seen = recorder();
    const mapping = await start(env, seen.handler);
    await mapping.idle();
    expect(seen.deliveries).toHaveLength(1);
    const record = seen.deliveries[0];
    expect(Object.keys(record ?? {})).toEqual([
      'messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfMessageAttributes', 'md5OfBody', 'eventSource', 'eventSourceARN', 'awsRegion',
    ]);
    expect(record).toMatchObject({
      body: '{"ticket":1}',
      md5OfBody: md5OfBody('{"ticket":1}'),
      eventSource: 'aws:sqs',
      eventSourceARN: env.sqs.queueArn('orders'),
      awsRegion: 'eu-west-1', // from the queue ARN
      messageAttributes: {
        kind: { stringValue: 'open', stringListValues: [], binaryListValues: [], dataType: 'String' },
        raw: { binaryValue: Buffer.from('hi').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(Object.keys(record?.attributes ?? {})).toEqual(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
    expect(env.sqs.stats('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0, dlq: 0 });
    expect(mapping.stats()).toMatchObject({ invocations: 1, recordsDelivered: 1, recordsSucceeded: 1, recordsFailed: 0, running: 0 });
  });

  it('deletes the good messages of a partially failed batch and redelivers only the failed one', async () => {
    const env = await local();
    await sendBatch(env, ['a', 'b', 'c', 'd', 'e']);
    const seen = recorder((records) => {
      const failing = records.find((record) => record.body === 'c' && record.attributes.ApproximateReceiveCount === '1');
      return { batchItemFailures: failing ? [{ itemIdentifier: failing.messageId }] : [] };
    });
    const mapping = await start(env, seen.handler);
    await mapping.idle();
    for (const body of ['a', 'b', 'd', 'e']) expect(seen.bodies(body)).toHaveLength(1);
    expect(seen.bodies('c').map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(seen.bodies('c')[1]?.messageId).toBe(seen.bodies('c')[0]?.messageId);
    expect(env.sqs.stats('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0, dlq: 0 });
    expect(mapping.stats()).toMatchObject({ recordsDelivered: 6, recordsSucceeded: 5, recordsFailed: 1, failedInvocations: 0 });
  });

  it('fails the whole batch on a thrown error, a timeout or an unknown itemIdentifier', async () => {
    const env = await local();
    await sendBatch(env, ['throw', 'x']);
    let calls = 0;
    const seen = recorder(async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'no-such-id' }] };
      return undefined;
    });
    const mapping = await start(env, seen.handler, { concurrency: 1 });
    await mapping.idle();
    // Two whole-batch failures exhaust maxReceiveCount 2: both messages end in the DLQ, none was deleted.
    expect(seen.bodies('x').map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(env.sqs.stats('orders')).toMatchObject({ visible: 0, inFlight: 0, dlq: 2 });
    expect(mapping.stats()).toMatchObject({ invocations: 2, failedInvocations: 2, recordsSucceeded: 0 });

    // A handler slower than timeoutSeconds fails too; its late success deletes nothing.
    const slowEnv = await local();
    await send(slowEnv.client, slowEnv.url, 'slow');
    const slow = recorder(async (records) => {
      if (records[0]?.attributes.ApproximateReceiveCount === '1') await sleep(400);
    });
    const slowMapping = await start(slowEnv, slow.handler, { timeoutSeconds: 0.1 });
    await slowMapping.idle();
    expect(slow.bodies('slow').map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(slowMapping.stats()).toMatchObject({ failedInvocations: 1, recordsSucceeded: 1 });
  });

  it('sends a poison message to the DLQ after maxReceiveCount while the others flow', async () => {
    const env = await local();
    const [poison] = await sendBatch(env, ['poison', 'one']);
    const handledAt = new Map<string, number>();
    const seen = recorder((records) => {
      for (const record of records) if (record.body !== 'poison') handledAt.set(record.body, Date.now());
      return { batchItemFailures: records.filter((record) => record.body === 'poison').map((record) => ({ itemIdentifier: record.messageId })) };
    });
    const mapping = await start(env, seen.handler);
    // Messages sent while the poison message is cycling are handled at once.
    const sentAt = new Map<string, number>();
    for (const body of ['two', 'three', 'four']) {
      await sleep(300);
      sentAt.set(body, Date.now());
      await send(env.client, env.url, body);
    }
    await mapping.idle();
    for (const body of ['one', 'two', 'three', 'four']) expect(seen.bodies(body)).toHaveLength(1);
    for (const [body, at] of sentAt) expect((handledAt.get(body) ?? Infinity) - at).toBeLessThan(100);
    expect(seen.bodies('poison')).toHaveLength(2);
    expect(env.sqs.stats('orders')).toEqual({ visible: 0, inFlight: 0, delayed: 0, dlq: 1 });
    const [dead] = await receive(env.client, env.sqs.dlqUrl('orders'));
    expect(dead?.MessageId).toBe(poison?.MessageId);
  });

  it('idle() ignores delayed messages unless asked to wait for them', async () => {
    const env = await local();
    await send(env.client, env.url, 'due in 1 s', { DelaySeconds: 1 });
    const seen = recorder();
    const mapping = await start(env, seen.handler);
    await mapping.idle();
    expect(seen.deliveries).toHaveLength(0);
    expect(env.sqs.stats('orders')).toMatchObject({ delayed: 1 });
    await mapping.idle({ includeDelayed: true, timeoutMs: 5_000 });
    expect(seen.bodies('due in 1 s')).toHaveLength(1);
  });

  it('leaves nothing running after stop(): the process exits by itself', async () => {
    // A child process, because only a process exiting proves that no timer or socket is left behind.
    const script = `
      const { SQSClient, SendMessageCommand } = await import('@aws-sdk/client-sqs');
      const { startLocalSqs } = await import(${JSON.stringify(new URL('../../functions/local/sqs-server.ts', import.meta.url).href)});
      const { startQueueMapping } = await import(${JSON.stringify(new URL('../../functions/local/queue-mapping.ts', import.meta.url).href)});
      const sqs = await startLocalSqs({ queues: { q: { envVar: 'Q', visibilityTimeoutSeconds: 60, maxReceiveCount: 3 } }, log: () => {} });
      const client = new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      await client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('q'), MessageBody: 'later', DelaySeconds: 900 }));
      await client.send(new SendMessageCommand({ QueueUrl: sqs.queueUrl('q'), MessageBody: 'fails', }));
      const mapping = await startQueueMapping({ name: 'q', sqs: client, queueUrl: sqs.queueUrl('q'), trigger: { batchSize: 10, maxBatchingWindowSeconds: 0 },
        handler: async () => { throw new Error('stays in flight for 60 s'); }, log: () => {} });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await mapping.stop();
      await sqs.stop();
      console.log('stopped');
    `;
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('exit', (exitCode) => {
        clearTimeout(killer);
        resolve(exitCode);
      });
    });
    expect(output).toContain('stopped');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
