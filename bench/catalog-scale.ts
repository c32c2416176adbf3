// The catalog at the scale of a large organisation on DynamoDB Local: 5,000 units, 5,000 manager lists, 200 surveys
// with 5 versions each and 100 rules. Measures a cold catalog load (what a new Lambda instance pays once), the
// per-request freshness check of a warm one, the memory the catalog holds, what a reload costs after one rule or one
// survey changes, and fetching an older survey version by key. `npx tsx bench/catalog-scale.ts` alone (add
// `node --expose-gc` for exact memory), or in `npm run bench`. Prints figures; asserts nothing about time.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { pathToFileURL } from 'node:url';
import { cachedCatalog, dynamoCatalogStore } from '../functions/aws/catalog-store.ts';
import { documentClient, queryAll } from '../functions/aws/dynamodb.ts';
import { AlertRule } from '../functions/domain/alert-rules.ts';
import type { OrgUnit } from '../functions/domain/org.ts';
import { Survey } from '../functions/domain/survey.ts';
import { surveyTemplates } from '../functions/domain/templates/index.ts';
import { demoOrganisation } from '../functions/local/demo.ts';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { createTables, dynamoClient, localTableNames } from '../functions/local/tables.ts';
import type { CatalogStore } from '../functions/ports.ts';

const UNITS = Number(process.env.BENCH_SCALE_UNITS ?? 5_000);
const MANAGER_LISTS = Number(process.env.BENCH_SCALE_MANAGER_LISTS ?? 5_000);
const SURVEYS = Number(process.env.BENCH_SCALE_SURVEYS ?? 200);
const VERSIONS = Number(process.env.BENCH_SCALE_VERSIONS ?? 5);
const RULES = Number(process.env.BENCH_SCALE_RULES ?? 100);
const SAMPLES = Number(process.env.BENCH_SCALE_SAMPLES ?? 300);

const log = (line: string) => console.log(`  ${line}`);

