// Api: the HTTP API in front of the api function, and the Cognito user pool whose tokens open its admin routes.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, CorsHttpMethod, HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
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
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FormLimitSettings } from '../../functions/api/rate-limit.ts';
import { functions, type FunctionSpec } from '../../functions/topology.ts';
import { CemFunction, constructId, type CemResources } from './cem-function.ts';

export interface ApiProps {
  readonly resources: CemResources;
  readonly environment: Record<string, string>;
  /** The dashboard's origin: the only one whose browser calls the API accepts (CORS). */
  readonly dashboardUrl: string;
  /** How much public traffic is let through; unset fields keep `defaultPublicTraffic`. */
  readonly publicTraffic?: Partial<PublicTrafficLimits>;
}

/**
 * Limits on the public routes, in two layers. API Gateway throttles first: a token bucket for the whole stage and a
 * tighter one for form posts, shared by all clients (HTTP APIs have no per-client throttling). The api function then
 * limits each client and survey in process (functions/api/rate-limit.ts), per warm instance. AWS WAF would be the
 * per-client layer at the edge, but a WAF web ACL cannot be associated with an HTTP API (only REST APIs, ALB,
 * CloudFront, AppSync, Cognito and a few more): see the note at the stage below.
 */
export interface PublicTrafficLimits {
  /** Steady requests per second for the whole stage (every route, admin API included)… */
  readonly stageRatePerSecond: number;
  /** …and how many may arrive at once. */
  readonly stageBurst: number;
  /** Steady form posts per second (POST / and POST /{proxy+}: answers and contact requests), all clients together… */
  readonly formPostsPerSecond: number;
  /** …and how many may arrive at once. */
  readonly formPostBurst: number;
  /** The api function's own per-client and per-survey limits (its RATE_* variables); unset ones keep their defaults. */
  readonly formLimits: Partial<FormLimitSettings>;
}

/** Sized for an SMS campaign's click peak on the stage, and far above honest answer rates on the form. */
export const defaultPublicTraffic: PublicTrafficLimits = {
  stageRatePerSecond: 200,
  stageBurst: 400,
  formPostsPerSecond: 50,
  formPostBurst: 100,
  formLimits: {},
};

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

/** What the dashboard and integrations may call on the admin API. */
const adminMethods = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE];
/** The public routes' paths: survey pages, answers, contact requests, health and docs. */
const publicPaths = ['/', '/{proxy+}'] as const;
/** Survey pages (GET), answers posted from them (POST), health checks (GET/HEAD). */
const publicMethods = [HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST];

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
    const traffic = { ...defaultPublicTraffic, ...props.publicTraffic };
    // Checked at synth with the schema the function checks at cold start, so a bad limit never deploys.
    const formLimits = FormLimitSettings.parse(traffic.formLimits);
    const formLimitEnv = Object.fromEntries(Object.entries(formLimits).map(([key, value]) => [key, String(value)]));
    this.handler = new CemFunction(this, constructId(name), {
      spec,
      resources: props.resources,
      environment: { ...props.environment, ...formLimitEnv },
    });

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
      // TOTP is offered but not yet required: see the AwsSolutions-COG2 acknowledgement below.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus tier for threat protection (compromised-credential and risky sign-in checks); priced per active
      // user, and the users here are a handful of managers.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Accounts and their MFA enrolments survive a stack teardown and redeploy.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        "These accounts read every customer's answers and MFA should be required, but the dashboard's sign-in " +
        '(web/src/auth.ts) answers only NEW_PASSWORD_REQUIRED, so requiring MFA would lock every manager out. TOTP is ' +
        'enabled and Plus-tier threat protection blocks risky sign-ins; switch to Mfa.REQUIRED once the dashboard ' +
        'handles MFA_SETUP and SOFTWARE_TOKEN_MFA.',
    });
    this.dashboardClient = this.userPool.addClient('Dashboard', {
      // A static web app cannot keep a secret.
      generateSecret: false,
      // The dashboard signs in with USER_PASSWORD_AUTH (over TLS); SRP stays available for a client that prefers it.
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
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
      },
      // Caps what a script hammering the public routes can cost.
      throttle: { rateLimit: traffic.stageRatePerSecond, burstLimit: traffic.stageBurst },
    });
    // Form posts get a tighter bucket of their own, so a stuffing script is slowed before it reaches the function
    // and cannot use up the stage's allowance that page views and the dashboard share.
    const formPostThrottle = { ThrottlingRateLimit: traffic.formPostsPerSecond, ThrottlingBurstLimit: traffic.formPostBurst };
    (stage.node.defaultChild as CfnStage).addPropertyOverride('RouteSettings', {
      [`POST ${publicPaths[0]}`]: formPostThrottle,
      [`POST ${publicPaths[1]}`]: formPostThrottle,
    });
    // No WAF here: a web ACL cannot be associated with an HTTP API stage (AWS WAF protects REST APIs, ALB,
    // CloudFront, AppSync, Cognito and a few more). The per-client layer is the api function's limiter; for one at the
    // edge, put CloudFront with a rate-based WAF rule (scope CLOUDFRONT, us-east-1) in front of these routes, and have
    // the function key clients by CloudFront-Viewer-Address from that distribution only.
    this.url = `https://${this.httpApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;

    const integration = new HttpLambdaIntegration('Handler', this.handler);
    const managerToken = new HttpJwtAuthorizer('ManagerToken', this.userPool.userPoolProviderUrl, {
      jwtAudience: [this.dashboardClient.userPoolClientId],
    });
    // Methods are listed rather than ANY: with no route for OPTIONS, API Gateway answers CORS preflights itself,
    // whereas ANY would send them (credential-less, by the Fetch standard) into the JWT authorizer and fail them.
    for (const path of ['/api/v1', '/api/v1/{proxy+}']) {
      this.httpApi.addRoutes({ path, methods: adminMethods, integration, authorizer: managerToken });
    }
    for (const path of publicPaths) {
      for (const route of this.httpApi.addRoutes({ path, methods: publicMethods, integration })) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'Public by design: respondents open survey pages and submit answers without an account; personal links ' +
            'carry an opaque token that answers once (not yet signed or expiring: signed links come with distribution), ' +
            'and form posts are throttled and rate limited. /healthz and the API docs carry no data. The admin API is ' +
            '/api/v1, whose routes all have the Cognito JWT authorizer.',
        });
      }
    }
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
