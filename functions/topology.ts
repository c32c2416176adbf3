// The single source of truth for wiring: tables, functions and what triggers them.
// infra/ builds AWS resources from it and functions/local/ wires the same handlers from it, so the two cannot drift.

export type TableName = 'responses' | 'aggregates' | 'catalog';

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
}

export const tables: Record<TableName, TableSpec> = {
  responses: { partitionKey: 'id', stream: 'NEW_AND_OLD_IMAGES', envVar: 'TABLE_RESPONSES' },
  aggregates: { partitionKey: 'pk', sortKey: 'sk', envVar: 'TABLE_AGGREGATES' },
  catalog: { partitionKey: 'pk', sortKey: 'sk', envVar: 'TABLE_CATALOG' },
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

export interface FunctionSpec {
  /** Handler module, relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly trigger: HttpTrigger | StreamTrigger;
  readonly tables: Partial<Record<TableName, Access>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

export type FunctionName = 'api' | 'aggregate';

export const functions: Record<FunctionName, FunctionSpec> = {
  api: {
    entry: 'functions/api/handler.ts',
    description: 'Survey pages, response capture and the admin API',
    trigger: { kind: 'http' },
    tables: { responses: 'RW', aggregates: 'RO', catalog: 'RW' },
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
} as const;

export function tableEnv(names: Record<TableName, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [table, spec] of Object.entries(tables) as [TableName, TableSpec][]) env[spec.envVar] = names[table];
  return env;
}

export function streamConsumers(): [FunctionName, FunctionSpec & { trigger: StreamTrigger }][] {
  return (Object.entries(functions) as [FunctionName, FunctionSpec][]).filter(
    (entry): entry is [FunctionName, FunctionSpec & { trigger: StreamTrigger }] => entry[1].trigger.kind === 'stream',
  );
}
