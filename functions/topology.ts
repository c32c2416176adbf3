// The single source of truth for wiring: tables, functions and what triggers them.
// infra/ builds AWS resources from it and functions/local/ wires the same handlers from it, so the two cannot drift.

export type TableName = 'responses' | 'aggregates' | 'catalog' | 'tickets' | 'outbox';

export interface TableSpec {
  /** Partition key attribute (always a string). */
  readonly partitionKey: string;
  /** Sort key attribute (string), when the table has one. */
  readonly sortKey?: string;
  /** Stream view, when other functions consume the table's changes. */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  /** Attribute that holds an epoch-seconds expiry, when items expire. */
  readonly timeToLiveAttribute?: string;
  /** Environment variable through which functions learn the physical table name. */
  readonly envVar: string;
  /** Global secondary indexes (string keys, all attributes projected). */
  readonly indexes?: readonly { readonly name: string; readonly partitionKey: string; readonly sortKey: string }[];
  /** Exists only in the local runtime (e.g. the outbox that stands in for SNS); the CDK stack skips it. */
  readonly localOnly?: boolean;
}

export const tables: Record<TableName, TableSpec> = {
  responses: {
    partitionKey: 'id',
    stream: 'NEW_AND_OLD_IMAGES',
    envVar: 'TABLE_RESPONSES',
    // One survey's responses newest first, read in bounded pages: the rule dry run ("would have fired N times in the
    // last 30 days") and a survey's last response time. Counters answer every other question without reading responses.
    indexes: [{ name: 'bySurvey', partitionKey: 'surveyId', sortKey: 'submittedAt' }],
  },
  aggregates: { partitionKey: 'pk', sortKey: 'sk', envVar: 'TABLE_AGGREGATES' },
  catalog: { partitionKey: 'pk', sortKey: 'sk', envVar: 'TABLE_CATALOG' },
  /** Tickets (one item each, history inside) and the markers that make alert effects happen once. */
  tickets: {
    partitionKey: 'pk',
    sortKey: 'sk',
    envVar: 'TABLE_TICKETS',
    indexes: [{ name: 'byCreated', partitionKey: 'listKey', sortKey: 'createdAt' }],
    // Paging counters and their per-response marks expire a week after their window; tickets never do.
    timeToLiveAttribute: 'expiresAt',
  },
  /** Every notification "sent" in the local runtime, where SNS, SMS and e-mail are replaced by this outbox. */
  outbox: { partitionKey: 'pk', sortKey: 'sk', envVar: 'TABLE_OUTBOX', localOnly: true },
};

export type QueueName = 'tickets' | 'rebuilds';

