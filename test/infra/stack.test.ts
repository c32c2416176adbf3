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
  deployedTables,
  functions,
  queueConsumers,
  queues,
  streamConsumers,
  tables,
  topics,
  type FunctionSpec,
  type QueueName,
  type QueueSpec,
  type TableName,
  type TopicName,
} from '../../functions/topology.ts';
import { checkVisibilityTimeout } from '../../infra/constructs/messaging.ts';
import { defaultPublicTraffic } from '../../infra/constructs/api.ts';
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
const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
const localOnlyTables = (Object.keys(tables) as TableName[]).filter((name) => !deployedTables().includes(name));
/** AWS's advice for SQS-triggered functions: visibility timeout at least this many times the function timeout. */
const visibilityTimeoutFactor = 6;

/** The Lambda function built for a topology entry, found by the description the spec gives it. */
function functionFor(spec: FunctionSpec): [string, Resource] {
  const matches = ofType('AWS::Lambda::Function').filter(([, r]) => r.Properties.Description === spec.description);
  expect(matches, spec.entry).toHaveLength(1);
  return matches[0]!;
}

/** Everything the statements allow on one resource (given as its template reference). */
function actionsOn(statements: Statement[], resource: unknown): Set<string> {
  const target = JSON.stringify(resource);
  return new Set(statements.filter((s) => resourcesOf(s).some((r) => JSON.stringify(r) === target)).flatMap(actions));
}

function roleOf(spec: FunctionSpec): string {
  const [, fn] = functionFor(spec);
  return (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/** The TLS-only (aws:SecureTransport) deny in the resource policy of a queue or topic. */
function deniesPlainHttp(policyType: string, resourceId: string): boolean {
  return ofType(policyType).some(
    ([, p]) =>
      JSON.stringify(p.Properties.Queues ?? p.Properties.Topics).includes(`"${resourceId}"`) &&
      (p.Properties.PolicyDocument.Statement as Statement[]).some(
        (s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
      ),
  );
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
        EventSourceArn: { 'Fn::GetAtt': [idOf(stack.data.table(trigger.table)), 'StreamArn'] },
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
      expect(deniesPlainHttp('AWS::SQS::QueuePolicy', queueId)).toBe(true);

      expect(alarms()).toContainEqual(
        expect.objectContaining({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        }),
      );
      expect(alarms()).toContainEqual(
        expect.objectContaining({ MetricName: 'IteratorAge', Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionFor(spec)[0] } }] }),
      );
    });
  }
});

describe('work queues (from topology.queues)', () => {
  for (const [name, spec] of Object.entries(queues) as [QueueName, QueueSpec][]) {
    const queueId = () => idOf(stack.messaging.queues[name]);
    const deadLettersId = () => idOf(stack.messaging.deadLetters[name]);

    it(`${name}: encrypted, TLS-only, redrives to its own dead-letter queue after maxReceiveCount receives`, () => {
      expect(resources[queueId()]!.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLettersId(), 'Arn'] }, maxReceiveCount: spec.maxReceiveCount },
      });
      expect(resources[deadLettersId()]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      expect(deniesPlainHttp('AWS::SQS::QueuePolicy', queueId())).toBe(true);
      expect(deniesPlainHttp('AWS::SQS::QueuePolicy', deadLettersId())).toBe(true);
    });

    it(`${name}: keeps a message invisible at least ${visibilityTimeoutFactor} × the timeout of every consumer`, () => {
      const consumers = queueConsumers().filter(([, fn]) => fn.trigger.queue === name);
      expect(consumers.length).toBeGreaterThan(0);
      for (const [consumer, fn] of consumers) {
        expect(resources[queueId()]!.Properties.VisibilityTimeout, consumer).toBeGreaterThanOrEqual(visibilityTimeoutFactor * fn.timeoutSeconds);
      }
    });

    it(`${name}: an alarm notifies operators as soon as its dead-letter queue holds a message`, () => {
      expect(alarms()).toContainEqual(
        expect.objectContaining({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLettersId(), 'QueueName'] } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [ref(stack.monitoring.alarmTopic)],
        }),
      );
    });
  }

  it('refuses a visibility timeout under 6 × the consumer timeout, naming the queue and the consumer', () => {
    const [consumer, fn] = queueConsumers()[0]!;
    const queue = fn.trigger.queue;
    const enough = { ...queues[queue], visibilityTimeoutSeconds: visibilityTimeoutFactor * fn.timeoutSeconds };
    expect(() => checkVisibilityTimeout(queue, enough, [[consumer, fn]])).not.toThrow();
    const tooShort = { ...enough, visibilityTimeoutSeconds: enough.visibilityTimeoutSeconds - 1 };
    expect(() => checkVisibilityTimeout(queue, tooShort, [[consumer, fn]])).toThrow(
      new RegExp(`queues\\.${queue}\\.visibilityTimeoutSeconds.*${consumer}.*at least 6 ×`),
    );
  });
});

