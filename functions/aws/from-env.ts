// Adapters chosen by the environment that topology.ts and the CDK stack (or the local runtime) set.
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_NOTIFY_LIMIT, NotifyLimit } from '../domain/paging.ts';
import type { RebuildMessage } from '../domain/rebuild.ts';
import type { TicketMessage } from '../domain/ticket-messages.ts';
import { systemClock, type MessageQueue, type Notifier, type OutboxReader } from '../ports.ts';
import { cachedCatalog, dynamoCatalogStore } from './catalog-store.ts';
import { documentClient, tableNamesFromEnv } from './dynamodb.ts';
import { dynamoTicketStore } from './ticket-store.ts';
import { commonEnv, queues, tables, topics } from '../topology.ts';
import { outboxNotifier, snsNotifier } from './notifier.ts';
import { sqsClient, sqsQueue } from './sqs-queue.ts';

function required(name: string, env: NodeJS.ProcessEnv): string {
  const value = env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

/** SNS in AWS; the outbox table in the local runtime. */
export function notifierFromEnv(client: DynamoDBDocumentClient, env: NodeJS.ProcessEnv = process.env): { notifier: Notifier; outbox?: OutboxReader } {
  const mode = env[commonEnv.notifier];
  if (mode === 'sns') return { notifier: snsNotifier(new SNSClient({}), required(topics.alerts.envVar, env)) };
  if (mode === 'outbox') {
    // The sent-marks live in the tickets table; with it, the outbox publishes and marks in one transaction.
    const outbox = outboxNotifier(client, required(tables.outbox.envVar, env), required(tables.tickets.envVar, env));
    return { notifier: outbox, outbox };
  }
  throw new Error(`${commonEnv.notifier} must be "sns" or "outbox", got ${JSON.stringify(mode)}`);
}

/** The outbox reader where notifications go to the outbox (local runtime); nothing in AWS. */
export function outboxFromEnv(client: DynamoDBDocumentClient, env: NodeJS.ProcessEnv = process.env): OutboxReader | undefined {
  return env[commonEnv.notifier] === 'outbox' ? outboxNotifier(client, required(tables.outbox.envVar, env)) : undefined;
}

export function ticketQueueFromEnv(env: NodeJS.ProcessEnv = process.env): MessageQueue<TicketMessage> {
  return sqsQueue<TicketMessage>(sqsClient(env[commonEnv.sqsEndpoint]), required(queues.tickets.envVar, env));
}

export function rebuildQueueFromEnv(env: NodeJS.ProcessEnv = process.env): MessageQueue<RebuildMessage> {
  return sqsQueue<RebuildMessage>(sqsClient(env[commonEnv.sqsEndpoint]), required(queues.rebuilds.envVar, env));
}

/** The paging cap per rule × unit × window; unset variables keep the defaults, bad ones fail fast with their name. */
export function notifyLimitFromEnv(env: NodeJS.ProcessEnv = process.env): NotifyLimit {
  const cap = env[commonEnv.notifyCap];
  const minutes = env[commonEnv.notifyWindowMinutes];
  const parsed = NotifyLimit.safeParse({ max: cap || DEFAULT_NOTIFY_LIMIT.max, windowMinutes: minutes || DEFAULT_NOTIFY_LIMIT.windowMinutes });
  if (!parsed.success) {
    const names = { max: commonEnv.notifyCap, windowMinutes: commonEnv.notifyWindowMinutes };
    const issues = parsed.error.issues.map((i) => `${names[i.path[0] as keyof typeof names] ?? String(i.path[0])}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment variable(s): ${issues}`);
  }
  return parsed.data;
}

export function dashboardUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env[commonEnv.dashboardUrl] ?? '';
}

/** What the closed-loop functions (alerts, tickets) share: catalog, tickets, notifier, tickets queue, clock, links. */
export function closedLoopDepsFromEnv(functionName: string) {
  const client = documentClient();
  const names = tableNamesFromEnv(['catalog', 'tickets']);
  return {
    catalog: cachedCatalog(dynamoCatalogStore(client, names.catalog)),
    tickets: dynamoTicketStore(client, names.tickets),
    notifier: notifierFromEnv(client).notifier,
    queue: ticketQueueFromEnv(),
    clock: systemClock,
    dashboardUrl: dashboardUrlFromEnv(),
    notifyLimit: notifyLimitFromEnv(),
    log: (message: string, detail?: Record<string, unknown>) => console.log(JSON.stringify({ level: 'warn', fn: functionName, message, ...detail })),
  };
}
