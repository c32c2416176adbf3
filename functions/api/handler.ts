// Lambda entry: the hono app behind API Gateway (HTTP API). The JWT authorizer guards /api/v1/* before this runs.
import { handle } from 'hono/aws-lambda';
import { dynamoAggregateStore, dynamoRebuildStore } from '../aws/aggregate-store.ts';
import { cachedCatalog, dynamoCatalogStore } from '../aws/catalog-store.ts';
import { documentClient, tableNamesFromEnv } from '../aws/dynamodb.ts';
import { dynamoResponseStore } from '../aws/response-store.ts';
import { outboxFromEnv, rebuildQueueFromEnv, ticketQueueFromEnv } from '../aws/from-env.ts';
import { dynamoResponseScan } from '../aws/response-scan.ts';
import { dynamoTicketStore } from '../aws/ticket-store.ts';
import { systemClock } from '../ports.ts';
import { createApi } from './app.ts';
import { authFromEnv } from './auth.ts';
import { surveyFrameAncestorsFromEnv } from './content-security.ts';
import { formOriginPolicyFromEnv } from './form-origin.ts';
import { formLimitsFromEnv } from './rate-limit.ts';

const client = documentClient();
const names = tableNamesFromEnv(['responses', 'aggregates', 'catalog', 'tickets']);

export const app = createApi({
  catalog: cachedCatalog(dynamoCatalogStore(client, names.catalog)),
  responses: dynamoResponseStore(client, names.responses),
  aggregates: dynamoAggregateStore(client, names.aggregates),
  clock: systemClock,
  auth: authFromEnv(),
  publicForms: { origins: formOriginPolicyFromEnv(), limits: formLimitsFromEnv() },
  tickets: dynamoTicketStore(client, names.tickets),
  queue: ticketQueueFromEnv(),
  outbox: outboxFromEnv(client),
  surveyFrameAncestors: surveyFrameAncestorsFromEnv(),
  rebuilds: { jobs: dynamoRebuildStore(client, names.aggregates), responses: dynamoResponseScan(client, names.responses), queue: rebuildQueueFromEnv() },
});

export const handler = handle(app);
