// A message queue on SQS (the real one in AWS, the local runtime's SQS-compatible queues locally).
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { MessageQueue } from '../ports.ts';

/** SQS delays a message by at most 15 minutes; longer waits are re-sent until due. */
export const MAX_DELAY_SECONDS = 900;

export function sqsClient(endpoint = process.env.SQS_ENDPOINT): SQSClient {
  return new SQSClient(
    endpoint ? { endpoint, region: process.env.AWS_REGION ?? 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
  );
}

export function sqsQueue<M>(client: SQSClient, queueUrl: string): MessageQueue<M> {
  return {
    async send(message, delaySeconds = 0) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds))),
        }),
      );
    },
  };
}
