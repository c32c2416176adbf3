// CemFunction: every OpenCEM Lambda's defaults in one place, built from a FunctionSpec in functions/topology.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnTable, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  queues as queueSpecs,
  tables as tableSpecs,
  topics as topicSpecs,
  type Access,
  type FunctionSpec,
  type QueueName,
  type TableName,
  type TopicName,
} from '../../functions/topology.ts';

/** The repository root: handler entries, the lock file and tsconfig are resolved from here, not from the cwd. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Turns a topology name (`responses`) into a construct id (`Responses`). */
export function constructId(topologyName: string): string {
  return topologyName.charAt(0).toUpperCase() + topologyName.slice(1);
}

/** What functions can be bound to, by topology name; each function binds only what its own spec lists. */
export interface CemResources {
  /** Deployed tables only: local-only ones (topology `localOnly`) have no entry. */
  readonly tables: Partial<Record<TableName, ITable>>;
  readonly queues: Record<QueueName, IQueue>;
  readonly topics: Record<TopicName, ITopic>;
}

export interface CemFunctionProps {
  readonly spec: FunctionSpec;
  /** The function is bound to the tables, queues and topics its spec lists, with the access it lists. */
  readonly resources: CemResources;
  /** Settings shared by all functions (topology `commonEnv`). */
  readonly environment?: Record<string, string>;
}

// ESM bundles have no `require`; a few CJS dependencies call it for Node built-ins, so give them one.
const requireShim =
  "import { createRequire as __cemCreateRequire } from 'node:module'; const require = __cemCreateRequire(import.meta.url);";

export class CemFunction extends NodejsFunction {
  /** The function's own role (NodejsFunction's `role` is optional-typed; this one is always there). */
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: CemFunctionProps) {
    const { spec } = props;
    // Our own log group (with retention) and our own role that may write only to it, instead of the
    // AWSLambdaBasicExecutionRole managed policy, which may create and write any log group in the account.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} function: its log group plus the tables, queues and topics topology.ts grants it`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(projectRoot, spec.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb,
      timeout: Duration.seconds(spec.timeoutSeconds),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: requireShim,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Keeps non-Latin lexicons and survey copy readable and smaller than \u escapes.
        charset: Charset.UTF8,
        // The nodejs22.x runtime ships AWS SDK v3; bundling it would only add cold-start weight.
        externalModules: ['@aws-sdk/*'],
        tsconfig: path.join(projectRoot, 'tsconfig.json'),
        forceDockerBundling: false,
      },
    });
    this.executionRole = role;

    const { tables, queues, topics } = props.resources;
    for (const [name, access] of Object.entries(spec.tables) as [TableName, Access][]) {
      // Stand-ins of the local runtime (the outbox replaces SNS there) do not exist in AWS.
      if (tableSpecs[name].localOnly) continue;
      const table = tables[name];
      if (!table) throw new Error(`topology: ${id} uses the ${name} table, which the stack did not create`);
      this.bindTable(name, table, access);
    }
    for (const name of spec.sendsTo ?? []) this.bindQueue(name, queues[name]);
    for (const name of spec.publishesTo ?? []) this.bindTopic(name, topics[name]);

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x by the architecture: the same handlers also run on the local Node 20 (npm start), and 22 ' +
        'is the closest Lambda runtime to it; move to nodejs24.x together with the local toolchain.',
    });
  }

  /** Tells the function the table's physical name through its topology envVar and grants exactly `access` to it. */
  bindTable(name: TableName, table: ITable, access: Access): this {
    const spec = tableSpecs[name];
    this.addEnvironment(spec.envVar, table.tableName);
    if (access === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);

    const cfnTable = table.node.defaultChild;
    if (spec.indexes?.length && cfnTable instanceof CfnTable) {
      // cdk-nag names the finding after the rendered ARN, e.g. `<DataTickets1234.Arn>/index/*`.
      const indexArns = `<${Stack.of(this).getLogicalId(cfnTable)}.Arn>/index/*`;
      Validations.of(this.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${indexArns}]`,
        reason:
          `CDK's table grant adds <table ARN>/index/* so the function can query the ${name} table's own global ` +
          `secondary indexes (${spec.indexes.map((index) => index.name).join(', ')}); it reaches no other table, ` +
          `and the actions are the same ${access === 'RW' ? 'read/write' : 'read-only'} set as on the table.`,
      });
    }
    return this;
  }

  /** Tells the function the queue's URL through its topology envVar and lets it send (only) to that queue. */
  bindQueue(name: QueueName, queue: IQueue): this {
    this.addEnvironment(queueSpecs[name].envVar, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** Tells the function the topic's ARN through its topology envVar and lets it publish (only) to that topic. */
  bindTopic(name: TopicName, topic: ITopic): this {
    this.addEnvironment(topicSpecs[name].envVar, topic.topicArn);
    // Also grants kms:Decrypt + kms:GenerateDataKey* on the topic's key, which SNS needs to encrypt what is published.
    topic.grantPublish(this);
    if (topic.masterKey) {
      Validations.of(this.executionRole).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          `Publishing to the ${name} topic, which is encrypted with its own customer-managed key, needs a data key: ` +
          "CDK's grantPublish grants kms:GenerateDataKey* (GenerateDataKey and its variants) on that one key only.",
      });
    }
    return this;
  }
}