function percentiles(ms: number[]): { p50: number; p95: number; p99: number; mean: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Number((sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN).toFixed(2));
  return { p50: at(50), p95: at(95), p99: at(99), mean: Number((sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(2)) };
}

/** Runs `work` over `items` with at most `width` at a time (seeding goes faster, DynamoDB Local is not flooded). */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

function units(count: number): OrgUnit[] {
  const tree: OrgUnit[] = [{ id: 'hq', parentId: null, kind: 'hq', name: { zh: '总部', en: 'Head office', ru: 'Головной офис' } }];
  for (let r = 0; r < 20 && tree.length < count; r++) tree.push({ id: `r${r}`, parentId: 'hq', kind: 'region', name: { zh: `第${r}大区`, en: `Region ${r}`, ru: `Регион ${r}` } });
  for (let s = 0; tree.length < count; s++) tree.push({ id: `s${s}`, parentId: `r${s % 20}`, kind: 'store', name: { zh: `门店${s}号`, en: `Store ${s}`, ru: `Магазин № ${s}` } });
  return tree;
}

function rule(n: number): AlertRule {
  return AlertRule.parse(
    n % 3 === 0
      ? { id: `rule-${n}`, name: `Sensitive words ${n}`, severity: 'high', conditions: [{ kind: 'keywords', words: ['脏', '态度差', 'грязно', 'rude', `word${n}`] }], actions: { notify: true } }
      : { id: `rule-${n}`, name: `Detractor ${n}`, severity: 'medium', conditions: [{ kind: 'score', questionType: 'nps', op: 'lte', value: n % 7 }], actions: { notify: true, ticket: { acknowledgeWithin: 'PT2H', resolveWithin: 'P2D' } } },
  );
}

/** Seeds the catalog: units, manager lists, surveys published VERSIONS times each, rules. */
async function seed(store: CatalogStore): Promise<void> {
  let t0 = performance.now();
  await store.putOrganisation(demoOrganisation);
  const tree = units(UNITS);
  await store.putUnits(tree);
  log(`seeded ${tree.length} units in ${Math.round(performance.now() - t0)} ms`);
  t0 = performance.now();
  const listed = tree.slice(0, MANAGER_LISTS);
  await inParallel(listed, 8, (unit) => store.putManagers(unit.id, [{ name: `Manager of ${unit.id}`, email: `${unit.id}@example.com`, phone: '+8613800138000', locale: 'zh' }]));
  log(`seeded ${listed.length} manager lists in ${Math.round(performance.now() - t0)} ms`);
  t0 = performance.now();
  const surveyIds = Array.from({ length: SURVEYS }, (_, i) => i);
  let published = 0;
  await inParallel(surveyIds, 8, async (i) => {
    const template = surveyTemplates[i % surveyTemplates.length]!.survey;
    for (let v = 1; v <= VERSIONS; v++) {
      // Each version changes a title, as a real edit would; everything else is the template's.
      const survey = Survey.parse({ ...template, id: `survey-${i}`, title: { zh: `问卷 ${i} 第${v}版`, en: `Survey ${i} v${v}`, ru: `Опрос ${i}, версия ${v}` } });
      await store.putSurvey(survey);
      if (++published % 200 === 0) log(`published ${published}/${SURVEYS * VERSIONS} survey versions…`);
    }
  });
  log(`seeded ${SURVEYS} surveys × ${VERSIONS} versions in ${Math.round(performance.now() - t0)} ms`);
  for (let n = 0; n < RULES; n++) await store.putRule(rule(n));
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

export async function benchCatalogScale(): Promise<Record<string, number>> {
  console.log(`catalog at scale: ${UNITS} units, ${MANAGER_LISTS} manager lists, ${SURVEYS} surveys × ${VERSIONS} versions, ${RULES} rules`);
  const local = await startDynamoDbLocal({ dataDir: null });
  try {
    const names = localTableNames('bench-scale');
    await createTables(dynamoClient(local.endpoint), names);
    const doc = documentClient(local.endpoint);
    await seed(dynamoCatalogStore(doc, names.catalog));

    // Cold: a new instance's first load (its own store and cache, as a fresh Lambda would have).
    const cold: number[] = [];
    for (let run = 0; run < 5; run++) {
      const fresh = cachedCatalog(dynamoCatalogStore(doc, names.catalog));
      const t0 = performance.now();
      const catalog = await fresh.load();
      cold.push(performance.now() - t0);
      if (run === 0) log(`loaded: ${catalog.units.length} units, ${Object.keys(catalog.managers).length} manager lists, ${catalog.surveys.length} live surveys, ${catalog.rules.length} rules`);
    }
    const coldStats = percentiles(cold);
    // Memory: what one loaded catalog keeps alive (exact with --expose-gc, rough without).
    const baseline = heapMb();
    const held = await cachedCatalog(dynamoCatalogStore(doc, names.catalog)).load();
    const heldMb = heapMb() - baseline;
    log(`cold load: median ${coldStats.p50} ms (runs: ${cold.map((ms) => Math.round(ms)).join(', ')} ms); one catalog holds ≈ ${heldMb.toFixed(1)} MB of heap${(globalThis as { gc?: unknown }).gc ? '' : ' (run with node --expose-gc for an exact figure)'}`);
    void held.version;
    // Where a cold load's time goes: each partition read on its own (bytes as DynamoDB returns them).
    const parts: string[] = [];
    for (const pk of ['ORG', 'SURVEY', 'RULE']) {
      const t0 = performance.now();
      const items = await queryAll(doc, { TableName: names.catalog, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
      parts.push(`${pk} ${items.length} items, ${(Buffer.byteLength(JSON.stringify(items)) / 1024).toFixed(0)} KB in ${Math.round(performance.now() - t0)} ms`);
    }
    log(`of which the partitions alone: ${parts.join('; ')}`);

    // Warm: what each request and batch pays to know its catalog is current.
    const writer = cachedCatalog(dynamoCatalogStore(doc, names.catalog));
    const reader = cachedCatalog(dynamoCatalogStore(doc, names.catalog));
    await reader.load();
    const warm: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t0 = performance.now();
      await reader.load();
      warm.push(performance.now() - t0);
    }
    const warmStats = percentiles(warm);
    log(`warm load (freshness check only): p50 ${warmStats.p50} ms, p95 ${warmStats.p95} ms, p99 ${warmStats.p99} ms (n=${SAMPLES})`);

    // After a change: another instance saves a rule (or publishes a survey); the reader's next load sees it.
    const afterRule: number[] = [];
    for (let i = 0; i < 5; i++) {
      await writer.putRule(rule(i));
      const t0 = performance.now();
      await reader.load();
      afterRule.push(performance.now() - t0);
    }
    const afterSurvey: number[] = [];
    for (let i = 0; i < 5; i++) {
      const template = surveyTemplates[0]!.survey;
      await writer.putSurvey(Survey.parse({ ...template, id: 'survey-0', title: { zh: `问卷 0 改${i}`, en: `Survey 0 edit ${i}`, ru: `Опрос 0, правка ${i}` } }));
      const t0 = performance.now();
      await reader.load();
      afterSurvey.push(performance.now() - t0);
    }
    log(`next load after one rule changed: median ${percentiles(afterRule).p50} ms; after one survey published: median ${percentiles(afterSurvey).p50} ms`);

    // An older version, by key: the first read and then from the instance's version cache.
    let t0 = performance.now();
    await reader.surveyVersion('survey-7', 2);
    const versionCold = performance.now() - t0;
    t0 = performance.now();
    await reader.surveyVersion('survey-7', 2);
    const versionWarm = performance.now() - t0;
    log(`an older survey version by key: ${versionCold.toFixed(2)} ms first, ${versionWarm.toFixed(3)} ms cached`);

    return {
      catalogScaleColdLoadMs: coldStats.p50,
      catalogScaleWarmLoadP50Ms: warmStats.p50,
      catalogScaleWarmLoadP99Ms: warmStats.p99,
      catalogScaleHeldMb: Number(heldMb.toFixed(1)),
      catalogScaleReloadAfterRuleMs: percentiles(afterRule).p50,
      catalogScaleReloadAfterSurveyMs: percentiles(afterSurvey).p50,
      catalogScaleVersionByKeyMs: Number(versionCold.toFixed(2)),
    };
  } finally {
    await local.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchCatalogScale().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
