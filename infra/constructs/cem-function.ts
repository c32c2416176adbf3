// CemFunction: every OpenCEM Lambda's defaults in one place, built from a FunctionSpec in functions/topology.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { tables as tableSpecs, type Access, type FunctionSpec, type TableName } from '../../functions/topology.ts';

/** The repository root: handler entries, the lock file and tsconfig are resolved from here, not from the cwd. */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Turns a topology name (`responses`) into a construct id (`Responses`). */
export function constructId(topologyName: string): string {
  return topologyName.charAt(0).toUpperCase() + topologyName.slice(1);
}

export interface CemFunctionProps {
  readonly spec: FunctionSpec;
  /** Every table by topology name; the function is bound to the ones its spec lists, with the access it lists. */
  readonly tables: Record<TableName, ITable>;
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
      description: `Runs the ${id} function: its log group plus the tables topology.ts grants it`,
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

    for (const [table, access] of Object.entries(spec.tables) as [TableName, Access][]) {
      this.bindTable(props.tables[table], access, tableSpecs[table].envVar);
    }

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x by the architecture: the same handlers also run on the local Node 20 (npm start), and 22 ' +
        'is the closest Lambda runtime to it; move to nodejs24.x together with the local toolchain.',
    });
  }

  /** Tells the function the table's physical name through `envVar` and grants exactly `access` to it. */
  bindTable(table: ITable, access: Access, envVar: string): this {
    this.addEnvironment(envVar, table.tableName);
    if (access === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);
    return this;
  }
}
