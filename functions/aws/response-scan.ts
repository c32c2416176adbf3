// The responses table read whole for a rebuild: parallel scan segments, page by page, with consistent reads.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ResponseScan } from '../ports.ts';
import type { ScanPosition } from '../domain/rebuild.ts';

/** Only what counting needs: a page then carries many more responses than the 1 MB page limit would allow whole. */
const COUNTED_ATTRIBUTES = ['id', 'surveyId', 'surveyVersion', 'unitId', 'submittedAt', 'answers'];

export function dynamoResponseScan(client: DynamoDBDocumentClient, tableName: string): ResponseScan {
  const names = Object.fromEntries(COUNTED_ATTRIBUTES.map((name, i) => [`#a${i}`, name]));
  return {
    async page({ segment, totalSegments, position, limit }) {
      const page = await client.send(
        new ScanCommand({
          TableName: tableName,
          Segment: segment,
          TotalSegments: totalSegments,
          Limit: limit,
          // A consistent scan sees every response whose write completed before the page was read: with the rebuild's
          // pointer set before the first page, that is what makes scan + stream miss nothing (functions/rebuild/).
          ConsistentRead: true,
          ProjectionExpression: Object.keys(names).join(', '),
          ExpressionAttributeNames: names,
          ...(position ? { ExclusiveStartKey: position } : {}),
        }),
      );
      const next = page.LastEvaluatedKey ? (Object.fromEntries(Object.entries(page.LastEvaluatedKey).map(([k, v]) => [k, String(v)])) as ScanPosition) : null;
      return { items: page.Items ?? [], next };
    },
    async estimatedCount() {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      return Table?.ItemCount ?? 0;
    },
  };
}
