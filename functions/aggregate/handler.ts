// Lambda entry: responses stream → per-day aggregate counters.
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { cachedCatalog, dynamoCatalogStore } from '../aws/catalog-store.ts';
import { dynamoAggregateStore } from '../aws/aggregate-store.ts';
import { documentClient, tableNamesFromEnv } from '../aws/dynamodb.ts';
import { countResponses } from './count-responses.ts';

const client = documentClient();
const names = tableNamesFromEnv(['aggregates', 'catalog']);
const deps = {
  catalog: cachedCatalog(dynamoCatalogStore(client, names.catalog)),
  aggregates: dynamoAggregateStore(client, names.aggregates),
  log: (message: string, detail?: Record<string, unknown>) => console.log(JSON.stringify({ level: 'warn', fn: 'aggregate', message, ...detail })),
};

export const handler = (event: DynamoDBStreamEvent) => countResponses(event.Records, deps);
