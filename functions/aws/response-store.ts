// Responses on DynamoDB: one item per response, written once with a condition so a personal link answers only once.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ResponseStore, StoredResponse } from '../ports.ts';

export function dynamoResponseStore(client: DynamoDBDocumentClient, tableName: string): ResponseStore {
  return {
    async putIfAbsent(response) {
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: response, ConditionExpression: 'attribute_not_exists(id)' }));
        return { created: true };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { created: false, existingId: response.id };
        throw error;
      }
    },
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { id } }));
      return Item as StoredResponse | undefined;
    },
    async setContactRequest(id, request) {
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'SET contactRequest = :request',
            ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(contactRequest)',
            ExpressionAttributeValues: { ':request': request },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
