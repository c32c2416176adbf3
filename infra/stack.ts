// OpenCemStack: the whole deployment in one stack — tables, API + sign-in, stream pipeline, dashboard, alarms.
import path from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { commonEnv } from '../functions/topology.ts';
import { Api } from './constructs/api.ts';
import { projectRoot } from './constructs/cem-function.ts';
import { Data } from './constructs/data.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Pipeline } from './constructs/pipeline.ts';
import { Web } from './constructs/web.ts';

export interface OpenCemStackProps extends StackProps {
  /** The built dashboard; defaults to web/dist (written by `npm run build:web`). */
  readonly webAssetPath?: string;
  /** An e-mail address subscribed to the operational alarms. */
  readonly alarmEmail?: string;
}

export class OpenCemStack extends Stack {
  readonly data: Data;
  readonly web: Web;
  readonly api: Api;
  readonly pipeline: Pipeline;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: OpenCemStackProps = {}) {
    super(scope, id, props);

    this.data = new Data(this, 'Data');
    this.web = new Web(this, 'Web', { assetPath: props.webAssetPath ?? path.join(projectRoot, 'web', 'dist') });
    const environment = {
      // API Gateway's JWT authorizer has checked the Cognito token before the api function runs.
      [commonEnv.authMode]: 'gateway',
      [commonEnv.dashboardUrl]: this.web.url,
    };
    const tables = this.data.tables;
    this.api = new Api(this, 'Api', { tables, environment, dashboardUrl: this.web.url });
    this.pipeline = new Pipeline(this, 'Pipeline', { tables, environment });
    this.monitoring = new Monitoring(this, 'Monitoring', { consumers: this.pipeline.consumers, alarmEmail: props.alarmEmail });

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
  }
}
