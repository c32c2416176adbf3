// A message queue on SQS (the real one in AWS, the local runtime's SQS-compatible queues locally).
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MAX_DELAY_SECONDS } from '../domain/ticket-messages.ts';
import type { MessageQueue } from '../ports.ts';


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