describe('queue consumers (from topology.queueConsumers())', () => {
  it('has at least one consumer to check', () => {
    expect(queueConsumers().length).toBeGreaterThan(0);
  });

  for (const [name, spec] of queueConsumers()) {
    const { trigger } = spec;

    it(`${name}: the SQS event source mapping carries the topology's batch settings and reports partial batch failures`, () => {
      const [fnId] = functionFor(spec);
      const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: fnId }));
      expect(mappings).toHaveLength(1);
      expect(mappings[0]![1].Properties).toEqual({
        FunctionName: { Ref: fnId },
        EventSourceArn: arnOf(stack.messaging.queues[trigger.queue]),
        BatchSize: trigger.batchSize,
        MaximumBatchingWindowInSeconds: trigger.maxBatchingWindowSeconds,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it(`${name}: may receive, delete and extend the messages of its queue`, () => {
      const granted = actionsOn(statementsOfRole(roleOf(spec)), arnOf(stack.messaging.queues[trigger.queue]));
      for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']) {
        expect(granted.has(action), action).toBe(true);
      }
    });

    it(`${name}: an alarm notifies operators when its invocations fail`, () => {
      expect(alarms()).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionFor(spec)[0] } }],
          AlarmActions: [ref(stack.monitoring.alarmTopic)],
        }),
      );
    });
  }
});

