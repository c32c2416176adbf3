// Tickets on DynamoDB: one item per ticket (history inside, optimistic version), listed newest first through the
// byCreated index; plus small marker items that make notifications happen once, and one counter item per paging
// window (rule × unit × window) that caps how often an alert rule pages.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { nextOutcome, PAGING_OUTCOMES, type PagingOutcome, type PagingWindow } from '../domain/paging.ts';
import type { Ticket } from '../domain/tickets.ts';
import { InvalidCursorError, type TicketStore } from '../ports.ts';
import { queryAll, transactWrite } from './dynamodb.ts';

const LIST_KEY = 'ticket';
const key = (id: string) => ({ pk: `T#${id}`, sk: 'TICKET' });

/** The item that marks an effect outside the database (a notification) as done; other adapters write it too. */
export function markItem(markKey: string, at = new Date().toISOString()) {
  return { pk: `M#${markKey}`, sk: 'MARK', at };
}
const markItemKey = (markKey: string) => {
  const { pk, sk } = markItem(markKey);
  return { pk, sk };
};

function toItem(ticket: Ticket) {
  return { ...key(ticket.id), listKey: LIST_KEY, ...ticket };
}

function fromItem(item: Record<string, unknown>): Ticket {
  const { pk: _pk, sk: _sk, listKey: _listKey, ...ticket } = item;
  return ticket as unknown as Ticket;
}

const pagingKey = (w: PagingWindow) => ({ pk: `P#${w.ruleId}#${w.unitId}#${w.start}`, sk: 'PAGING' });
/** Which outcome a response's alert of a rule got: the mark that makes counting it happen once. */
const countedMark = (responseId: string, ruleId: string) => `paging#${responseId}#${ruleId}`;

/**
 * When a window's counter and marks may go (epoch seconds, the table's TTL attribute): a week after the window closes,
 * long after its digest was sent and after the last stream retry of its alerts (alerts older than a day are ignored).
 */
const PAGING_KEPT_SECONDS = 7 * 24 * 3600;
const pagingExpiry = (w: PagingWindow) => Math.ceil(new Date(w.end).getTime() / 1000) + PAGING_KEPT_SECONDS;

/** The counter update each outcome makes, with the condition that makes it the right one. */
function pagingUpdate(outcome: PagingOutcome, max: number, expiresAt: number): { UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeValues: Record<string, unknown> } {
  const expiry = { ':expires': expiresAt };
  switch (outcome) {
    case 'page':
      return { UpdateExpression: 'ADD paged :one SET expiresAt = :expires', ConditionExpression: 'attribute_not_exists(paged) OR paged < :max', ExpressionAttributeValues: { ':one': 1, ':max': max, ...expiry } };
    case 'first-digest':
      return { UpdateExpression: 'ADD digested :one SET expiresAt = :expires', ConditionExpression: 'attribute_not_exists(digested)', ExpressionAttributeValues: { ':one': 1, ...expiry } };
    case 'digest':
      return { UpdateExpression: 'ADD digested :one SET expiresAt = :expires', ExpressionAttributeValues: { ':one': 1, ...expiry } };
  }
}

