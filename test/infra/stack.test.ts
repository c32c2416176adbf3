// Infra assertions: the stack is built from functions/topology.ts, keeps data private, and passes cdk-nag AwsSolutions.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  commonEnv,
  functions,
  streamConsumers,
  tables,
  type FunctionSpec,
  type TableName,
} from '../../functions/topology.ts';
import { OpenCemStack } from '../../infra/stack.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };

// The same feature flags as `cdk synth`, so the template under test is the one that deploys.
const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context?: object };

function dashboardBuild(withIndex: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'opencem-web-'));
  if (withIndex) writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>OpenCEM</title>');
  return dir;
}

function appWithoutBundling(): App {
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
}

const app = appWithoutBundling();
const stack = new OpenCemStack(app, 'OpenCemTest', { webAssetPath: dashboardBuild(true) });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;

const idOf = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ref = (construct: IConstruct) => ({ Ref: idOf(construct) });
const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [idOf(construct), 'Arn'] });
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/** The Lambda function built for a topology entry, found by the description the spec gives it. */
function functionFor(spec: FunctionSpec): [string, Resource] {
  const matches = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Description === spec.description);
  expect(matches, spec.entry).toHaveLength(1);
  return matches[0]!;
}

function statementsOfRole(roleId: string): Statement[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('stream consumers (from topology.streamConsumers())', () => {
  it('has at least one consumer to check', () => {
    expect(streamConsumers().length).toBeGreaterThan(0);
  });

  for (const [name, spec] of streamConsumers()) {
    const { trigger } = spec;

    it(`${name}: the event source mapping carries the topology's batch, retry, filter and failure settings`, () => {
      const [fnId] = functionFor(spec);
      const consumer = stack.pipeline.consumers.find((c) => c.name === name)!;
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fnId },
        EventSourceArn: { 'Fn::GetAtt': [idOf(stack.data.tables[trigger.table]), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: trigger.batchSize,
        MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
        MaximumRetryAttempts: trigger.retryAttempts,
        BisectBatchOnFunctionError: trigger.bisectBatchOnError,
        MaximumRecordAgeInSeconds: trigger.maxRecordAgeSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: [...trigger.eventNames] }) }] },
        DestinationConfig: { OnFailure: { Destination: arnOf(consumer.failedRecords) } },
      });
    });

    it(`${name}: failed records go to an encrypted, TLS-only queue kept 14 days, with alarms on it and on lag`, () => {
      const consumer = stack.pipeline.consumers.find((c) => c.name === name)!;
      const queueId = idOf(consumer.failedRecords);
      expect(resources[queueId]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      const queuePolicies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) => JSON.stringify(p.Properties.Queues).includes(queueId));
      expect(JSON.stringify(queuePolicies)).toContain('"aws:SecureTransport":"false"');

      const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
      expect(alarms).toContainEqual(
        expect.objectContaining({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        }),
      );
      expect(alarms).toContainEqual(
        expect.objectContaining({ MetricName: 'IteratorAge', Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionFor(spec)[0] } }] }),
      );
    });
  }
});

describe('API', () => {
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
  const routeByKey = (key: string) => routes.find((r) => r.RouteKey === key);

  it('has a JWT authorizer that trusts only the stack’s user pool and dashboard client', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [idOf(stack.api.userPool), 'ProviderURL'] },
        Audience: [ref(stack.api.dashboardClient)],
      },
    });
  });

  it('puts the authorizer on every route under /api/v1, for every method the admin API uses', () => {
    const [authorizerId] = ofType('AWS::ApiGatewayV2::Authorizer').map(([id]) => id);
    const adminRoutes = routes.filter((r) => / \/api\/v1(\/|$)/.test(r.RouteKey));
    expect(adminRoutes.map((r) => r.RouteKey)).toEqual(
      expect.arrayContaining(['GET /api/v1/{proxy+}', 'POST /api/v1/{proxy+}', 'DELETE /api/v1/{proxy+}', 'GET /api/v1']),
    );
    for (const route of adminRoutes) {
      expect(route, route.RouteKey).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
  });

  it('leaves survey pages, health and docs public, and nothing else', () => {
    const publicKeys = routes.filter((r) => r.AuthorizationType !== 'JWT').map((r) => r.RouteKey as string);
    expect(publicKeys.sort()).toEqual(['GET /', 'HEAD /', 'POST /', 'GET /{proxy+}', 'HEAD /{proxy+}', 'POST /{proxy+}'].sort());
    for (const key of publicKeys) {
      expect(routeByKey(key)!.AuthorizationType, key).toBe('NONE');
      expect(routeByKey(key)!.AuthorizerId, key).toBeUndefined();
    }
  });

  it('has no ANY or OPTIONS route, so API Gateway itself answers CORS preflights', () => {
    expect(routes.filter((r) => /^(ANY|OPTIONS) /.test(r.RouteKey))).toEqual([]);
  });

  it('serves the $default stage with JSON access logs and answers CORS only for the dashboard', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [idOf(stack.web.distribution), 'DomainName'] }]] }],
      },
    });
  });

  it('keeps manager sign-in closed: admin-created accounts, strong passwords, TOTP, threat protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false });
  });
});

