// Lambda entry: rebuilds queue → one rebuild segment a few pages further per message (the same module runs locally).
import type { SQSEvent } from 'aws-lambda';
import { dynamoAggregateStore, dynamoRebuildStore } from '../aws/aggregate-store.ts';
import { cachedCatalog, dynamoCatalogStore } from '../aws/catalog-store.ts';
import { documentClient, tableNamesFromEnv } from '../aws/dynamodb.ts';
import { rebuildQueueFromEnv } from '../aws/from-env.ts';
import { dynamoResponseScan } from '../aws/response-scan.ts';
import { systemClock } from '../ports.ts';
import { handleRebuildMessages } from './handle-messages.ts';

const client = documentClient();
const names = tableNamesFromEnv(['responses', 'aggregates', 'catalog']);
// In Lambda a JSON line for CloudWatch; in the local runtime (same process as the console) the plain progress line.
const inLambda = Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);
const deps = {
  catalog: cachedCatalog(dynamoCatalogStore(client, names.catalog)),
  aggregates: dynamoAggregateStore(client, names.aggregates),
  jobs: dynamoRebuildStore(client, names.aggregates),
  responses: dynamoResponseScan(client, names.responses),
  queue: rebuildQueueFromEnv(),
  clock: systemClock,
  log: (line: string) => console.log(inLambda ? JSON.stringify({ level: 'info', fn: 'rebuild', message: line }) : `  ${line}`),
};

export const handler = (event: SQSEvent) => handleRebuildMessages(event.Records, deps);
