// The org partition of the catalog on DynamoDB: the organisation settings, and the unit tree as an immutable snapshot
// in a few chunk items under a generation id, made current by one pointer item switched in the same transaction that
// raises the catalog version stamp — so a tree of 10,000 units loads in ~10 reads and an import is atomic.
//
// Layout (catalog table):
//   pk ORG          sk SETTINGS              { value: Organisation }
//   pk ORG          sk UNITS                 the pointer { generation, chunks, count, previous }
//   pk UNITS#<gen>  sk C#0000 … C#nnnn       { units: JSON text of ≤ 1,000 units, ≤ 300 KB }
//   pk ORG          sk MGRS#000 … MGRS#127   manager lists in 128 buckets by a hash of the unit id:
//                                            { lists: { <unitId>: JSON text of Manager[] } }, one list set per update
//   pk ORG          sk UNIT#<id>             legacy one-item-per-unit layout: read while no pointer exists, removed
//                                            after the first snapshot is written
//   pk ORG          sk MGR#<unitId>          legacy one-item-per-list layout: read under the buckets, removed when
//                                            that unit's list is next saved
import { BatchWriteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { queryAll, transactWrite } from './dynamodb.ts';
import { Organisation, OrgUnit } from '../domain/org.ts';
import { Manager } from '../domain/tickets.ts';
import type { OrgUnitTree } from '../ports.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const ORG_PK = 'ORG';
const SETTINGS_KEY = { pk: ORG_PK, sk: 'SETTINGS' };
const POINTER_KEY = { pk: ORG_PK, sk: 'UNITS' };
const LEGACY_UNIT_PREFIX = 'UNIT#';
/** Bounds of one chunk item: DynamoDB items hold 400 KB, and a smaller item keeps a read's latency even. */
const MAX_CHUNK_UNITS = 1000;
const MAX_CHUNK_BYTES = 300 * 1024;
/** Lost races on the pointer that putUnits (an unconditional replace) retries before it gives up. */
const MAX_REPLACE_ATTEMPTS = 5;

/**
 * Manager lists share this many bucket items: a load reads 128 items instead of one per unit, and saving one list is
 * still a single-item update that cannot lose a concurrent save of another unit's list. Fixed for good: changing it
 * would move every list.
 */
const MANAGER_BUCKETS = 128;
const LEGACY_MANAGERS_PREFIX = 'MGR#';
const MANAGERS_PREFIX = 'MGRS#';

/** FNV-1a: a stable, cheap spread of unit ids over the buckets. */
function managerBucketSk(unitId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < unitId.length; i++) hash = Math.imul(hash ^ unitId.charCodeAt(i), 0x01000193) >>> 0;
  return `${MANAGERS_PREFIX}${String(hash % MANAGER_BUCKETS).padStart(3, '0')}`;
}

const chunkPk = (generation: string) => `UNITS#${generation}`;
const chunkSk = (index: number) => `C#${String(index).padStart(4, '0')}`;

interface Pointer {
  generation: string;
  chunks: number;
  count: number;
  /** The generation this one replaced: kept until the next switch, so a reader that saw the old pointer can finish. */
  previous: string | null;
}

function pointerOf(item: Record<string, unknown> | undefined): Pointer | undefined {
  if (!item || typeof item.generation !== 'string') return undefined;
  return { generation: item.generation, chunks: Number(item.chunks), count: Number(item.count), previous: typeof item.previous === 'string' ? item.previous : null };
}

/** Splits a tree into chunk texts of at most MAX_CHUNK_UNITS units and MAX_CHUNK_BYTES bytes each. */
export function chunkUnits(units: readonly OrgUnit[]): string[] {
  const chunks: string[] = [];
  let parts: string[] = [];
  let bytes = 2;
  for (const unit of units) {
    const text = JSON.stringify(unit);
    const size = Buffer.byteLength(text) + 1;
    if (parts.length && (parts.length >= MAX_CHUNK_UNITS || bytes + size > MAX_CHUNK_BYTES)) {
      chunks.push(`[${parts.join(',')}]`);
      parts = [];
      bytes = 2;
    }
    parts.push(text);
    bytes += size;
  }
  if (parts.length) chunks.push(`[${parts.join(',')}]`);
  return chunks;
}

