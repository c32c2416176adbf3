// Notifications out: SNS in AWS (message attributes let subscriptions filter by unit, severity and kind), or the local
// runtime's outbox table, which the API lists at /api/v1/outbox.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamodb.ts';
import { ulid } from 'ulid';
import type { Notifier, OutboxEntry, OutboxReader } from '../ports.ts';

export function snsNotifier(client: SNSClient, topicArn: string): Notifier {
  return {
    async publish(notification) {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          // SNS e-mail subjects are ASCII-safe and short; the full subject is the first body line.
          Subject: notification.subject.replace(/[^\x20-\x7e]/g, '').slice(0, 99).trim() || 'OpenCEM alert',
          Message: `${notification.subject}\n\n${notification.body}`,
          MessageAttributes: Object.fromEntries(
            Object.entries(notification.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
          ),
        }),
      );
    },
  };
}

export function outboxNotifier(client: DynamoDBDocumentClient, tableName: string): Notifier & OutboxReader {
  return {
    async publish(notification) {
      const at = new Date().toISOString();
      const entry: OutboxEntry = { ...notification, id: ulid(), channel: 'sns', at };
      await client.send(new PutCommand({ TableName: tableName, Item: { pk: 'OUTBOX', sk: `${at}#${entry.id}`, ...entry } }));
    },
    async since(at) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: at ? 'pk = :pk AND sk > :since' : 'pk = :pk',
        ExpressionAttributeValues: at ? { ':pk': 'OUTBOX', ':since': at } : { ':pk': 'OUTBOX' },
      });
      return items.map(({ pk: _pk, sk: _sk, ...entry }) => entry as unknown as OutboxEntry);
    },
  };
}
