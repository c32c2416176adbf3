// DynamoDB clients and table names for a function, built once from its environment.
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery, TransactWriteCommand, type QueryCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { commonEnv, tables, type TableName } from '../topology.ts';

export function documentClient(endpoint = process.env[commonEnv.dynamodbEndpoint]): DynamoDBDocumentClient {
  const client = new DynamoDBClient(
    endpoint
      ? { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 5 }
      : { maxAttempts: 5 },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The physical names of the tables a function was given, failing fast with the missing variable's name. */
export function tableNamesFromEnv<T extends TableName>(needed: readonly T[], env: NodeJS.ProcessEnv = process.env): Record<T, string> {
  const shape = Object.fromEntries(needed.map((t) => [tables[t].envVar, z.string().min(3)]));
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`Missing or invalid environment variable(s): ${missing}`);
  }
  return Object.fromEntries(needed.map((t) => [t, env[tables[t].envVar] as string])) as Record<T, string>;
}

/** Every item a query matches, following DynamoDB's pages. */
export async function queryAll(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client }, input)) items.push(...(page.Items ?? []));
  return items;
}

const MAX_CONFLICT_RETRIES = 8;

/**
 * Writes one transaction. Returns undefined once it is written, or the per-item cancellation codes when one of its
 * conditions failed ("ConditionalCheckFailed" at that item's index). A conflict with another writer touching the same
 * items at the same moment is retried with jittered back-off, a bounded number of times.
 */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<string[] | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      if (codes.includes('ConditionalCheckFailed')) return codes;
      if (attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
}
