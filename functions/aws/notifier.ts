// Notifications out: SNS in AWS (message attributes let subscriptions filter by unit, severity and kind), or the local
// runtime's outbox table, which the API lists at /api/v1/outbox.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { transactWrite } from './dynamodb.ts';
import { markItem } from './ticket-store.ts';
import { ulid } from 'ulid';
import type { Notification } from '../domain/notifications.ts';
import { MAX_OUTBOX_PAGE, type Notifier, type OutboxEntry, type OutboxReader } from '../ports.ts';

/**
 * SNS cannot join a DynamoDB transaction, so in AWS a notification is at least once: notifyOnce checks the mark,
 * publishes, then writes the mark, and a crash between publish and mark sends it again on the retry.
 */
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

/**
 * The local outbox. Given the table that holds the sent-marks (the tickets table), it also publishes exactly once:
 * the outbox entry and its mark are one transaction, so a notification is never in the outbox twice, even when the
 * process dies right after writing it.
 */
export function outboxNotifier(client: DynamoDBDocumentClient, tableName: string, marksTableName?: string): Notifier & OutboxReader {
  const outboxItem = (notification: Notification) => {
    const at = new Date().toISOString();
    const entry: OutboxEntry = { ...notification, id: ulid(), channel: 'sns', at };
    return { pk: 'OUTBOX', sk: `${at}#${entry.id}`, ...entry };
  };
  return {
    async publish(notification) {
      await client.send(new PutCommand({ TableName: tableName, Item: outboxItem(notification) }));
    },
    ...(marksTableName
      ? {
          async publishOnce(notification: Notification) {
            const item = outboxItem(notification);
            const failed = await transactWrite(client, [
              { Put: { TableName: marksTableName, Item: markItem(notification.key, item.at), ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: tableName, Item: item } },
            ]);
            return failed === undefined;
          },
        }
      : {}),
    async since(after, limit = MAX_OUTBOX_PAGE) {
      const wanted = Math.max(1, Math.min(MAX_OUTBOX_PAGE, Math.floor(limit)));
      const entries: OutboxEntry[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
            ExpressionAttributeValues: after ? { ':pk': 'OUTBOX', ':after': after } : { ':pk': 'OUTBOX' },
            Limit: wanted - entries.length,
            ExclusiveStartKey: start,
          }),
        );
        for (const { pk: _pk, sk: _sk, ...entry } of page.Items ?? []) entries.push(entry as unknown as OutboxEntry);
        start = page.LastEvaluatedKey;
      } while (start && entries.length < wanted);
      return entries;
    },
  };
}
