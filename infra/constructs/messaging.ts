// Messaging: the work queues (each with its dead-letter queue) and notification topics of functions/topology.ts.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  queueConsumers,
  queues as queueSpecs,
  topics as topicSpecs,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type QueueSpec,
  type TopicName,
} from '../../functions/topology.ts';
import { constructId } from './cem-function.ts';

/** AWS's advice for Lambda consumers: leaves room for retries when a batch is throttled or slow. */
export const visibilityTimeoutFactor = 6;

/**
 * Fails when the queue would hand a message to a second invocation while the first may still be working on it:
 * its visibility timeout must be at least six times the timeout of every function consuming it.
 */
export function checkVisibilityTimeout(name: QueueName, spec: QueueSpec, consumers: readonly [FunctionName, FunctionSpec][]): void {
  for (const [consumer, fn] of consumers) {
    const needed = visibilityTimeoutFactor * fn.timeoutSeconds;
    if (spec.visibilityTimeoutSeconds < needed) {
      throw new Error(
        `topology: queues.${name}.visibilityTimeoutSeconds is ${spec.visibilityTimeoutSeconds} s, but its consumer ` +
          `${consumer} has a ${fn.timeoutSeconds} s timeout; AWS advises at least ${visibilityTimeoutFactor} × that ` +
          `(${needed} s), or messages are redelivered while still being processed`,
      );
    }
  }
}

export class Messaging extends Construct {
  readonly queues: Record<QueueName, Queue>;
  /** Per queue, where messages go after `maxReceiveCount` failed receives. */
  readonly deadLetters: Record<QueueName, Queue>;
  readonly topics: Record<TopicName, Topic>;
  /** The customer-managed key each topic is encrypted with. */
  readonly topicKeys: Record<TopicName, Key>;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const queues: Partial<Record<QueueName, Queue>> = {};
    const deadLetters: Partial<Record<QueueName, Queue>> = {};
    for (const [name, spec] of Object.entries(queueSpecs) as [QueueName, QueueSpec][]) {
      const consumers = queueConsumers().filter(([, fn]) => fn.trigger.queue === name);
      if (consumers.length === 0) {
        throw new Error(`topology: nothing consumes queues.${name}; give a function a trigger { kind: 'queue', queue: '${name}' }`);
      }
      checkVisibilityTimeout(name, spec, consumers);

      const queueId = constructId(name);
      // Kept 14 days (the SQS maximum) to inspect and redrive; it needs no dead-letter queue of its own, and cdk-nag's
      // AwsSolutions-SQS3 recognises it as the redrive target.
      const dlq = new Queue(this, `${queueId}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      deadLetters[name] = dlq;
      queues[name] = new Queue(this, queueId, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
    }
    this.queues = queues as Record<QueueName, Queue>;
    this.deadLetters = deadLetters as Record<QueueName, Queue>;

    const topics: Partial<Record<TopicName, Topic>> = {};
    const topicKeys: Partial<Record<TopicName, Key>> = {};
    for (const name of Object.keys(topicSpecs) as TopicName[]) {
      const topicId = constructId(name);
      // A key of our own rather than aws/sns: its policy can be read and narrowed, and grants name this topic's key.
      const key = new Key(this, `${topicId}Key`, {
        description: `Encrypts messages on the OpenCEM ${name} topic`,
        enableKeyRotation: true,
        // It protects only messages in flight; nothing stored needs it once the topic is gone.
        removalPolicy: RemovalPolicy.DESTROY,
      });
      topicKeys[name] = key;
      topics[name] = new Topic(this, topicId, { displayName: `OpenCEM ${name}`, masterKey: key, enforceSSL: true });
    }
    this.topics = topics as Record<TopicName, Topic>;
    this.topicKeys = topicKeys as Record<TopicName, Key>;
  }
}