export interface QueueSpec {
  readonly envVar: string;
  /** Seconds a received message stays invisible; at least 6 × the consumer's timeout, as AWS advises. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
}

export const queues: Record<QueueName, QueueSpec> = {
  tickets: { envVar: 'QUEUE_TICKETS', visibilityTimeoutSeconds: 60, maxReceiveCount: 5 },
  /** Steps of rebuild jobs: one message carries one scan segment a few pages on, then queues its continuation. */
  rebuilds: { envVar: 'QUEUE_REBUILDS', visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
};

export type TopicName = 'alerts';

export const topics: Record<TopicName, { readonly envVar: string }> = {
  /** Manager notifications: new alerts and escalations, with attributes subscriptions can filter on. */
  alerts: { envVar: 'TOPIC_ALERTS' },
};

export type Access = 'RO' | 'RW';

export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

export interface StreamTrigger {
  readonly kind: 'stream';
  readonly table: TableName;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  /** Retries of a failing batch before it goes to the on-failure destination. */
  readonly retryAttempts: number;
  readonly bisectBatchOnError: boolean;
  /** Only records whose eventName is listed reach the handler (Lambda filter criteria). */
  readonly eventNames: readonly StreamEventName[];
  /** Oldest record age the mapping still delivers; older ones go to the on-failure destination. */
  readonly maxRecordAgeSeconds: number;
}

export interface HttpTrigger {
  readonly kind: 'http';
}

export interface QueueTrigger {
  readonly kind: 'queue';
  readonly queue: QueueName;
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
}

export interface FunctionSpec {
  /** Handler module, relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly trigger: HttpTrigger | StreamTrigger | QueueTrigger;
  readonly tables: Partial<Record<TableName, Access>>;
  /** Queues the function sends to. */
  readonly sendsTo?: readonly QueueName[];
  /** Topics the function publishes to. */
  readonly publishesTo?: readonly TopicName[];
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export type FunctionName = 'api' | 'aggregate' | 'alerts' | 'tickets' | 'rebuild';

export const functions: Record<FunctionName, FunctionSpec> = {
  api: {
    entry: 'functions/api/handler.ts',
    description: 'Survey pages, response capture and the admin API',
    trigger: { kind: 'http' },
    // Aggregates RW: starting a rebuild writes its job and the generation pointer.
    tables: { responses: 'RW', aggregates: 'RW', catalog: 'RW', tickets: 'RW', outbox: 'RO' },
    // Reopening a ticket schedules its new SLA checks; starting a rebuild queues its segments.
    sendsTo: ['tickets', 'rebuilds'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  aggregate: {
    entry: 'functions/aggregate/handler.ts',
    description: 'Rolls new responses into per-day counters for every indicator node and org unit',
    trigger: {
      kind: 'stream',
      table: 'responses',
      batchSize: 100,
      // No waiting to fill a batch: under load batches fill by themselves, and when it is quiet a new response
      // should reach the dashboard in well under a second.
      maxBatchingWindowSeconds: 0,
      retryAttempts: 3,
      bisectBatchOnError: true,
      eventNames: ['INSERT', 'MODIFY'],
      maxRecordAgeSeconds: 3600,
    },
    tables: { aggregates: 'RW', catalog: 'RO' },
    timeoutSeconds: 30,
    memoryMb: 512,
  },
  alerts: {
    entry: 'functions/alerts/handler.ts',
    description: 'Evaluates alert rules on new and changed responses: notifies managers and asks for a ticket',
    trigger: {
      kind: 'stream',
      table: 'responses',
      batchSize: 50,
      maxBatchingWindowSeconds: 0,
      retryAttempts: 5,
      bisectBatchOnError: true,
      eventNames: ['INSERT', 'MODIFY'],
      maxRecordAgeSeconds: 3600,
    },
    tables: { catalog: 'RO', tickets: 'RW', outbox: 'RW' },
    sendsTo: ['tickets'],
    publishesTo: ['alerts'],
    timeoutSeconds: 30,
    memoryMb: 512,
  },
  tickets: {
    entry: 'functions/tickets/handler.ts',
    description: 'Opens and assigns tickets, checks their SLAs and escalates them up the org tree',
    trigger: { kind: 'queue', queue: 'tickets', batchSize: 10, maxBatchingWindowSeconds: 0 },
    tables: { catalog: 'RO', tickets: 'RW', outbox: 'RW' },
    sendsTo: ['tickets'],
    publishesTo: ['alerts'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  rebuild: {
    entry: 'functions/rebuild/handler.ts',
    description: 'Rebuilds every counter from the responses into a new generation, segment by segment, and makes it live',
    // A message works for at most ~20 s (functions/rebuild/rebuild.ts), so a batch of a few finishes well in time.
    trigger: { kind: 'queue', queue: 'rebuilds', batchSize: 4, maxBatchingWindowSeconds: 0 },
    tables: { responses: 'RO', aggregates: 'RW', catalog: 'RO' },
    sendsTo: ['rebuilds'],
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
};

/** Environment variables every function receives besides its table names. */
export const commonEnv = {
  /** Where the admin API authenticates: 'gateway' trusts the API Gateway JWT authorizer, 'token' checks a static bearer token. */
  authMode: 'AUTH_MODE',
  adminToken: 'OPENCEM_ADMIN_TOKEN',
  /** Public base URL of the dashboard, used in links that notifications carry. */
  dashboardUrl: 'DASHBOARD_URL',
  /** Endpoint override for DynamoDB (DynamoDB Local); unset in AWS. */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  /** Endpoint override for SQS (the local runtime's in-process queues); unset in AWS. */
  sqsEndpoint: 'SQS_ENDPOINT',
  /** Where notifications go: 'sns' in AWS, 'outbox' in the local runtime. */
  notifier: 'NOTIFIER',
  /** Optional: alert notifications one rule may send about one unit per window (default 10); the rest go into a digest. */
  notifyCap: 'ALERT_NOTIFY_CAP',
  /** Optional: length of that paging window in minutes (default 15, at most 1440). */
  notifyWindowMinutes: 'ALERT_NOTIFY_WINDOW_MINUTES',
  /** Space-separated origins that may frame the survey pages (web intercept); unset: none may. */
  surveyFrameAncestors: 'SURVEY_FRAME_ANCESTORS',
} as const;

export function tableEnv(names: Record<TableName, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [table, spec] of Object.entries(tables) as [TableName, TableSpec][]) env[spec.envVar] = names[table];
  return env;
}

export function queueConsumers(): [FunctionName, FunctionSpec & { trigger: QueueTrigger }][] {
  return (Object.entries(functions) as [FunctionName, FunctionSpec][]).filter(
    (entry): entry is [FunctionName, FunctionSpec & { trigger: QueueTrigger }] => entry[1].trigger.kind === 'queue',
  );
}

/** Tables the CDK stack creates: every table except the local runtime's stand-ins. */
export function deployedTables(): TableName[] {
  return (Object.keys(tables) as TableName[]).filter((name) => !tables[name].localOnly);
}

export function streamConsumers(): [FunctionName, FunctionSpec & { trigger: StreamTrigger }][] {
  return (Object.entries(functions) as [FunctionName, FunctionSpec][]).filter(
    (entry): entry is [FunctionName, FunctionSpec & { trigger: StreamTrigger }] => entry[1].trigger.kind === 'stream',
  );
}