export function dynamoTicketStore(client: DynamoDBDocumentClient, tableName: string): TicketStore {
  const get = async (id: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key(id), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  };
  const getItem = async (Key: Record<string, string>) => (await client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }))).Item;
  const pagingCounts = async (window: PagingWindow) => {
    const item = await getItem(pagingKey(window));
    return { paged: Number(item?.paged ?? 0), digested: Number(item?.digested ?? 0) };
  };
  // Alerts of one window contend for one counter item: within this process they take turns instead of conflicting.
  const turns = new Map<string, Promise<unknown>>();
  const inTurn = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = turns.get(key) ?? Promise.resolve();
    const mine = previous.then(work, work);
    const settled = mine.catch(() => undefined);
    turns.set(key, settled);
    void settled.then(() => {
      if (turns.get(key) === settled) turns.delete(key);
    });
    return mine;
  };

  async function countAlert(window: PagingWindow, responseId: string, max: number): Promise<PagingOutcome> {
    const mark = countedMark(responseId, window.ruleId);
    const counted = async () => (await getItem(markItemKey(mark)))?.outcome as PagingOutcome | undefined;
    const before = await counted();
    if (before) return before;
    // Try the outcomes in their order, from the one the current counts suggest: the mark (only if absent) and the
    // counter change are one transaction, so a response is counted once and keeps the outcome it got first.
    const from = PAGING_OUTCOMES.indexOf(nextOutcome(await pagingCounts(window), max));
    for (const outcome of PAGING_OUTCOMES.slice(from)) {
      const failed = await transactWrite(client, [
        { Put: { TableName: tableName, Item: { ...markItem(mark), outcome, expiresAt: pagingExpiry(window) }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Update: { TableName: tableName, Key: pagingKey(window), ...pagingUpdate(outcome, max, pagingExpiry(window)) } },
      ]);
      if (!failed) return outcome;
      if (failed[0] === 'ConditionalCheckFailed') {
        // The same response was counted at the same moment by another delivery: its outcome stands.
        const raced = await counted();
        if (raced) return raced;
        throw new Error(`paging mark for ${responseId} vanished`);
      }
    }
    throw new Error(`no paging outcome for ${responseId} in ${window.ruleId}@${window.unitId}`);
  }

  return {
    get,
    countAlert: (window, responseId, max) => inTurn(pagingKey(window).pk, () => countAlert(window, responseId, max)),
    pagingCounts,
    async createIfAbsent(ticket) {
      try {
        await client.send(new PutCommand({ TableName: tableName, Item: toItem(ticket), ConditionExpression: 'attribute_not_exists(pk)' }));
        return { created: true, ticket };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing = await get(ticket.id);
        if (!existing) throw error;
        return { created: false, ticket: existing };
      }
    },
    async save(ticket, expectedVersion) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: toItem(ticket),
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async list(query) {
      const filters: string[] = [];
      const values: Record<string, unknown> = { ':list': LIST_KEY };
      const names: Record<string, string> = {};
      if (query.state) {
        filters.push('#state = :state');
        names['#state'] = 'state';
        values[':state'] = query.state;
      }
      if (query.unitId) {
        filters.push('contains(unitPath, :unit)');
        values[':unit'] = query.unitId;
      }
      if (query.overdue !== undefined) {
        filters.push('overdue = :overdue');
        values[':overdue'] = query.overdue;
      }
      const tickets: Ticket[] = [];
      let startKey: Record<string, unknown> | undefined = decodeCursor(query.cursor);
      // DynamoDB applies Limit before the filter, so ask for what is still missing until the page is full.
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'byCreated',
            KeyConditionExpression: 'listKey = :list',
            ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
            ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            Limit: query.limit - tickets.length,
            ExclusiveStartKey: startKey,
          }),
        );
        tickets.push(...(page.Items ?? []).map(fromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey && tickets.length < query.limit);
      return { tickets, nextCursor: startKey ? Buffer.from(JSON.stringify(startKey)).toString('base64url') : null };
    },
    async createdBetween(from, to) {
      const items = await queryAll(client, {
        TableName: tableName,
        IndexName: 'byCreated',
        KeyConditionExpression: 'listKey = :list AND createdAt BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':list': LIST_KEY, ':from': from, ':to': to },
      });
      return items.map(fromItem).filter((t) => t.createdAt < to);
    },
    async hasMark(markKey) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: markItemKey(markKey), ConsistentRead: true }));
      return Boolean(Item);
    },
    async putMark(markKey) {
      await client.send(new PutCommand({ TableName: tableName, Item: markItem(markKey) }));
    },
  };
}

/**
 * A cursor is the base64url JSON of the byCreated index's LastEvaluatedKey. It comes back from the client, so it is
 * checked against the exact key shape before it reaches ExclusiveStartKey: anything else would be a DynamoDB error.
 */
const CursorKey = z
  .object({
    pk: z.string().startsWith('T#').min(3).max(200),
    sk: z.literal('TICKET'),
    listKey: z.literal(LIST_KEY),
    createdAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/),
  })
  .strict();

function decodeCursor(cursor: string | undefined): z.infer<typeof CursorKey> | undefined {
  if (!cursor) return undefined; // an empty cursor is the first page, as before
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,2000}$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor from a previous page (not base64url JSON)');
  }
  const key = CursorKey.safeParse(parsed);
  if (!key.success) throw new InvalidCursorError('not a cursor from a previous page (unexpected key)');
  return key.data;
}
