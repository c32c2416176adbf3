// OpenCemStack: the whole deployment in one stack — tables, queues + topics, API + sign-in, stream pipeline, workers, dashboard, alarms.
import path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { commonEnv, type TopicName } from '../functions/topology.ts';
import { Api, type PublicTrafficLimits } from './constructs/api.ts';
import { constructId, projectRoot, type CemResources } from './constructs/cem-function.ts';
import { Data } from './constructs/data.ts';
import { Messaging } from './constructs/messaging.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Pipeline } from './constructs/pipeline.ts';
import { Web } from './constructs/web.ts';
import { Workers } from './constructs/workers.ts';

export interface OpenCemStackProps extends StackProps {
  /** The built dashboard; defaults to web/dist (written by `npm run build:web`). */
  readonly webAssetPath?: string;
  /** An e-mail address subscribed to the operational alarms. */
  readonly alarmEmail?: string;
  /** Space-separated origins that may frame the survey pages (web intercept); default: none may. */
  readonly surveyFrameAncestors?: string;
  /** How often one alert rule may page about one unit before the rest go into a digest (defaults: 10 per 15 minutes). */
  readonly alertPaging?: { readonly maxPerWindow?: number; readonly windowMinutes?: number };
  /** Throttling and rate limits on the public survey routes; unset fields keep their defaults (constructs/api.ts). */
  readonly publicTraffic?: Partial<PublicTrafficLimits>;
}

export class OpenCemStack extends Stack {
  readonly data: Data;
  readonly messaging: Messaging;
  readonly web: Web;
  readonly api: Api;
  readonly pipeline: Pipeline;
  readonly workers: Workers;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: OpenCemStackProps = {}) {
    super(scope, id, props);

    this.data = new Data(this, 'Data');
    this.messaging = new Messaging(this, 'Messaging');
    this.web = new Web(this, 'Web', { assetPath: props.webAssetPath ?? path.join(projectRoot, 'web', 'dist') });
    const environment = {
      // API Gateway's JWT authorizer has checked the Cognito token before the api function runs.
      [commonEnv.authMode]: 'gateway',
      [commonEnv.dashboardUrl]: this.web.url,
      [commonEnv.notifier]: 'sns',
      ...(props.surveyFrameAncestors ? { [commonEnv.surveyFrameAncestors]: props.surveyFrameAncestors } : {}),
      ...(props.alertPaging?.maxPerWindow ? { [commonEnv.notifyCap]: String(props.alertPaging.maxPerWindow) } : {}),
      ...(props.alertPaging?.windowMinutes ? { [commonEnv.notifyWindowMinutes]: String(props.alertPaging.windowMinutes) } : {}),
    };
    const resources: CemResources = {
      tables: this.data.tables,
      queues: this.messaging.queues,
      topics: this.messaging.topics,
    };
    this.api = new Api(this, 'Api', { resources, environment, dashboardUrl: this.web.url, publicTraffic: props.publicTraffic });
    this.pipeline = new Pipeline(this, 'Pipeline', { resources, environment });
    this.workers = new Workers(this, 'Workers', { resources, environment });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      streamConsumers: this.pipeline.consumers,
      queueConsumers: this.workers.consumers,
      deadLetters: this.messaging.deadLetters,
      alarmEmail: props.alarmEmail,
    });

    // Published last: the dashboard's config.json carries the API URL and the sign-in settings.
    this.web.publish({
      apiBaseUrl: this.api.url,
      auth: {
        mode: 'cognito',
        region: this.region,
        userPoolId: this.api.userPool.userPoolId,
        userPoolClientId: this.api.dashboardClient.userPoolClientId,
      },
    });

    new CfnOutput(this, 'DashboardUrl', { value: this.web.url, description: 'Open this to sign in to the dashboard' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Survey links and the admin API live here' });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId, description: 'Create manager accounts here' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.dashboardClient.userPoolClientId });
    for (const [name, topic] of Object.entries(this.messaging.topics) as [TopicName, Topic][]) {
      new CfnOutput(this, `${constructId(name)}TopicArn`, {
        value: topic.topicArn,
        description: `Subscribe managers (e-mail, SMS, chat webhooks) to the ${name} topic here`,
      });
    }
  }
}
