// Catalog freshness on DynamoDB Local: two functions' catalog caches over one table (the API's and the alerts'), a
// write through one seen by the other's very next load, and an unchanged catalog served for one small read.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedCatalog, dynamoCatalogStore } from '../../functions/aws/catalog-store.ts';
import { documentClient } from '../../functions/aws/dynamodb.ts';
import { AlertRule } from '../../functions/domain/alert-rules.ts';
import { demoManagers, demoOrganisation, demoSurveys, demoUnits, putDemoCatalog } from '../../functions/local/demo.ts';
import { useLocalTables } from '../support/dynamo.ts';
import { SetupRequiredError } from '../../functions/ports.ts';

/** Counts the DynamoDB operations a client really sends (a middleware on its stack, not a mock). */
function countingClient(endpoint: string): { doc: DynamoDBDocumentClient; sent: Map<string, number>; reset: () => void } {
  const doc = documentClient(endpoint);
  const sent = new Map<string, number>();
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      sent.set(name, (sent.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCatalogOperations' },
  );
  return { doc, sent, reset: () => sent.clear() };
}

const rudeWaiterRule = AlertRule.parse({
  id: 'rude-waiter',
  name: 'Rude waiter',
  severity: 'high',
  conditions: [{ kind: 'keywords', words: ['waiter'] }],
  actions: { notify: true },
});

let endpoint: string;
let table: string;

beforeAll(async () => {
  const local = await useLocalTables('freshness');
  endpoint = local.endpoint;
  table = local.names.catalog;
  const seed = dynamoCatalogStore(documentClient(endpoint), table);
  await putDemoCatalog(seed);
});

describe('two functions caching the same catalog', () => {
  it("sees a rule saved through the other function on its very next load, and its deletion too", async () => {
    const api = cachedCatalog(dynamoCatalogStore(documentClient(endpoint), table));
    const alerts = cachedCatalog(dynamoCatalogStore(documentClient(endpoint), table));
    const before = await alerts.load();
    await api.load();
    expect(before.rules.map((r) => r.id)).not.toContain('rude-waiter');

    await api.putRule(rudeWaiterRule);
    const after = await alerts.load();
    expect(after.rules.find((r) => r.id === 'rude-waiter')).toEqual(rudeWaiterRule);
    expect(after.version).toBeGreaterThan(before.version);
    // The writer's own cache follows too.
    expect((await api.load()).rules.map((r) => r.id)).toContain('rude-waiter');

    expect(await api.deleteRule('rude-waiter')).toBe(true);
    const deleted = await alerts.load();
    expect(deleted.rules.map((r) => r.id)).not.toContain('rude-waiter');
    expect(deleted.version).toBeGreaterThan(after.version);
  });

  it('raises the version once per write (units in batches: once after the batches), and not for deleting an unknown rule', async () => {
    const store = dynamoCatalogStore(documentClient(endpoint), table);
    const start = await store.version();
    await store.putSurvey(demoSurveys[0]!);
    await store.putManagers('hq', demoManagers.hq!);
    await store.putUnits(demoUnits);
    await store.putOrganisation(demoOrganisation);
    expect(await store.version()).toBe(start + 4);
    expect(await store.deleteRule('no-such-rule')).toBe(false);
    expect(await store.version()).toBe(start + 4);
    expect((await store.load()).version).toBe(start + 4);
  });

  it('keeps every write when several functions write at the same moment', async () => {
    const writers = Array.from({ length: 4 }, () => dynamoCatalogStore(documentClient(endpoint), table));
    const start = await writers[0]!.version();
    const rules = Array.from({ length: 8 }, (_, i) => AlertRule.parse({ ...rudeWaiterRule, id: `burst-${i}` }));
    await Promise.all(rules.map((rule, i) => writers[i % writers.length]!.putRule(rule)));
    const reader = cachedCatalog(dynamoCatalogStore(documentClient(endpoint), table));
    const catalog = await reader.load();
    expect(catalog.version).toBe(start + rules.length);
    expect(catalog.rules.map((r) => r.id)).toEqual(expect.arrayContaining(rules.map((r) => r.id)));
    await Promise.all(rules.map((rule) => writers[0]!.deleteRule(rule.id)));
  });
});

describe('an unchanged catalog', () => {
  it('is served from memory for one consistent GetItem per load, without querying the partitions again', async () => {
    const { doc, sent, reset } = countingClient(endpoint);
    const alerts = cachedCatalog(dynamoCatalogStore(doc, table));
    const first = await alerts.load();
    // A full load: the cache's stamp check, the stamp before and after the partitions, one query per partition (each
    // fits one page here), one for the chunks of the unit tree's snapshot, and the live survey versions by key.
    expect(Object.fromEntries(sent)).toEqual({ GetItem: 3, Query: 4, BatchGetItem: 1 });

    reset();
    const again = [await alerts.load(), await alerts.load(), await alerts.load()];
    expect(Object.fromEntries(sent)).toEqual({ GetItem: 3 });
    // The very same object, so caches keyed by the catalog's rules (compiled matchers) stay warm.
    for (const catalog of again) expect(catalog).toBe(first);
  });

  it('reloads once for many requests arriving right after a write', async () => {
    const { doc, sent, reset } = countingClient(endpoint);
    const alerts = cachedCatalog(dynamoCatalogStore(doc, table));
    await alerts.load();
    await dynamoCatalogStore(documentClient(endpoint), table).putRule({ ...rudeWaiterRule, id: 'rush-hour' });

    reset();
    const loaded = await Promise.all(Array.from({ length: 10 }, () => alerts.load()));
    expect(new Set(loaded).size).toBe(1);
    expect(loaded[0]!.rules.map((r) => r.id)).toContain('rush-hour');
    // One reload, and only of the section that moved: the rules.
    expect(sent.get('Query')).toBe(1);
    await alerts.deleteRule('rush-hour');
  });

  it('reads again only what changed: the rules after a rule, the org after a manager list, one survey by key after a publish', async () => {
    const { doc, sent, reset } = countingClient(endpoint);
    const alerts = cachedCatalog(dynamoCatalogStore(doc, table));
    const first = await alerts.load();
    const writer = dynamoCatalogStore(documentClient(endpoint), table);

    await writer.putManagers('sz-bay', [{ name: 'New manager', email: 'new@cloudstay.example', phone: '+8675560009999', locale: 'en' }]);
    reset();
    const afterManagers = await alerts.load();
    expect(afterManagers.managers['sz-bay']?.[0]?.name).toBe('New manager');
    expect(afterManagers.rules).toBe(first.rules); // kept, not read again
    expect(afterManagers.surveys[0]).toBe(first.surveys[0]);
    expect(sent.get('Query')).toBe(2); // the org partition and the unit tree's chunks
    expect(sent.get('BatchGetItem')).toBeUndefined();

    const [hotel] = demoSurveys;
    const { version: _version, ...definition } = hotel!;
    await writer.putSurvey({ ...definition, title: { ...definition.title, en: 'How was your stay with us?' } });
    reset();
    const afterPublish = await alerts.load();
    const published = afterPublish.surveys.find((s) => s.id === 'hotel-stay');
    expect(published?.title.en).toBe('How was your stay with us?');
    expect(published?.version).toBeGreaterThan(first.surveys.find((s) => s.id === 'hotel-stay')!.version);
    expect(afterPublish.units).toBe(afterManagers.units);
    expect(sent.get('Query')).toBe(1); // the survey states (small items)
    expect(sent.get('BatchGetItem')).toBe(1); // the one new version; the others are held
  });
});

describe('an empty catalog', () => {
  it('still refuses to load (no organisation settings), every time, and starts at version 0', async () => {
    const empty = await useLocalTables('freshness-empty');
    const catalog = cachedCatalog(dynamoCatalogStore(documentClient(empty.endpoint), empty.names.catalog));
    expect(await catalog.version()).toBe(0);
    await expect(catalog.load()).rejects.toThrow(SetupRequiredError);
    await expect(catalog.load()).rejects.toThrow(SetupRequiredError);
    await catalog.putOrganisation(demoOrganisation);
    const loaded = await catalog.load();
    expect(loaded).toMatchObject({ version: 1, organisation: demoOrganisation, rules: [] });
  });
});
