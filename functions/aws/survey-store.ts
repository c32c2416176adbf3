// The survey partitions of the catalog table: one small state item per survey, one draft item, and one immutable item
// per published version. A catalog load reads the state items (a few hundred bytes each) and the live versions by key,
// and a version once read never changes, so a reload after a publish reads the states and that one new version.
//
//   pk SURVEY        sk <id>          { state: SurveyState, rev, firstVersion }                ← catalog load
//   pk SURVEY#<id>   sk DRAFT         { value: Survey }                                        ← by key
//   pk SURVEY#<id>   sk V#000001 …    { version, publishedAt, value: Survey }   (written once, never changed; by key)
//
// State items written before this layout may still carry a copy of the live version (`live`); it is used as it is, and
// dropped on the item's next write. Items of the interim layout ({ pk: SURVEY, sk: id, value: Survey }, before
// versions) still read as version 1, live.
import { BatchGetCommand, GetCommand, QueryCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { transactWrite } from './dynamodb.ts';
import { Survey, SurveyState, type SurveyVersion } from '../domain/survey.ts';
import { MAX_SURVEY_VERSIONS, type PublishedVersion, type StoredSurveyState, type SurveyStore } from '../ports.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The partition every survey's state item lives in: read whole by a catalog load. */
export const SURVEY_STATES = 'SURVEY';
const surveyPartition = (id: string) => `SURVEY#${id}`;
const DRAFT = 'DRAFT';
/** Zero-padded, so the sort keys order like the numbers (a survey stops at MAX_SURVEY_VERSIONS anyway). */
const versionKey = (version: number) => `V#${String(version).padStart(6, '0')}`;
const LAST_VERSION_KEY = versionKey(999_999);
/** When an interim-layout survey is read, it stands for this. */
const LEGACY_UPDATED_AT = new Date(0).toISOString();

export interface SurveyCatalogPart {
  surveys: SurveyVersion[];
  surveyStates: Record<string, SurveyState>;
}

/** A survey state item as read: its state, the live version it may still carry (older layouts), its revision. */
export type StateItem = ReturnType<typeof readStateItem>;

/** The state items of one catalog load, each parsed once. */
export const readStateItems = (items: readonly Record<string, unknown>[]): StateItem[] => items.map(readStateItem);

/** The live versions a set of state items names but does not carry (to be read by key). */
export function liveVersionsNamed(read: readonly StateItem[]): { surveyId: string; version: number }[] {
  return read.flatMap((r) => (!r.live && r.state.liveVersion !== null ? [{ surveyId: r.state.id, version: r.state.liveVersion }] : []));
}

/**
 * The catalog's view of the survey state items: every survey's state, and the live versions of published ones —
 * carried by the item (older layouts) or given by `liveVersion` (read by key). A live version that cannot be found
 * leaves its survey out of `surveys` rather than failing the whole catalog.
 */
export function surveysFromItems(read: readonly StateItem[], liveVersion: (surveyId: string, version: number) => SurveyVersion | undefined): SurveyCatalogPart {
  const surveys: SurveyVersion[] = [];
  const surveyStates: Record<string, SurveyState> = {};
  for (const { state, live } of read) {
    surveyStates[state.id] = state;
    const shown = live ?? (state.liveVersion === null ? undefined : liveVersion(state.id, state.liveVersion));
    if (shown) surveys.push(shown);
  }
  return { surveys, surveyStates };
}

function readStateItem(item: Record<string, unknown>): { state: SurveyState; live: SurveyVersion | undefined; revision: number; firstVersion: number } {
  if (item.state === undefined && item.value !== undefined) {
    const survey = Survey.parse(item.value);
    return {
      state: { id: survey.id, status: 'live', liveVersion: 1, hasResponses: true, updatedAt: LEGACY_UPDATED_AT },
      live: { ...survey, version: 1 },
      revision: 0,
      firstVersion: 1,
    };
  }
  const state = { ...SurveyState.parse(item.state), ...(typeof item.firstVersion === 'number' ? { firstVersion: item.firstVersion } : {}) };
  const liveItem = item.live as { version?: unknown } | undefined;
  const live = liveItem && typeof liveItem.version === 'number' ? { ...Survey.parse(liveItem), version: liveItem.version } : undefined;
  return { state, live, revision: typeof item.rev === 'number' ? item.rev : 0, firstVersion: typeof item.firstVersion === 'number' ? item.firstVersion : 1 };
}

export interface SurveyPartitions {
  authoring: SurveyStore;
  /** Published versions by key (any order; missing ones left out). */
  readVersions(keys: readonly { surveyId: string; version: number }[]): Promise<SurveyVersion[]>;
  /** One published version by key; undefined when there is none. */
  surveyVersion(surveyId: string, version: number): Promise<SurveyVersion | undefined>;
  /** Seeding: the survey as its draft, published as the next version, in one transaction (one stamp raise). */
  putSurvey(survey: Survey, at: string): Promise<void>;
}

/** `bump` is the catalog's stamp update: every transaction here carries it, so a write and its stamp land together. */
export function dynamoSurveyPartitions(client: DynamoDBDocumentClient, tableName: string, bump: TransactItem): SurveyPartitions {
  const stateKey = (id: string) => ({ pk: SURVEY_STATES, sk: id });
  const write = async (...items: TransactItem[]): Promise<boolean> => !(await transactWrite(client, [...items, bump]));

  const readState = async (id: string) => {
    const result = await client.send(new GetCommand({ TableName: tableName, Key: stateKey(id), ConsistentRead: true }));
    return result.Item ? readStateItem(result.Item) : undefined;
  };

  const queryVersions = async (id: string, fromVersion: number, projection: string | undefined) => {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': surveyPartition(id), ':from': versionKey(Math.max(1, fromVersion)), ':to': LAST_VERSION_KEY },
        ...(projection ? { ProjectionExpression: projection, ExpressionAttributeNames: projectionNames(projection) } : {}),
        ScanIndexForward: false,
        Limit: MAX_SURVEY_VERSIONS,
        ConsistentRead: true,
      }),
    );
    return result.Items ?? [];
  };

  /** The newest version number any incarnation of this survey id ever published (0 for none). */
  const latestVersion = async (id: string): Promise<number> => {
    const [newest] = await queryVersions(id, 1, '#v');
    return typeof newest?.version === 'number' ? newest.version : 0;
  };

  /** The state item update for a new state; `extra` adds SET clauses. Legacy items lose their interim `value`. */
  const stateUpdate = (state: SurveyState, revision: number, extra: { set?: string; values?: Record<string, unknown> } = {}): TransactItem => ({
    Update: {
      TableName: tableName,
      Key: stateKey(state.id),
      UpdateExpression: `SET #st = :st, #rev = :next${extra.set ? `, ${extra.set}` : ''} REMOVE #legacy, #live`,
      ConditionExpression: revision === 0 ? 'attribute_exists(pk) AND attribute_not_exists(#rev)' : '#rev = :rev',
      ExpressionAttributeNames: { '#st': 'state', '#rev': 'rev', '#legacy': 'value', '#live': 'live' },
      ExpressionAttributeValues: { ':st': state, ':next': revision + 1, ...(revision === 0 ? {} : { ':rev': revision }), ...extra.values },
    },
  });

  const versionPut = (definition: Survey, version: number, publishedAt: string): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: { pk: surveyPartition(definition.id), sk: versionKey(version), version, publishedAt, value: definition },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });

  const authoring: SurveyStore = {
    async state(id): Promise<StoredSurveyState | undefined> {
      const read = await readState(id);
      return read && { state: read.state, revision: read.revision, firstVersion: read.firstVersion };
    },

    async draft(id) {
      const result = await client.send(new GetCommand({ TableName: tableName, Key: { pk: surveyPartition(id), sk: DRAFT }, ConsistentRead: true }));
      if (result.Item) return Survey.parse(result.Item.value);
      // An interim-layout survey has no draft item: its one definition is the base of the next edit.
      const legacy = await readState(id);
      return legacy?.revision === 0 && legacy.live ? stripVersion(legacy.live) : undefined;
    },

    async create(draft, at) {
      const firstVersion = (await latestVersion(draft.id)) + 1;
      const state: SurveyState = { id: draft.id, status: 'draft', liveVersion: null, updatedAt: at };
      return write(
        { Put: { TableName: tableName, Item: { ...stateKey(draft.id), state, rev: 1, firstVersion }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: tableName, Item: { pk: surveyPartition(draft.id), sk: DRAFT, value: draft } } },
      );
    },

    async saveDraft(draft, at, revision) {
      const current = await readState(draft.id);
      if (!current) return false;
      return write(stateUpdate({ ...current.state, updatedAt: at }, revision), {
        Put: { TableName: tableName, Item: { pk: surveyPartition(draft.id), sk: DRAFT, value: draft } },
      });
    },

    async versions(id, fromVersion) {
      const items = await queryVersions(id, fromVersion, undefined);
      if (items.length === 0) {
        const legacy = await readState(id);
        if (legacy?.revision === 0 && legacy.live) return [{ ...legacy.live, publishedAt: LEGACY_UPDATED_AT }];
      }
      return items.map((item) => ({ ...Survey.parse(item.value), version: Number(item.version), publishedAt: String(item.publishedAt) }));
    },

    async versionList(id, fromVersion): Promise<PublishedVersion[]> {
      const items = await queryVersions(id, fromVersion, '#v, #p');
      if (items.length === 0) {
        const legacy = await readState(id);
        if (legacy?.revision === 0 && legacy.live) return [{ version: 1, publishedAt: LEGACY_UPDATED_AT }];
      }
      return items.map((item) => ({ version: Number(item.version), publishedAt: String(item.publishedAt) }));
    },

    async publish(definition, state, revision) {
      const version = state.liveVersion;
      if (version === null || !state.publishedAt) throw new Error('publish needs the new live version and its publishedAt');
      return write(
        versionPut(definition, version, state.publishedAt),
        stateUpdate(state, revision),
      );
    },

    async putState(state, revision) {
      return write(stateUpdate(state, revision));
    },

    async delete(id, revision) {
      return write(
        {
          Delete: {
            TableName: tableName,
            Key: stateKey(id),
            // The capture path marks a survey before storing its first response, so this cannot race one.
            ConditionExpression: '#rev = :rev AND (attribute_not_exists(#st.#has) OR #st.#has = :no)',
            ExpressionAttributeNames: { '#rev': 'rev', '#st': 'state', '#has': 'hasResponses' },
            ExpressionAttributeValues: { ':rev': revision, ':no': false },
          },
        },
        { Delete: { TableName: tableName, Key: { pk: surveyPartition(id), sk: DRAFT } } },
      );
    },

    async markResponded(id) {
      const marked = await write({
        Update: {
          TableName: tableName,
          Key: stateKey(id),
          UpdateExpression: 'SET #st.#has = :yes, #rev = if_not_exists(#rev, :zero) + :one',
          ConditionExpression: 'attribute_exists(#st) AND (attribute_not_exists(#st.#has) OR #st.#has = :no)',
          ExpressionAttributeNames: { '#st': 'state', '#has': 'hasResponses', '#rev': 'rev' },
          ExpressionAttributeValues: { ':yes': true, ':no': false, ':zero': 0, ':one': 1 },
        },
      });
      // Refused: marked already (or an interim-layout item, which counts as marked), or there is no such survey.
      return marked || (await readState(id))?.state.hasResponses === true;
    },
  };

  /** Published versions by key, a hundred a request (BatchGetItem's limit); unprocessed keys are asked again, bounded. */
  const readVersions = async (keys: readonly { surveyId: string; version: number }[]): Promise<SurveyVersion[]> => {
    const found: SurveyVersion[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100).map((k) => ({ pk: surveyPartition(k.surveyId), sk: versionKey(k.version) }));
      for (let round = 0; pending && pending.length; round++) {
        if (round >= 10) throw new Error('survey versions could not be read: DynamoDB kept returning them unprocessed');
        const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }));
        for (const item of result.Responses?.[tableName] ?? []) found.push({ ...Survey.parse(item.value), version: Number(item.version) });
        pending = result.UnprocessedKeys?.[tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
  };

  return {
    authoring,
    readVersions,

    async surveyVersion(surveyId, version) {
      if (!Number.isInteger(version) || version < 1 || version > 999_999) return undefined;
      const result = await client.send(new GetCommand({ TableName: tableName, Key: { pk: surveyPartition(surveyId), sk: versionKey(version) }, ConsistentRead: true }));
      if (result.Item) return { ...Survey.parse(result.Item.value), version };
      if (version !== 1) return undefined;
      const legacy = await readState(surveyId);
      return legacy?.revision === 0 && legacy.live ? legacy.live : undefined;
    },

    async putSurvey(survey, at) {
      const current = await readState(survey.id);
      const liveVersion = current?.live?.version ?? current?.state.liveVersion ?? null;
      const version = liveVersion !== null ? liveVersion + 1 : (await latestVersion(survey.id)) + 1;
      const state: SurveyState = {
        ...(current?.state ?? {}),
        id: survey.id,
        status: current?.state.status === 'closed' ? 'closed' : 'live',
        liveVersion: version,
        publishedAt: at,
        hasResponses: true,
        updatedAt: at,
      };
      const draftPut: TransactItem = { Put: { TableName: tableName, Item: { pk: surveyPartition(survey.id), sk: DRAFT, value: survey } } };
      const stateWrite: TransactItem = current
        ? stateUpdate(state, current.revision)
        : { Put: { TableName: tableName, Item: { ...stateKey(survey.id), state, rev: 1, firstVersion: version }, ConditionExpression: 'attribute_not_exists(pk)' } };
      if (!(await write(versionPut(survey, version, at), stateWrite, draftPut))) throw new Error(`survey "${survey.id}" changed while it was being seeded; try again`);
    },
  };
}

/** DynamoDB refuses names an expression does not use: only those of the projection. */
function projectionNames(projection: string): Record<string, string> {
  const all: Record<string, string> = { '#v': 'version', '#p': 'publishedAt' };
  return Object.fromEntries(Object.entries(all).filter(([placeholder]) => projection.includes(placeholder)));
}

function stripVersion(version: SurveyVersion): Survey {
  const { version: _version, ...survey } = version;
  return survey;
}