describe('notification topics (from topology.topics)', () => {
  for (const name of Object.keys(topics) as TopicName[]) {
    it(`${name}: encrypted with a customer-managed key of its own, with yearly rotation`, () => {
      const topic = resources[idOf(stack.messaging.topics[name])]!;
      expect(topic.Type).toBe('AWS::SNS::Topic');
      const keyRef = topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] };
      expect(keyRef).toEqual(arnOf(stack.messaging.topicKeys[name]));
      expect(resources[keyRef['Fn::GetAtt'][0]]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    });

    it(`${name}: accepts publishes over TLS only`, () => {
      expect(deniesPlainHttp('AWS::SNS::TopicPolicy', idOf(stack.messaging.topics[name]))).toBe(true);
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

  it('throttles the stage and, tighter, the form posts of every client together', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: defaultPublicTraffic.stageRatePerSecond,
      ThrottlingBurstLimit: defaultPublicTraffic.stageBurst,
    });
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    // Every key must name a real route, or the deployment fails.
    expect(Object.keys(settings).sort()).toEqual(['POST /', 'POST /{proxy+}']);
    for (const [key, setting] of Object.entries(settings)) {
      expect(routeByKey(key), key).toBeDefined();
      expect(setting).toEqual({ ThrottlingRateLimit: defaultPublicTraffic.formPostsPerSecond, ThrottlingBurstLimit: defaultPublicTraffic.formPostBurst });
    }
    expect(defaultPublicTraffic.formPostsPerSecond).toBeLessThan(defaultPublicTraffic.stageRatePerSecond);
  });

  it('gives the api function its per-client form limits, and takes other limits from props', () => {
    const [, fn] = functionFor(functions.api);
    expect(fn.Properties.Environment.Variables).toMatchObject({ RATE_ANON_PER_CLIENT: '30', RATE_ANON_BURST: '10', RATE_FORM_PER_SURVEY: '600' });

    const custom = new OpenCemStack(appWithoutBundling(), 'OpenCemLimits', {
      webAssetPath: dashboardBuild(true),
      publicTraffic: { formPostsPerSecond: 10, formPostBurst: 20, formLimits: { RATE_ANON_PER_CLIENT: 60 } },
    });
    const customTemplate = Template.fromStack(custom).toJSON().Resources as Record<string, Resource>;
    const customStage = Object.values(customTemplate).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage')!;
    expect(customStage.Properties.RouteSettings['POST /{proxy+}']).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    const api = Object.values(customTemplate).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === functions.api.description)!;
    expect(api.Properties.Environment.Variables).toMatchObject({ RATE_ANON_PER_CLIENT: '60', RATE_ANON_BURST: '10' });
    expect(
      () => new OpenCemStack(appWithoutBundling(), 'OpenCemBadLimits', { webAssetPath: dashboardBuild(true), publicTraffic: { formLimits: { RATE_ANON_BURST: 0 } } }),
    ).toThrow(/RATE_ANON_BURST/);
  });

  it('attaches no WAF web ACL to the HTTP API, which AWS WAF cannot protect', () => {
    // An association would fail at deploy time; the function's limiter and route throttling take its place.
    expect(ofType('AWS::WAFv2::WebACLAssociation')).toEqual([]);
  });

  it('does not claim that personal links are signed', () => {
    const reasons = JSON.stringify(stack.node.findAll().flatMap((c) => c.node.metadata.map((m) => m.data)));
    expect(reasons).not.toMatch(/HMAC|signed and expire/);
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

  it('sends a Content-Security-Policy that forbids framing the dashboard', () => {
    const [[policyId, policy]] = ofType('AWS::CloudFront::ResponseHeadersPolicy') as [[string, Resource]];
    const security = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.ContentSecurityPolicy.Override).toBe(true);
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toContain("frame-ancestors 'none'");
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toContain("script-src 'self'");
    expect(security.FrameOptions.FrameOption).toBe('DENY');
    const [, distribution] = ofType('AWS::CloudFront::Distribution')[0]!;
    expect(distribution.Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });

  it('passes the survey pages’ framing origins to the api function only when configured', () => {
    const framed = Template.fromStack(new OpenCemStack(appWithoutBundling(), 'Framed', { webAssetPath: dashboardBuild(true), surveyFrameAncestors: 'https://www.hotel.example' }));
    const apiFunctions = Object.values(framed.toJSON().Resources as Record<string, Resource>).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === functions.api.description,
    );
    expect(apiFunctions[0]?.Properties.Environment.Variables[commonEnv.surveyFrameAncestors]).toBe('https://www.hotel.example');
    const [, api] = functionFor(functions.api);
    expect(api.Properties.Environment.Variables[commonEnv.surveyFrameAncestors]).toBeUndefined();
  });

  it('passes the alert paging cap to the functions only when configured', () => {
    const tuned = Template.fromStack(new OpenCemStack(appWithoutBundling(), 'Paging', { webAssetPath: dashboardBuild(true), alertPaging: { maxPerWindow: 25, windowMinutes: 30 } }));
    const alerts = Object.values(tuned.toJSON().Resources as Record<string, Resource>).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === functions.alerts.description,
    );
    expect(alerts?.Properties.Environment.Variables).toMatchObject({ [commonEnv.notifyCap]: '25', [commonEnv.notifyWindowMinutes]: '30' });
    const [, untuned] = functionFor(functions.alerts);
    expect(untuned.Properties.Environment.Variables[commonEnv.notifyCap]).toBeUndefined();
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
  for (const name of deployedTables()) {
    const spec = tables[name];
    it(`${name}: on-demand, point-in-time recovery, AWS-managed encryption, keys/stream/TTL/indexes as specified`, () => {
      const table = resources[idOf(stack.data.table(name))]!;
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
      expect(table.Properties.GlobalSecondaryIndexes).toEqual(
        spec.indexes?.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
    });
  }

  it('creates no table for the local runtime’s stand-ins (topology localOnly)', () => {
    expect(ofType('AWS::DynamoDB::Table')).toHaveLength(deployedTables().length);
    for (const name of localOnlyTables) {
      expect(stack.data.tables[name], name).toBeUndefined();
      expect(() => stack.data.table(name)).toThrow(/localOnly/);
    }
  });

  it('keeps responses and tickets (what customers said, and how they were handled) when the stack is deleted', () => {
    for (const name of ['responses', 'tickets'] as const) {
      expect(resources[idOf(stack.data.table(name))], name).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
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

    it(`${name}: learns exactly its own deployed tables, queues and topics, and the common settings`, () => {
      const [, fn] = functionFor(spec);
      const env = fn.Properties.Environment.Variables as Record<string, unknown>;
      const tableVars = Object.values(tables).map((t) => t.envVar);
      const ownTables = (Object.keys(spec.tables) as TableName[]).filter((t) => deployedTables().includes(t));
      expect(Object.keys(env).filter((k) => tableVars.includes(k)).sort()).toEqual(ownTables.map((t) => tables[t].envVar).sort());
      for (const table of ownTables) expect(env[tables[table].envVar]).toEqual(ref(stack.data.table(table)));
      // A local-only table it lists (the outbox) simply has no binding in AWS.
      for (const table of localOnlyTables) expect(env[tables[table].envVar], table).toBeUndefined();

      for (const [queue, queueSpec] of Object.entries(queues) as [QueueName, QueueSpec][]) {
        const sends = spec.sendsTo?.includes(queue) ?? false;
        expect(env[queueSpec.envVar], queue).toEqual(sends ? ref(stack.messaging.queues[queue]) : undefined);
      }
      for (const topic of Object.keys(topics) as TopicName[]) {
        const publishes = spec.publishesTo?.includes(topic) ?? false;
        expect(env[topics[topic].envVar], topic).toEqual(publishes ? ref(stack.messaging.topics[topic]) : undefined);
      }

      expect(env).toMatchObject({ [commonEnv.authMode]: 'gateway', [commonEnv.notifier]: 'sns', NODE_OPTIONS: '--enable-source-maps' });
      expect(env[commonEnv.dashboardUrl]).toBeDefined();
      for (const unsetInAws of [commonEnv.adminToken, commonEnv.dynamodbEndpoint, commonEnv.sqsEndpoint]) {
        expect(env[unsetInAws], unsetInAws).toBeUndefined();
      }
    });

    it(`${name}: may write only the tables it lists as RW, and touches no other table`, () => {
      const statements = statementsOfRole(roleOf(spec));
      expect(statements.some((s) => actions(s).includes('logs:CreateLogGroup'))).toBe(false);
      for (const table of deployedTables()) {
        const granted = actionsOn(statements, arnOf(stack.data.table(table)));
        const access = spec.tables[table];
        expect(granted.has('dynamodb:GetItem'), `${name} reads ${table}`).toBe(access !== undefined);
        expect(granted.has('dynamodb:PutItem'), `${name} writes ${table}`).toBe(access === 'RW');
      }
    });

    it(`${name}: may send only to the queues and publish only to the topics it lists`, () => {
      const statements = statementsOfRole(roleOf(spec));
      for (const queue of Object.keys(queues) as QueueName[]) {
        const granted = actionsOn(statements, arnOf(stack.messaging.queues[queue]));
        expect(granted.has('sqs:SendMessage'), `${name} sends to ${queue}`).toBe(spec.sendsTo?.includes(queue) ?? false);
      }
      for (const topic of Object.keys(topics) as TopicName[]) {
        const publishes = spec.publishesTo?.includes(topic) ?? false;
        expect(actionsOn(statements, ref(stack.messaging.topics[topic])).has('sns:Publish'), `${name} publishes to ${topic}`).toBe(publishes);
        // SNS encrypts what it accepts with the topic's key, on the publisher's behalf.
        const onKey = actionsOn(statements, arnOf(stack.messaging.topicKeys[topic]));
        expect(onKey.has('kms:GenerateDataKey*') && onKey.has('kms:Decrypt'), `${name} uses the ${topic} key`).toBe(publishes);
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
