// Lambda entry: tickets queue → open/assign tickets, SLA checks, escalation up the org tree.
import type { SQSEvent } from 'aws-lambda';
import { cachedCatalog, dynamoCatalogStore } from '../aws/catalog-store.ts';
import { documentClient, tableNamesFromEnv } from '../aws/dynamodb.ts';
import { dashboardUrlFromEnv, notifierFromEnv, ticketQueueFromEnv } from '../aws/from-env.ts';
import { dynamoTicketStore } from '../aws/ticket-store.ts';
import { systemClock } from '../ports.ts';
import { handleTicketMessages } from './handle-messages.ts';

const client = documentClient();
const names = tableNamesFromEnv(['catalog', 'tickets']);
const deps = {
  catalog: cachedCatalog(dynamoCatalogStore(client, names.catalog), 10_000, systemClock),
  tickets: dynamoTicketStore(client, names.tickets),
  notifier: notifierFromEnv(client).notifier,
  queue: ticketQueueFromEnv(),
  clock: systemClock,
  dashboardUrl: dashboardUrlFromEnv(),
  log: (message: string, detail?: Record<string, unknown>) => console.log(JSON.stringify({ level: 'warn', fn: 'tickets', message, ...detail })),
};

export const handler = (event: SQSEvent) => handleTicketMessages(event.Records, deps);
