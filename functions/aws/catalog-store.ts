// The catalog on DynamoDB: organisation settings, org units, survey definitions and alert rules, read together, with a
// version stamp that every write raises so a cache can tell, with one small read, whether it is still current — and,
// by the stamp's per-section counters, which part to read again. Live survey versions are read by key, once.
import {
  GetCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { queryAll, transactWrite } from './dynamodb.ts';
import { AlertRule } from '../domain/alert-rules.ts';
import { dynamoOrgStore, ORG_PK } from './org-store.ts';
import type { SurveyVersion } from '../domain/survey.ts';
import { SetupRequiredError, type Catalog, type CatalogStore } from '../ports.ts';
import { dynamoSurveyPartitions, liveVersionsNamed, readStateItems, SURVEY_STATES, surveysFromItems } from './survey-store.ts';

const ORG = ORG_PK;
const SURVEY = SURVEY_STATES;
const RULE = 'RULE';
/**
 * The version stamp: one item beside the settings, `version` counting catalog writes, and one counter per section
 * (`s_org`, `s_surveys`, `s_rules`) raised with it, so a reload reads again only the sections that moved.
 */
const VERSION_KEY = { pk: ORG, sk: 'VERSION' };
const SECTIONS = ['org', 'surveys', 'rules'] as const;
type Section = (typeof SECTIONS)[number];
type Stamp = { version: number; sections: Record<Section, number> };

/** Survey versions one cachedCatalog keeps in memory (least recently used dropped first). */
export const MAX_CACHED_VERSIONS = 500;
/** Live survey versions one store keeps for its catalog loads (an organisation with more reads the rest each load). */
const MAX_LIVE_VERSIONS = 1_000;
/** A full read that keeps racing writers is returned after this many tries, labelled with the older version. */
const MAX_LOAD_ATTEMPTS = 3;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export function dynamoCatalogStore(client: DynamoDBDocumentClient, tableName: string): CatalogStore {
  // Consistent reads: a version just read must never be paired with items from before it.
  const queryPartition = (pk: string) =>
    queryAll(client, { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });

  const readStamp = async (): Promise<Stamp> => {
    const item = (await client.send(new GetCommand({ TableName: tableName, Key: VERSION_KEY, ConsistentRead: true }))).Item ?? {};
    const count = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
    return { version: count('version'), sections: { org: count('s_org'), surveys: count('s_surveys'), rules: count('s_rules') } };
  };

  // The stamp item is a handful of numbers: the per-request freshness check reads it whole, like a reload does.
  const readVersion = async (): Promise<number> => (await readStamp()).version;

  const bumpOf = (section: Section): TransactItem => ({
    Update: { TableName: tableName, Key: VERSION_KEY, UpdateExpression: 'ADD #v :one, #s :one', ExpressionAttributeNames: { '#v': 'version', '#s': `s_${section}` }, ExpressionAttributeValues: { ':one': 1 } },
  });

  /**
   * Applies one catalog change and raises the stamp in the same transaction, so no reader sees one without the other;
   * false when the change's own condition failed (two writes at once conflict on the stamp and are retried).
   */
  const writeRule = async (change: TransactItem): Promise<boolean> => !(await transactWrite(client, [change, bumpOf('rules')]));
  const surveyParts = dynamoSurveyPartitions(client, tableName, bumpOf('surveys'));
  // Settings and the unit tree (a chunked snapshot behind one pointer item) live in org-store.ts.
  const org = dynamoOrgStore(client, tableName, bumpOf('org'));

  // The stamp each loaded catalog was read at, so that a later load can keep the sections that did not move.
  const stamps = new WeakMap<Catalog, Stamp>();
  // Published versions never change: the live ones read once stay here (bounded, oldest dropped first), so a reload
  // after a publish reads only the new version.
  const liveVersions = new Map<string, SurveyVersion>();
  const versionKey = (surveyId: string, version: number) => `${surveyId}\u0000${version}`;

  const loadOrg = async () => {
    const orgItems = await queryPartition(ORG);
    const organisation = org.organisationFrom(orgItems);
    if (!organisation) throw new SetupRequiredError();
    return { organisation, units: await org.unitsFrom(orgItems), managers: org.managersFrom(orgItems) };
  };

  /** Every survey's state (one small item each) and its live version: from memory, or read by key. */
  const loadSurveys = async () => {
    const items = readStateItems(await queryPartition(SURVEY));
    const missing = liveVersionsNamed(items).filter((k) => !liveVersions.has(versionKey(k.surveyId, k.version)));
    for (const version of await surveyParts.readVersions(missing)) {
      liveVersions.set(versionKey(version.id, version.version), version);
      if (liveVersions.size > MAX_LIVE_VERSIONS) liveVersions.delete(liveVersions.keys().next().value as string);
    }
    return surveysFromItems(items, (surveyId, version) => liveVersions.get(versionKey(surveyId, version)));
  };

  return {
    version: readVersion,
    surveyVersion: surveyParts.surveyVersion,
    surveyAuthoring: surveyParts.authoring,
    async load(previous) {
      // Read the stamp before and after the sections: equal stamps mean no write landed in between, so the items are
      // exactly that version. If one did, read again (bounded); the content then holds at least the earlier stamp.
      // A section whose counter has not moved since `previous` was loaded is taken from it as it is.
      const held = previous ? stamps.get(previous) : undefined;
      const kept = (section: Section, stamp: Stamp) => held !== undefined && held.sections[section] > 0 && held.sections[section] === stamp.sections[section];
      let before = await readStamp();
      for (let attempt = 1; ; attempt++) {
        const [orgPart, surveyPart, rules] = await Promise.all([
          kept('org', before) ? { organisation: previous!.organisation, units: previous!.units, managers: previous!.managers } : loadOrg(),
          kept('surveys', before) ? { surveys: previous!.surveys, surveyStates: previous!.surveyStates } : loadSurveys(),
          kept('rules', before) ? previous!.rules : queryPartition(RULE).then((items) => items.map((i) => AlertRule.parse(i.value))),
        ]);
        const after = await readStamp();
        if (after.version !== before.version && attempt < MAX_LOAD_ATTEMPTS) {
          before = after;
          continue;
        }
        const catalog: Catalog = { ...orgPart, ...surveyPart, rules, version: before.version };
        stamps.set(catalog, before);
        return catalog;
      }
    },
    organisation: () => org.organisation(),
    putOrganisation: (organisation) => org.putOrganisation(organisation),
    unitTree: () => org.unitTree(),
    replaceUnitTree: (units, expectedRevision) => org.replaceUnitTree(units, expectedRevision),
    putUnits: (units) => org.putUnits(units),
    putSurvey: (survey) => surveyParts.putSurvey(survey, new Date().toISOString()),
    async putRule(rule) {
      await writeRule({ Put: { TableName: tableName, Item: { pk: RULE, sk: rule.id, value: rule } } });
    },
    async deleteRule(id) {
      // An unknown rule: nothing deleted and the stamp left alone.
      return writeRule({ Delete: { TableName: tableName, Key: { pk: RULE, sk: id }, ConditionExpression: 'attribute_exists(pk)' } });
    },
    putManagers: (unitId, managers) => org.putManagers(unitId, managers),
  };
}

/**
 * Serves the catalog from memory while it is current: each load() reads the version stamp (one consistent GetItem)
 * and reloads the whole catalog only when the stamp has moved. A write through any function — this one or another
 * process — is therefore seen by the very next load() everywhere, with no waiting for a time-to-live.
 */
export function cachedCatalog(store: CatalogStore): CatalogStore {
  let held: Catalog | undefined;
  // One full reload per version: requests arriving together right after a write share it.
  let reloading: { version: number; catalog: Promise<Catalog> } | undefined;
  // The latest reload to start wins, so a slow older one cannot put back what a newer one replaced.
  let started = 0;
  let heldFrom = 0;

  const reload = (version: number): Promise<Catalog> => {
    if (reloading && reloading.version === version) return reloading.catalog;
    const ticket = ++started;
    // The catalog held so far lets the store read again only the sections that moved since.
    const catalog = store.load(held).then((loaded) => {
      if (ticket > heldFrom) {
        held = loaded;
        heldFrom = ticket;
      }
      return loaded;
    });
    const entry = { version, catalog };
    reloading = entry;
    const done = () => {
      if (reloading === entry) reloading = undefined;
    };
    catalog.then(done, done);
    return catalog;
  };

  // Published versions never change, so they are kept for good; the bound keeps a long-lived function's memory flat.
  const versions = new Map<string, SurveyVersion>();

  return {
    async load() {
      // "Differs", not "is newer": a table restored from a backup moves the stamp back, and must be reloaded too.
      const version = await store.version();
      if (held && held.version === version) return held;
      return reload(version);
    },
    version: () => store.version(),
    async surveyVersion(id, version) {
      const key = `${id}\u0000${version}`;
      const held = versions.get(key);
      if (held) {
        // Least recently used goes first: re-inserting moves this one to the end.
        versions.delete(key);
        versions.set(key, held);
        return held;
      }
      const read = await store.surveyVersion(id, version);
      // A miss is not kept: the version may be published a moment later.
      if (read) {
        versions.set(key, read);
        if (versions.size > MAX_CACHED_VERSIONS) versions.delete(versions.keys().next().value as string);
      }
      return read;
    },
    surveyAuthoring: store.surveyAuthoring,
    // Authoring reads the org fresh (a conditional write needs the current revision), so these pass straight through.
    organisation: () => store.organisation(),
    unitTree: () => store.unitTree(),
    replaceUnitTree: (units, expectedRevision) => store.replaceUnitTree(units, expectedRevision),
    putOrganisation: (o) => store.putOrganisation(o),
    putUnits: (u) => store.putUnits(u),
    putSurvey: (s) => store.putSurvey(s),
    putRule: (r) => store.putRule(r),
    deleteRule: (id) => store.deleteRule(id),
    putManagers: (u, m) => store.putManagers(u, m),
  };
}
