// Web: the static dashboard in a private S3 bucket behind CloudFront, published with the config.json it boots from.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { dashboardContentSecurityPolicy } from '../../web/content-security-policy.ts';

export interface WebProps {
  /** The built dashboard (`npm run build:web` writes web/dist); must contain index.html. */
  readonly assetPath: string;
}

/** What the dashboard reads from /config.json at start-up. */
export interface DashboardConfig {
  readonly apiBaseUrl: string;
  readonly auth: {
    readonly mode: 'cognito';
    readonly region: string;
    readonly userPoolId: string;
    readonly userPoolClientId: string;
  };
}

export class Web extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** https URL of the dashboard, without a trailing slash. */
  readonly url: string;
  private readonly assetPath: string;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    if (!existsSync(path.join(props.assetPath, 'index.html'))) {
      throw new Error(
        `No dashboard build at ${props.assetPath} (index.html missing). Run \`npm run build:web\` first; ` +
          '`npm run synth` and `npm run deploy` do that for you.',
      );
    }
    this.assetPath = props.assetPath;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket for the dashboard bucket and CloudFront; logging it into itself would loop.',
    });

    // Versioning off: the content is a build artefact, reproducible from git and redeployed whole each time.
    this.bucket = new Bucket(this, 'Dashboard', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'dashboard-bucket/',
    });

    // The managed SECURITY_HEADERS policy has no Content-Security-Policy; this one adds it, with frame-ancestors 'none'.
    // The API (API Gateway) and Cognito are other https origins, hence connect-src https:.
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'OpenCEM dashboard: CSP (no framing, scripts from self only), HSTS, nosniff, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: dashboardContentSecurityPolicy(['https:']), override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        xssProtection: { protection: true, modeBlock: true, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'OpenCEM dashboard',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Managers of one organisation may work from any country; there is no audience to geo-restrict.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'Serves static files only; all data sits behind the API, which requires a Cognito token. Pass a WAF web ' +
          'ACL (webAclId) if your policy requires one: it costs a fixed monthly fee per deployment.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Uses the default *.cloudfront.net certificate, which cannot pin a minimum TLS version; give the ' +
          'distribution a custom domain and ACM certificate (TLSv1.2_2021) to satisfy this in production.',
      },
    );
  }

  /** Uploads the dashboard build plus its config.json, and clears the CDN cache so the new build shows at once. */
  publish(config: DashboardConfig): BucketDeployment {
    const logGroup = new LogGroup(this, 'PublishLogs', {
      retention: RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role, so the upload function gets write access to its log group only (no AWS managed policy).
    const role = new Role(this, 'PublishRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the dashboard build into its bucket and invalidates the CDN',
    });
    logGroup.grantWrite(role);

    const deployment = new BucketDeployment(this, 'Publish', {
      sources: [Source.asset(this.assetPath), Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      role,
      logGroup,
      memoryLimit: 512,
    });

    // cdk-nag names IAM5 findings after the rendered resource, e.g. `<LogicalId.Arn>/*`.
    const assetBucket = 'arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*';
    const dashboardObjects = `<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/*`;
    const s3Wildcards = 'CDK grant for copying the build: read from the CDK asset bucket, read/write/delete in the dashboard bucket.';
    Validations.of(role).acknowledge(
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: s3Wildcards },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: s3Wildcards },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: s3Wildcards },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: s3Wildcards },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: s3Wildcards },
      { id: `AwsSolutions-IAM5[Resource::${assetBucket}]`, reason: 'Reads the zipped dashboard build that CDK staged under a content-hash key in its bootstrap asset bucket.' },
      { id: `AwsSolutions-IAM5[Resource::${dashboardObjects}]`, reason: 'Each publish replaces every object of the dashboard bucket and prunes files the new build no longer has.' },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudfront:CreateInvalidation/GetInvalidation are granted on * by BucketDeployment; the function invalidates only this distribution.',
      },
    );

    // BucketDeployment's upload function is a stack-level singleton, so it is found by its fixed id prefix.
    const uploader = Stack.of(this).node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    for (const fn of uploader) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'CDK-owned BucketDeployment handler (Python, with the AWS CLI layer); its runtime is chosen by aws-cdk-lib and moves with CDK upgrades.',
      });
    }
    return deployment;
  }
}
