// Api: the HTTP API in front of the api function, and the Cognito user pool whose tokens open its admin routes.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functions, type FunctionSpec, type TableName } from '../../functions/topology.ts';
import { CemFunction, constructId } from './cem-function.ts';

export interface ApiProps {
  readonly tables: Record<TableName, Table>;
  readonly environment: Record<string, string>;
  /** The dashboard's origin: the only one whose browser calls the API accepts (CORS). */
  readonly dashboardUrl: string;
}

/** One JSON line per request, enough to trace it; the values are HTTP API $context variables. */
const accessLogFields = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  path: '$context.path',
  route: '$context.routeKey',
  status: '$context.status',
  bytes: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

export class Api extends Construct {
  readonly handler: CemFunction;
  readonly userPool: UserPool;
  readonly dashboardClient: UserPoolClient;
  readonly httpApi: HttpApi;
  /** Base URL of the API, without a trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const [name, spec] = theHttpFunction();
    this.handler = new CemFunction(this, constructId(name), { spec, tables: props.tables, environment: props.environment });

    // Managers and admins only: accounts are created by an admin, never by sign-up.
    this.userPool = new UserPool(this, 'Managers', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // These accounts read every customer's answers: a password alone is not enough.
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus tier for threat protection (compromised-credential and risky sign-in checks); priced per active
      // user, and the users here are a handful of managers.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Accounts and their MFA enrolments survive a stack teardown and redeploy.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.dashboardClient = this.userPool.addClient('Dashboard', {
      // A static web app cannot keep a secret.
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      // The dashboard signs in through the Cognito API, not the hosted UI: no OAuth flows or callback URLs.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi = new HttpApi(this, 'Http', {
      apiName: `${Stack.of(this).stackName}-api`,
      description: 'OpenCEM: survey pages, response capture and the admin API',
      // The stage is added below, because the default one cannot carry access logging.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [props.dashboardUrl],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
      // Caps what a script hammering the public routes can cost; sized for an SMS campaign's click peak.
      throttle: { rateLimit: 200, burstLimit: 400 },
    });
    this.url = `https://${this.httpApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;

    const integration = new HttpLambdaIntegration('Handler', this.handler);
    const managersOnly = new HttpJwtAuthorizer('ManagerToken', this.userPool.userPoolProviderUrl, {
      jwtAudience: [this.dashboardClient.userPoolClientId],
    });
    for (const path of ['/api/v1', '/api/v1/{proxy+}']) {
      this.httpApi.addRoutes({ path, methods: [HttpMethod.ANY], integration, authorizer: managersOnly });
    }

    this.publicRoutes(
      ['/', '/{proxy+}'],
      [HttpMethod.ANY],
      integration,
      'Public by design: respondents open survey pages and submit answers without an account (personal links are ' +
        'HMAC-signed and expire, checked by the handler), and /healthz and the API docs carry no data. ' +
        'Admin routes are the /api/v1 ones, which have the Cognito JWT authorizer.',
    );
    // ANY above would otherwise send the browser's CORS preflight through the authorizer, and preflights carry
    // no credentials. The handler answers it; API Gateway adds the CORS headers configured above.
    this.publicRoutes(
      ['/api/v1', '/api/v1/{proxy+}'],
      [HttpMethod.OPTIONS],
      integration,
      'CORS preflight (OPTIONS) requests carry no credentials by the Fetch standard, so they cannot pass the JWT ' +
        'authorizer; they return no data, and every other method on /api/v1 requires a Cognito token.',
    );
  }

  private publicRoutes(paths: string[], methods: HttpMethod[], integration: HttpLambdaIntegration, reason: string): void {
    const routes: HttpRoute[] = paths.flatMap((path) => this.httpApi.addRoutes({ path, methods, integration }));
    for (const route of routes) Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  }
}

/** The topology's HTTP-triggered function; the API fronts exactly one. */
function theHttpFunction(): [string, FunctionSpec] {
  const http = Object.entries(functions).filter(([, spec]) => spec.trigger.kind === 'http');
  const [only, ...more] = http;
  if (!only || more.length > 0) {
    throw new Error(`topology: expected exactly one function with an http trigger, found ${http.length}`);
  }
  return only;
}
