// Owns the local tables: their physical names, the clients that reach DynamoDB Local, and creating them from topology.ts.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { setTimeout as sleep } from 'node:timers/promises';
import { tables, type TableName, type TableSpec } from '../topology.ts';
import { localClientConfig } from './dynamodb-local.ts';

/** `${prefix}-${table}` for every table in topology.ts. */
export function localTableNames(prefix: string): Record<TableName, string> {
  // DynamoDB's rules: 3–255 characters of [a-zA-Z0-9_.-].
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`Table name prefix "${prefix}" may only contain letters, digits, '_', '.' and '-'`);
  const names = Object.fromEntries(Object.keys(tables).map((table) => [table, `${prefix}-${table}`])) as Record<TableName, string>;
  for (const name of Object.values(names)) {
    if (name.length < 3 || name.length > 255) throw new Error(`Table name "${name}" must be 3–255 characters long`);
  }
  return names;
}

/** A client for DynamoDB Local; a few attempts ride out a busy JVM (GC pauses) without hiding real errors. */
export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 3 });
}

export function streamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ ...localClientConfig(endpoint), maxAttempts: 3 });
}

/**
 * Creates every table of topology.ts (or of `specs`) under its physical name and waits until it is ACTIVE.
 * Idempotent: a table that already exists is left as it is (only a missing TTL setting is added).
 */
export async function createTables(
  client: DynamoDBClient,
  names: Record<TableName, string>,
  specs: Record<TableName, TableSpec> = tables,
): Promise<void> {
  await Promise.all((Object.keys(specs) as TableName[]).map((table) => createTable(client, names[table], specs[table])));
}

async function createTable(client: DynamoDBClient, name: string, spec: TableSpec): Promise<void> {
  const keys: KeySchemaElement[] = [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }];
  const attributes: AttributeDefinition[] = [{ AttributeName: spec.partitionKey, AttributeType: 'S' }];
  if (spec.sortKey) {
    keys.push({ AttributeName: spec.sortKey, KeyType: 'RANGE' });
    attributes.push({ AttributeName: spec.sortKey, AttributeType: 'S' });
  }
  for (const index of spec.indexes ?? []) {
    for (const attribute of [index.partitionKey, index.sortKey]) {
      if (!attributes.some((a) => a.AttributeName === attribute)) attributes.push({ AttributeName: attribute, AttributeType: 'S' });
    }
  }
  const indexes: GlobalSecondaryIndex[] = (spec.indexes ?? []).map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  }));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: keys,
        AttributeDefinitions: attributes,
        BillingMode: 'PAY_PER_REQUEST',
        ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
        ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await waitUntilActive(client, name);
    await addMissingIndexes(client, name, indexes, attributes);
  }
  await waitUntilActive(client, name);
  if (spec.timeToLiveAttribute) await enableTimeToLive(client, name, spec.timeToLiveAttribute);
}

/**
 * A data dir from an earlier version has the table without an index added since: it is added (DynamoDB backfills it
 * from the items already there), one at a time as DynamoDB requires.
 */
async function addMissingIndexes(client: DynamoDBClient, name: string, indexes: readonly GlobalSecondaryIndex[], attributes: AttributeDefinition[]): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  const existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of indexes) {
    if (existing.has(index.IndexName)) continue;
    await client.send(new UpdateTableCommand({ TableName: name, AttributeDefinitions: attributes, GlobalSecondaryIndexUpdates: [{ Create: index }] }));
    await waitUntilActive(client, name);
  }
}

async function waitUntilActive(client: DynamoDBClient, name: string, timeoutMs = 30_000): Promise<void> {
  // The SDK's waiter polls every 20 s; DynamoDB Local is ACTIVE at once, so poll tightly.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`Table ${name} is still ${Table?.TableStatus ?? 'missing'} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

async function enableTimeToLive(client: DynamoDBClient, name: string, attribute: string): Promise<void> {
  const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  // UpdateTimeToLive fails on a table whose TTL is already on, so only ask when it is off.
  if (status === 'ENABLED' || status === 'ENABLING') {
    if (TimeToLiveDescription?.AttributeName !== attribute) {
      throw new Error(`Table ${name} expires items by "${TimeToLiveDescription?.AttributeName}", but topology.ts says "${attribute}"`);
    }
    return;
  }
  await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: attribute } }));
}