describe('dashboard hosting', () => {
  it('blocks all public access on every bucket', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const [id, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('lets only this CloudFront distribution read the dashboard bucket, and only over TLS', () => {
    const bucketId = idOf(stack.web.bucket);
    const [[, policy]] = ofType('AWS::S3::BucketPolicy').filter(([, p]) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId })) as [
      [string, Resource],
    ];
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const allow of allows) {
      expect(allow.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(actions(allow)).toEqual(['s3:GetObject']);
      expect(JSON.stringify(allow.Condition)).toContain('AWS:SourceArn');
      expect(JSON.stringify(allow.Condition)).toContain(idOf(stack.web.distribution));
    }
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('serves through CloudFront with Origin Access Control, HTTPS redirect and index.html at the root', () => {
    const [[oacId]] = ofType('AWS::CloudFront::OriginAccessControl') as [[string, Resource]];
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
    const [, distribution] = ofType('AWS::CloudFront::Distribution')[0]!;
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
  });

  it('publishes the build with a config.json pointing at the API and the user pool, then invalidates the CDN', () => {
    const [[, deployment]] = ofType('Custom::CDKBucketDeployment') as [[string, Resource]];
    expect(deployment.Properties.DestinationBucketName).toEqual(ref(stack.web.bucket));
    expect(deployment.Properties.DistributionId).toEqual(ref(stack.web.distribution));
    const markers = JSON.stringify(deployment.Properties.SourceMarkers);
    for (const construct of [stack.api.httpApi, stack.api.userPool, stack.api.dashboardClient]) {
      expect(markers).toContain(JSON.stringify(ref(construct)));
    }
  });

  it('refuses to synthesize without a dashboard build, and says how to make one', () => {
    expect(() => new OpenCemStack(appWithoutBundling(), 'NoBuild', { webAssetPath: dashboardBuild(false) })).toThrow(
      /npm run build:web/,
    );
  });
});

describe('tables (from topology.tables)', () => {
  for (const [name, spec] of Object.entries(tables) as [TableName, (typeof tables)[TableName]][]) {
    it(`${name}: on-demand, point-in-time recovery, AWS-managed encryption, keys/stream/TTL as specified`, () => {
      const table = resources[idOf(stack.data.tables[name])]!;
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        KeySchema: [
          { AttributeName: spec.partitionKey, KeyType: 'HASH' },
          ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : []),
        ],
      });
      expect(table.Properties.StreamSpecification).toEqual(spec.stream ? { StreamViewType: spec.stream } : undefined);
      expect(table.Properties.TimeToLiveSpecification).toEqual(
        spec.timeToLiveAttribute ? { AttributeName: spec.timeToLiveAttribute, Enabled: true } : undefined,
      );
    });
  }

  it('keeps responses when the stack is deleted', () => {
    expect(resources[idOf(stack.data.tables.responses)]!.DeletionPolicy).toBe('Retain');
  });
});

describe('functions (from topology.functions)', () => {
  it('builds exactly the topology functions, besides CDK’s own dashboard uploader', () => {
    const ours = ofType('AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
    expect(ours).toHaveLength(Object.keys(functions).length);
  });

  for (const [name, spec] of Object.entries(functions)) {
    it(`${name}: arm64, nodejs22.x, ESM bundle entry, sizing from the spec, logs with retention`, () => {
      const [, fn] = functionFor(spec);
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        MemorySize: spec.memoryMb,
        Timeout: spec.timeoutSeconds,
      });
      const logGroupId = (fn.Properties.LoggingConfig.LogGroup as { Ref: string }).Ref;
      expect(resources[logGroupId]!.Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupId]!.Properties.RetentionInDays).toBeGreaterThan(0);
    });

    it(`${name}: learns exactly its own tables' names and the common settings`, () => {
      const [, fn] = functionFor(spec);
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      const tableVars = Object.values(tables).map((t) => t.envVar);
      const expectedTableVars = (Object.keys(spec.tables) as TableName[]).map((t) => tables[t].envVar);
      expect(Object.keys(env).filter((k) => tableVars.includes(k)).sort()).toEqual(expectedTableVars.sort());
      for (const table of Object.keys(spec.tables) as TableName[]) {
        expect(env[tables[table].envVar]).toEqual(ref(stack.data.tables[table]));
      }
      expect(env).toMatchObject({ [commonEnv.authMode]: 'gateway', NODE_OPTIONS: '--enable-source-maps' });
      expect(env[commonEnv.dashboardUrl]).toBeDefined();
      expect(env[commonEnv.adminToken]).toBeUndefined();
    });

    it(`${name}: may write only the tables it lists as RW, and touches no other table`, () => {
      const [, fn] = functionFor(spec);
      const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const statements = statementsOfRole(roleId);
      expect(statementsOfRole(roleId).some((s) => actions(s).includes('logs:CreateLogGroup'))).toBe(false);
      for (const table of Object.keys(tables) as TableName[]) {
        const onTable = statements.filter((s) =>
          resourcesOf(s).some((r) => JSON.stringify(r) === JSON.stringify(arnOf(stack.data.tables[table]))),
        );
        const granted = new Set(onTable.flatMap(actions));
        const access = spec.tables[table];
        expect(granted.has('dynamodb:GetItem'), `${name} reads ${table}`).toBe(access !== undefined);
        expect(granted.has('dynamodb:PutItem'), `${name} writes ${table}`).toBe(access === 'RW');
      }
    });
  }
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged errors or warnings', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}: ${v.description}`,
    );
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    const acknowledgements = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [rule, reason] of acknowledgements) expect(reason.length, rule).toBeGreaterThanOrEqual(60);
  });

  it('acknowledges nothing stack-wide', () => {
    const onStack = stack.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(onStack).toEqual([]);
  });
});