/**
 * `bump` is the catalog's version-stamp update, put in the same transaction as every org change. Units read back are
 * parsed with the domain schema: they were checked when written, but the store is an edge like any other.
 */
export function dynamoOrgStore(client: DynamoDBDocumentClient, tableName: string, bump: TransactItem) {
  const readChunks = async (pointer: Pointer): Promise<OrgUnit[] | undefined> => {
    if (pointer.chunks === 0) return [];
    const items = await queryAll(client, { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': chunkPk(pointer.generation) }, ConsistentRead: true });
    // A generation already cleaned up under a slow reader reads short: the caller reads the pointer again.
    if (items.length !== pointer.chunks) return undefined;
    items.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    const units: OrgUnit[] = [];
    for (const item of items) for (const raw of JSON.parse(String(item.units)) as unknown[]) units.push(OrgUnit.parse(raw));
    return units;
  };

  const readPointer = async (): Promise<Pointer | undefined> =>
    pointerOf((await client.send(new GetCommand({ TableName: tableName, Key: POINTER_KEY, ConsistentRead: true }))).Item);

  const legacyUnits = (orgItems: readonly Record<string, unknown>[]) =>
    orgItems.filter((i) => String(i.sk).startsWith(LEGACY_UNIT_PREFIX)).map((i) => OrgUnit.parse(i.value));

  async function unitTree(): Promise<OrgUnitTree> {
    for (let attempt = 0; ; attempt++) {
      const pointer = await readPointer();
      if (!pointer) {
        const orgItems = await queryAll(client, { TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :unit)', ExpressionAttributeValues: { ':pk': ORG_PK, ':unit': LEGACY_UNIT_PREFIX }, ConsistentRead: true });
        return { units: legacyUnits(orgItems), revision: null };
      }
      const units = await readChunks(pointer);
      if (units) return { units, revision: pointer.generation };
      if (attempt >= 3) throw new Error(`the org tree generation ${pointer.generation} is incomplete`);
    }
  }

  async function deletePartition(pk: string): Promise<void> {
    const items = await queryAll(client, { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'pk, sk' });
    await deleteKeys(items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })));
  }

  async function deleteKeys(keys: { pk: string; sk: string }[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let pending: unknown[] | undefined = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let tries = 0; pending && pending.length && tries < 10; tries++) {
        const result: { UnprocessedItems?: Record<string, unknown[]> | undefined } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
        pending = result.UnprocessedItems?.[tableName];
      }
    }
  }

  /**
   * Writes a new generation's chunks (invisible until the pointer names them), then switches the pointer if it still
   * names `expectedRevision` (null: no snapshot yet), raising the version stamp in the same transaction. A crash
   * before the switch leaves the old tree current; the orphaned chunks are never read. False on a lost race.
   */
  async function replaceUnitTree(units: readonly OrgUnit[], expectedRevision: string | null): Promise<boolean> {
    const generation = ulid();
    const chunks = chunkUnits(units);
    await Promise.all(chunks.map((text, index) => client.send(new PutCommand({ TableName: tableName, Item: { pk: chunkPk(generation), sk: chunkSk(index), units: text } }))));
    const current = expectedRevision === null ? undefined : await readPointer();
    const pointer = { ...POINTER_KEY, generation, chunks: chunks.length, count: units.length, previous: expectedRevision };
    const condition =
      expectedRevision === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'generation = :expected', ExpressionAttributeValues: { ':expected': expectedRevision } };
    const codes = await transactWrite(client, [{ Put: { TableName: tableName, Item: pointer, ...condition } }, bump]);
    if (codes) {
      await deletePartition(chunkPk(generation)).catch(() => {});
      return false;
    }
    // Best effort: the generation before the one just replaced, or the legacy unit items after the first snapshot.
    // A failure here leaves garbage that nothing reads, never a wrong tree.
    const cleanup = expectedRevision === null
      ? queryAll(client, { TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :unit)', ExpressionAttributeValues: { ':pk': ORG_PK, ':unit': LEGACY_UNIT_PREFIX }, ProjectionExpression: 'pk, sk' }).then((items) =>
          deleteKeys(items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) }))),
        )
      : current?.generation === expectedRevision && current.previous
        ? deletePartition(chunkPk(current.previous))
        : Promise.resolve();
    await cleanup.catch(() => {});
    return true;
  }

  /** Saves one unit's managers into its bucket (created on first use) and drops its legacy item, raising the stamp. */
  async function putManagers(unitId: string, managers: readonly Manager[]): Promise<void> {
    const bucket = { pk: ORG_PK, sk: managerBucketSk(unitId) };
    const dropLegacy: TransactItem = { Delete: { TableName: tableName, Key: { pk: ORG_PK, sk: `${LEGACY_MANAGERS_PREFIX}${unitId}` } } };
    const list = JSON.stringify(managers);
    for (let attempt = 1; ; attempt++) {
      const updated = await transactWrite(client, [
        {
          Update: {
            TableName: tableName,
            Key: bucket,
            UpdateExpression: 'SET #lists.#unit = :list',
            ConditionExpression: 'attribute_exists(#lists)',
            ExpressionAttributeNames: { '#lists': 'lists', '#unit': unitId },
            ExpressionAttributeValues: { ':list': list },
          },
        },
        dropLegacy,
        bump,
      ]);
      if (!updated) return;
      // The bucket does not exist yet: create it with this list, unless another save just did (then update it).
      const created = await transactWrite(client, [{ Put: { TableName: tableName, Item: { ...bucket, lists: { [unitId]: list } }, ConditionExpression: 'attribute_not_exists(pk)' } }, dropLegacy, bump]);
      if (!created) return;
      if (attempt >= MAX_REPLACE_ATTEMPTS) throw new Error(`the managers of "${unitId}" could not be saved`);
    }
  }

  return {
    /** Manager lists for load(): legacy items first, bucketed lists (always newer) over them. */
    managersFrom(orgItems: readonly Record<string, unknown>[]): Record<string, Manager[]> {
      const managers: Record<string, Manager[]> = {};
      for (const item of orgItems) {
        const sk = String(item.sk);
        if (sk.startsWith(LEGACY_MANAGERS_PREFIX) && !sk.startsWith(MANAGERS_PREFIX)) managers[sk.slice(LEGACY_MANAGERS_PREFIX.length)] = Manager.array().parse(item.value);
      }
      for (const item of orgItems) {
        if (!String(item.sk).startsWith(MANAGERS_PREFIX)) continue;
        for (const [unitId, list] of Object.entries((item.lists ?? {}) as Record<string, string>)) managers[unitId] = Manager.array().parse(JSON.parse(list));
      }
      return managers;
    },
    putManagers,
    /** The units of the catalog for load(): from the pointer among the org partition's items, or the legacy items. */
    async unitsFrom(orgItems: readonly Record<string, unknown>[]): Promise<OrgUnit[]> {
      const pointer = pointerOf(orgItems.find((i) => i.sk === POINTER_KEY.sk));
      if (!pointer) return legacyUnits(orgItems);
      return (await readChunks(pointer)) ?? (await unitTree()).units;
    },
    /** The organisation's settings; undefined before setup (unlike load(), which refuses). */
    async organisation(): Promise<Organisation | undefined> {
      const item = (await client.send(new GetCommand({ TableName: tableName, Key: SETTINGS_KEY, ConsistentRead: true }))).Item;
      return item ? Organisation.parse(item.value) : undefined;
    },
    organisationFrom(orgItems: readonly Record<string, unknown>[]): Organisation | undefined {
      const item = orgItems.find((i) => i.sk === SETTINGS_KEY.sk);
      return item ? Organisation.parse(item.value) : undefined;
    },
    async putOrganisation(organisation: Organisation): Promise<void> {
      await transactWrite(client, [{ Put: { TableName: tableName, Item: { ...SETTINGS_KEY, value: organisation } } }, bump]);
    },
    unitTree,
    replaceUnitTree,
    /** Replaces the whole tree whatever it is now (seeding, tests): retried on a lost race. */
    async putUnits(units: readonly OrgUnit[]): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        const pointer = await readPointer();
        if (await replaceUnitTree(units, pointer?.generation ?? null)) return;
        if (attempt >= MAX_REPLACE_ATTEMPTS) throw new Error('the org tree kept changing while it was being replaced');
      }
    },
  };
}
