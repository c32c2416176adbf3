// Workers: the queue consumers of functions/topology.ts, each fed by its SQS queue with partial-batch failure reporting.
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { queueConsumers, type FunctionName, type QueueTrigger } from '../../functions/topology.ts';
import { CemFunction, constructId, type CemResources } from './cem-function.ts';

export interface WorkersProps {
  readonly resources: CemResources;
  readonly environment: Record<string, string>;
}

export interface QueueConsumer {
  readonly name: FunctionName;
  readonly trigger: QueueTrigger;
  readonly handler: CemFunction;
}

export class Workers extends Construct {
  readonly consumers: readonly QueueConsumer[];

  constructor(scope: Construct, id: string, props: WorkersProps) {
    super(scope, id);
    this.consumers = queueConsumers().map(([name, spec]) => {
      const { trigger } = spec;
      const handler = new CemFunction(this, constructId(name), { spec, resources: props.resources, environment: props.environment });
      handler.addEventSource(
        new SqsEventSource(props.resources.queues[trigger.queue], {
          batchSize: trigger.batchSize,
          maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
          // Only the failed messages of a batch come back; the rest are deleted, so a poison message cannot make the
          // whole batch redo its side effects until it reaches the dead-letter queue.
          reportBatchItemFailures: true,
        }),
      );
      return { name, trigger, handler };
    });
  }
}
