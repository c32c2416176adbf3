// Monitoring: alarms that say the pipeline has dropped or fallen behind on responses, and the topic they notify.
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { constructId } from './cem-function.ts';
import type { StreamConsumer } from './pipeline.ts';

/** Dashboards promise near-real-time counters; a consumer a minute behind the stream breaks that promise. */
const maxLagSeconds = 60;

export interface MonitoringProps {
  readonly consumers: readonly StreamConsumer[];
  /** Subscribed to the alarm topic when given (context `alarmEmail`). */
  readonly alarmEmail?: string;
}

export class Monitoring extends Construct {
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'Alarms', { displayName: 'OpenCEM operational alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Messages carry only alarm names and metric values, no customer data; CloudWatch cannot publish to a topic ' +
        'encrypted with the AWS-managed aws/sns key, and a customer-managed key would cost more than the data is worth.',
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.alarmTopic);

    for (const { name, trigger, handler, failedRecords } of props.consumers) {
      const id = constructId(name);
      const failed = new Alarm(this, `${id}FailedRecords`, {
        alarmDescription:
          `${name}: stream records failed ${trigger.retryAttempts} retries (or aged past ${trigger.maxRecordAgeSeconds} s) ` +
          'and were parked in the on-failure queue; their responses are missing from the results until replayed.',
        metric: failedRecords.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const behind = new Alarm(this, `${id}FallingBehind`, {
        alarmDescription: `${name}: the oldest record it is processing is more than ${maxLagSeconds} s old (IteratorAge).`,
        metric: handler.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
        threshold: maxLagSeconds * 1000,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const alarm of [failed, behind]) {
        alarm.addAlarmAction(notify);
        alarm.addOkAction(notify);
      }
    }
  }
}
