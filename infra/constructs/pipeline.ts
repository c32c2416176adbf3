// Pipeline: the table-stream consumers of functions/topology.ts, each with its event source mapping and on-failure queue.
import { Duration, Validations } from 'aws-cdk-lib';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { streamConsumers, tables as tableSpecs, type FunctionName, type StreamTrigger } from '../../functions/topology.ts';
import { CemFunction, constructId, type CemResources } from './cem-function.ts';

export interface PipelineProps {
  readonly resources: CemResources;
  readonly environment: Record<string, string>;
}

export interface StreamConsumer {
  readonly name: FunctionName;
  readonly trigger: StreamTrigger;
  readonly handler: CemFunction;
  /** Where the mapping parks records that still fail after the retries (or got too old). */
  readonly failedRecords: Queue;
}

export class Pipeline extends Construct {
  readonly consumers: readonly StreamConsumer[];

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    this.consumers = streamConsumers().map(([name, spec]) => {
      const { trigger } = spec;
      if (!tableSpecs[trigger.table].stream) {
        throw new Error(`topology: ${name} consumes the ${trigger.table} stream, but tables.${trigger.table} has no stream`);
      }
      const source = props.resources.tables[trigger.table];
      if (!source) throw new Error(`topology: ${name} consumes the ${trigger.table} stream, but that table is not deployed`);
      const fnId = constructId(name);

      const failedRecords = new Queue(this, `${fnId}FailedRecords`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(failedRecords).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          `This queue is itself the dead-letter destination of the ${name} stream mapping (Lambda on-failure ` +
          'destination); it holds record pointers for inspection and replay and has no consumer to redrive from.',
      });

      const handler = new CemFunction(this, fnId, { spec, resources: props.resources, environment: props.environment });
      handler.addEventSource(
        new DynamoEventSource(source, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: trigger.batchSize,
          maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
          retryAttempts: trigger.retryAttempts,
          bisectBatchOnError: trigger.bisectBatchOnError,
          reportBatchItemFailures: true,
          maxRecordAge: Duration.seconds(trigger.maxRecordAgeSeconds),
          filters: [FilterCriteria.filter({ eventName: eventNameRule(trigger.eventNames) })],
          onFailure: new SqsDlq(failedRecords),
        }),
      );
      Validations.of(handler.executionRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Added by the DynamoDB event source for dynamodb:ListStreams, which supports no resource-level ' +
          `permissions; the record-reading actions are scoped to the ${trigger.table} table's stream ARN.`,
      });

      return { name, trigger, handler, failedRecords };
    });
  }
}

/** A filter value matching any of the listed stream event names. */
function eventNameRule(eventNames: readonly string[]): string[] {
  const [only, ...more] = eventNames;
  if (only === undefined) throw new Error('topology: a stream trigger must list at least one eventName');
  return more.length === 0 ? FilterRule.isEqual(only) : FilterRule.or(only, ...more);
}
