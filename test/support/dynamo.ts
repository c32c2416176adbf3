// Owns a test file's slice of the run's DynamoDB Local: its own uniquely named tables, created from topology.ts.
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { inject } from 'vitest';
import { createTables, dynamoClient, localTableNames, streamsClient } from '../../functions/local/tables.ts';
import type { TableName } from '../../functions/topology.ts';

export interface LocalTables {
  endpoint: string;
  client: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  names: Record<TableName, string>;
}

/**
 * Creates a fresh set of tables (random suffix, so test files and tests never see each other's items or stream
 * records) in the DynamoDB Local that test/support/global-setup.ts started.
 */
export async function useLocalTables(prefix = 'test'): Promise<LocalTables> {
  const endpoint = inject('dynamodbEndpoint');
  const names = localTableNames(`${prefix}-${randomBytes(4).toString('hex')}`);
  const client = dynamoClient(endpoint);
  await createTables(client, names);
  return { endpoint, client, streams: streamsClient(endpoint), names };
}
