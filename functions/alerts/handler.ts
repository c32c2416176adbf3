// Lambda entry: responses stream → alert rules → SNS notifications and ticket requests on the tickets queue.
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { cachedCatalog, dynamoCatalogStore } from '../aws/catalog-store.ts';
import { documentClient, tableNamesFromEnv } from '../aws/dynamodb.ts';
import { dashboardUrlFromEnv, notifierFromEnv, ticketQueueFromEnv } from '../aws/from-env.ts';
import { dynamoTicketStore } from '../aws/ticket-store.ts';
import { systemClock } from '../ports.ts';
import { raiseAlerts } from './raise-alerts.ts';

const client = documentClient();
const names = tableNamesFromEnv(['catalog', 'tickets']);
const deps = {
  catalog: cachedCatalog(dynamoCatalogStore(client, names.catalog), 10_000, systemClock),
  tickets: dynamoTicketStore(client, names.tickets),
  notifier: notifierFromEnv(client).notifier,
  queue: ticketQueueFromEnv(),
  clock: systemClock,
  dashboardUrl: dashboardUrlFromEnv(),
  log: (message: string, detail?: Record<string, unknown>) => console.log(JSON.stringify({ level: 'warn', fn: 'alerts', message, ...detail })),
};

export const handler = (event: DynamoDBStreamEvent) => raiseAlerts(event.Records, deps);
