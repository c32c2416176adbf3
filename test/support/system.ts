// Test wiring for integration tests: fresh tables on the shared DynamoDB Local, the demo catalog, and the real handler
// modules loaded with their environment — the same way the local runtime and Lambda load them.
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { Hono } from 'hono';
import { documentClient } from '../../functions/aws/dynamodb.ts';
import { dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { putDemoCatalog } from '../../functions/local/demo.ts';
import { startStreamMapping, type StreamFailure } from '../../functions/local/stream-mapping.ts';
import { commonEnv, functions, queues, tableEnv } from '../../functions/topology.ts';
import { startLocalSqs } from '../../functions/local/sqs-server.ts';
import { afterAll } from 'vitest';
import { useLocalTables } from './dynamo.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

/** `seed: false` starts from an empty catalog, as a fresh deployment does. */
export async function setupSystem(options: { seed?: boolean } = {}) {
  const { endpoint, client, names } = await useLocalTables();
  const sqs = await startLocalSqs({ queues, log: () => {} });
  afterAll(() => sqs.stop());
  Object.assign(process.env, tableEnv(names), sqs.env(), {
    [commonEnv.notifier]: 'outbox',
    [commonEnv.dynamodbEndpoint]: endpoint,
    [commonEnv.authMode]: 'token',
    [commonEnv.adminToken]: ADMIN_TOKEN,
    AWS_REGION: 'us-east-1',
  });
  const doc = documentClient(endpoint);
  const catalog = dynamoCatalogStore(doc, names.catalog);
  if (options.seed ?? true) await putDemoCatalog(catalog);

  const api = await import('../../functions/api/handler.ts');
  const aggregate = (await import('../../functions/aggregate/handler.ts')) as { handler: StreamHandler };
  const streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

  const trigger = functions.aggregate.trigger;
  if (trigger.kind !== 'stream') throw new Error('aggregate must be a stream consumer');

  return {
    endpoint,
    sqs,
    client,
    doc,
    names,
    app: api.app,
    aggregateHandler: aggregate.handler,
    /** Runs the aggregate handler on the responses stream like Lambda would; `wrap` can inject faults or duplicates. */
    async startAggregateMapping(wrap: (handler: StreamHandler) => StreamHandler = (h) => h, startingPosition: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON') {
      const failures: StreamFailure[] = [];
      const mapping = await startStreamMapping({
        name: 'aggregate',
        dynamo: client,
        streams,
        tableName: names.responses,
        trigger,
        batchingWindowSeconds: 0,
        startingPosition,
        handler: wrap(aggregate.handler),
        onFailure: async (failure) => {
          failures.push(failure);
        },
      });
      return { mapping, failures };
    },
    async count(table: keyof typeof names): Promise<number> {
      let total = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(new ScanCommand({ TableName: names[table], Select: 'COUNT', ExclusiveStartKey: startKey }));
        total += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return total;
    },
  };
}

export function adminHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...extra };
}

/** A valid answer set for the demo hotel-stay survey with the given NPS score. */
export function hotelAnswers(nps: number): Record<string, number | string> {
  return { nps, 'booking-ease': 6, 'checkin-csat': 4, 'stay-csat': 5, 'checkout-csat': 3, 'room-clean': 4, comment: '房间很干净' };
}
