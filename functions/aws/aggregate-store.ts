// Aggregate counters on DynamoDB, updated exactly once per response however often a stream record is replayed.
// Each transaction puts a per-response marker (only if absent) together with the folded counter increments,
// so either a response is counted completely and marked, or not at all.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamodb.ts';
import { counterKey, foldDeltas, type CounterDelta, type Counters } from '../domain/aggregation.ts';
import type { AggregateStore, ResponseDeltas } from '../ports.ts';

/** DynamoDB allows 100 actions in one transaction. */
const MAX_TRANSACTION_ITEMS = 100;
const MAX_CONFLICT_RETRIES = 8;

export function dynamoAggregateStore(client: DynamoDBDocumentClient, tableName: string): AggregateStore {
  async function applyChunk(chunk: ResponseDeltas[]): Promise<{ applied: string[]; alreadyCounted: string[] }> {
    let pending = chunk;
    const alreadyCounted: string[] = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      const counters = foldDeltas(pending.flatMap((r) => r.deltas));
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              ...pending.map((r) => ({
                Put: {
                  TableName: tableName,
                  Item: { ...counterKey.appliedMarker(r.responseId), countedAt: new Date().toISOString() },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              })),
              ...counters.map((delta) => ({ Update: counterUpdate(tableName, delta) })),
            ],
          }),
        );
        return { applied: pending.map((r) => r.responseId), alreadyCounted };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        // A failed marker condition means that response was counted before: drop it and count the rest.
        const counted = new Set(pending.filter((_, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((r) => r.responseId));
        if (counted.size > 0) {
          alreadyCounted.push(...counted);
          pending = pending.filter((r) => !counted.has(r.responseId));
          continue;
        }
        // Otherwise another writer touched the same counters at the same moment: back off with jitter and retry.
        if (attempt >= MAX_CONFLICT_RETRIES) throw error;
        await sleep(Math.random() * 20 * 2 ** attempt);
      }
    }
    return { applied: [], alreadyCounted };
  }

  return {
    async applyOnce(batch) {
      const applied: string[] = [];
      const alreadyCounted: string[] = [];
      for (const chunk of transactionChunks(batch)) {
        const result = await applyChunk(chunk);
        applied.push(...result.applied);
        alreadyCounted.push(...result.alreadyCounted);
      }
      return { applied, alreadyCounted };
    },

    async readCounters(pk, fromSk, toSk) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': fromSk, ':to': toSk },
      });
      return items.map((item) => {
        const { pk: _pk, sk, ...counters } = item as { pk: string; sk: string } & Counters;
        return { sk, counters };
      });
    },
  };
}

function counterUpdate(tableName: string, delta: CounterDelta) {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const parts = Object.entries(delta.add).map(([name, by], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = by;
    return `#c${i} :c${i}`;
  });
  return {
    TableName: tableName,
    Key: { pk: delta.pk, sk: delta.sk },
    UpdateExpression: `ADD ${parts.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Groups responses so that markers plus distinct counter items stay within one transaction's limit. */
export function transactionChunks(batch: ResponseDeltas[]): ResponseDeltas[][] {
  const chunks: ResponseDeltas[][] = [];
  let current: ResponseDeltas[] = [];
  let currentKeys = new Set<string>();
  for (const response of batch) {
    const keys = response.deltas.map((d) => `${d.pk}|${d.sk}`);
    const merged = new Set([...currentKeys, ...keys]);
    if (current.length > 0 && current.length + 1 + merged.size > MAX_TRANSACTION_ITEMS) {
      chunks.push(current);
      current = [];
      currentKeys = new Set();
    }
    current.push(response);
    for (const key of keys) currentKeys.add(key);
  }
  if (current.length) chunks.push(current);
  return chunks;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
