// Monitoring: alarms that say the pipeline or a work queue has dropped or fallen behind on work, and the topic they notify.
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queues as queueSpecs, type QueueName } from '../../functions/topology.ts';
import { constructId } from './cem-function.ts';
import type { StreamConsumer } from './pipeline.ts';
import type { QueueConsumer } from './workers.ts';

/** Dashboards promise near-real-time counters; a consumer a minute behind the stream breaks that promise. */
const maxLagSeconds = 60;

export interface MonitoringProps {
  readonly streamConsumers: readonly StreamConsumer[];
  readonly queueConsumers: readonly QueueConsumer[];
  /** Each work queue's dead-letter queue, by topology queue name. */
  readonly deadLetters: Record<QueueName, IQueue>;
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
    const alarms: Alarm[] = [];

    for (const { name, trigger, handler, failedRecords } of props.streamConsumers) {
      const id = constructId(name);
      alarms.push(
        new Alarm(this, `${id}FailedRecords`, {
          alarmDescription:
            `${name}: stream records failed ${trigger.retryAttempts} retries (or aged past ${trigger.maxRecordAgeSeconds} s) ` +
            `and were parked in the on-failure queue; ${name} has not handled those responses until they are replayed.`,
          metric: failedRecords.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        new Alarm(this, `${id}FallingBehind`, {
          alarmDescription: `${name}: the oldest record it is processing is more than ${maxLagSeconds} s old (IteratorAge).`,
          metric: handler.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: maxLagSeconds * 1000,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const [name, deadLetters] of Object.entries(props.deadLetters) as [QueueName, IQueue][]) {
      alarms.push(
        new Alarm(this, `${constructId(name)}QueueDeadLetters`, {
          alarmDescription:
            `${name} queue: messages failed ${queueSpecs[name].maxReceiveCount} receives and were parked in its ` +
            'dead-letter queue; the work they ask for has not happened until they are redriven.',
          metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const { name, trigger, handler } of props.queueConsumers) {
      // Failed messages of a batch are not Errors (they are reported back); these are crashes and timeouts. Two bad
      // five-minute periods out of three, so one cold-start hiccup that the queue retries does not page anyone.
      alarms.push(
        new Alarm(this, `${constructId(name)}Errors`, {
          alarmDescription:
            `${name}: invocations crashed or timed out in 2 of the last 3 five-minute periods; their ${trigger.queue} ` +
            `messages are retried and reach the dead-letter queue after ${queueSpecs[trigger.queue].maxReceiveCount} receives.`,
          metric: handler.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}
