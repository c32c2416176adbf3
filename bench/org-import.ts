// The org tree at scale on DynamoDB Local: a 10,000-unit CSV imported through the use case (dry run, real, a re-import
// with renames, moves and archives), a single-unit PUT in that tree, and the catalog load with 10,000 units (and
// 5,000 manager lists) against the old one-item-per-unit layout. `npx tsx bench/org-import.ts` alone, or in
// `npm run bench`. Prints figures; asserts nothing about time.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { pathToFileURL } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { importUnits, saveUnit, type OrgUnitsDeps } from '../functions/authoring/org-units.ts';
import { cachedCatalog, dynamoCatalogStore } from '../functions/aws/catalog-store.ts';
import { documentClient } from '../functions/aws/dynamodb.ts';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { demoOrganisation } from '../functions/local/demo.ts';
import { createTables, dynamoClient, localTableNames } from '../functions/local/tables.ts';
import type { OrgUnit } from '../functions/domain/org.ts';

const UNITS = Number(process.env.BENCH_ORG_UNITS ?? 10_000);
const MANAGER_LISTS = Number(process.env.BENCH_ORG_MANAGER_LISTS ?? 5_000);
const LOAD_SAMPLES = Number(process.env.BENCH_ORG_LOAD_SAMPLES ?? 10);

/** HQ → 20 regions → 200 areas → stores, names in three languages, a few with commas and quotes to quote. */
function treeCsv(count: number, variant: 'first' | 'changed'): string {
  const rows = ['id,parentId,kind,name_zh,name_en,name_ru', 'hq,,hq,集团总部,Head office,Головной офис'];
  let n = 1;
  for (let r = 0; r < 20 && n < count; r++, n++) rows.push(`r${r},hq,region,第${r}大区,Region ${r},Регион ${r}`);
  for (let a = 0; a < 200 && n < count; a++, n++) rows.push(`a${a},r${a % 20},area,第${a}片区,"Area ${a}, district",Округ ${a}`);
  for (let s = 0; n < count; s++, n++) {
    // The changed file renames every 20th store, moves every 100th to another area, and leaves every 500th out.
    if (variant === 'changed' && s % 500 === 499) continue;
    const area = variant === 'changed' && s % 100 === 7 ? (s + 1) % 200 : s % 200;
    const en = variant === 'changed' && s % 20 === 3 ? `"Store ${s} ""renamed"""` : `Store ${s}`;
    rows.push(`s${s},a${area},store,门店${s}号,${en},Магазин № ${s}`);
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
}

const ms = (t0: number) => Math.round(performance.now() - t0);
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]!);
}

export async function benchOrgImport(): Promise<Record<string, number | string>> {
  const results: Record<string, number | string> = {};
  const step = (line: string) => console.log(`… org: ${line}`);
  const local = await startDynamoDbLocal({ dataDir: null });
  try {
    const names = localTableNames('bench-org');
    await createTables(dynamoClient(local.endpoint), names);
    const doc = documentClient(local.endpoint);
    const store = dynamoCatalogStore(doc, names.catalog);
    await store.putOrganisation(demoOrganisation);
    const deps: OrgUnitsDeps = { catalog: store, hasHistory: async () => false };

    const first = treeCsv(UNITS, 'first');
    results.org_importFileBytes = Buffer.byteLength(first);
    step(`dry run of a ${UNITS}-unit file (${(Buffer.byteLength(first) / 1024).toFixed(0)} KB)`);
    let t0 = performance.now();
    const dry = await importUnits(first, { dryRun: true }, deps);
    results[`org_import${UNITS}_dryRun_ms`] = ms(t0);
    if (dry.kind !== 'imported' || dry.added !== UNITS) throw new Error(`dry run: ${JSON.stringify(dry).slice(0, 300)}`);

    step(`import of ${UNITS} units into an empty tree`);
    t0 = performance.now();
    const real = await importUnits(first, { dryRun: false }, deps);
    results[`org_import${UNITS}_ms`] = ms(t0);
    if (real.kind !== 'imported' || real.added !== UNITS) throw new Error(`import: ${JSON.stringify(real).slice(0, 300)}`);

    step('re-import with renames, moves and archives');
    t0 = performance.now();
    const again = await importUnits(treeCsv(UNITS, 'changed'), { dryRun: false }, deps);
    results[`org_reimport${UNITS}_ms`] = ms(t0);
    if (again.kind !== 'imported') throw new Error(`re-import: ${JSON.stringify(again).slice(0, 300)}`);
    results.org_reimport_diff = `added ${again.added}, renamed ${again.renamed}, moved ${again.moved}, archived ${again.archived}`;

    step(`one unit PUT (a move) in a ${UNITS}-unit tree`);
    const puts: number[] = [];
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      const saved = await saveUnit('s0', { parentId: `a${(i + 1) % 200}`, kind: 'store', name: { zh: '门店0号', en: 'Store 0', ru: 'Магазин № 0' } }, deps);
      puts.push(performance.now() - t0);
      if (saved.kind !== 'saved') throw new Error(`put: ${JSON.stringify(saved).slice(0, 300)}`);
    }
    results[`org_unitPut_in${UNITS}_ms`] = median(puts);

    const tree = await store.unitTree();
    step(`catalog load with ${tree.units.length} units (snapshot)`);
    const loads: number[] = [];
    for (let i = 0; i < LOAD_SAMPLES; i++) {
      t0 = performance.now();
      await store.load();
      loads.push(performance.now() - t0);
    }
    results[`org_catalogLoad_${tree.units.length}units_snapshot_ms`] = median(loads);
    const cached = cachedCatalog(store);
    await cached.load();
    const warm: number[] = [];
    for (let i = 0; i < 50; i++) {
      t0 = performance.now();
      await cached.load();
      warm.push(performance.now() - t0);
    }
    results.org_catalogLoad_warm_stampCheck_ms = Number(median(warm).toFixed(2));
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const held = await store.load();
    global.gc?.();
    results.org_catalogHeap_MB = global.gc ? Number(((process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024).toFixed(1)) : 'run with --expose-gc';
    void held;

    step(`the same tree in the old layout (one item per unit), for comparison`);
    const legacyNames = localTableNames('bench-org-legacy');
    await createTables(dynamoClient(local.endpoint), legacyNames);
    const legacy = dynamoCatalogStore(doc, legacyNames.catalog);
    await legacy.putOrganisation(demoOrganisation);
    await writeItems(doc, legacyNames.catalog, tree.units.map((unit) => ({ pk: 'ORG', sk: `UNIT#${unit.id}`, value: unit })));
    const legacyLoads: number[] = [];
    for (let i = 0; i < LOAD_SAMPLES; i++) {
      t0 = performance.now();
      const loaded = await legacy.load();
      legacyLoads.push(performance.now() - t0);
      if (loaded.units.length !== tree.units.length) throw new Error('legacy load lost units');
    }
    results[`org_catalogLoad_${tree.units.length}units_itemPerUnit_ms`] = median(legacyLoads);

    const lists = tree.units.slice(0, MANAGER_LISTS).map((unit: OrgUnit, i) => ({
      unitId: unit.id,
      managers: [{ name: `Manager ${i}`, email: `m${i}@example.com`, phone: `+86138${String(i).padStart(8, '0')}`, locale: 'zh' as const }],
    }));
    const timeLoads = async (catalog: typeof store) => {
      const samples: number[] = [];
      for (let i = 0; i < LOAD_SAMPLES; i++) {
        t0 = performance.now();
        const loaded = await catalog.load();
        samples.push(performance.now() - t0);
        if (Object.keys(loaded.managers).length !== lists.length) throw new Error('managers lost');
      }
      return median(samples);
    };
    step(`catalog load with ${tree.units.length} units and ${MANAGER_LISTS} manager lists, one item per list (old layout)`);
    await writeItems(doc, legacyNames.catalog, lists.map((l) => ({ pk: 'ORG', sk: `MGR#${l.unitId}`, value: l.managers })));
    results[`org_catalogLoad_${tree.units.length}units_${MANAGER_LISTS}managerLists_itemPerList_ms`] = await timeLoads(legacy);

    step(`saving ${MANAGER_LISTS} manager lists through putManagers (4 writers), then the catalog load`);
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = next++; i < lists.length; i = next++) await store.putManagers(lists[i]!.unitId, lists[i]!.managers);
      }),
    );
    results.org_putManagers_perSecond = Math.round(lists.length / ((performance.now() - t0) / 1000));
    results[`org_catalogLoad_${tree.units.length}units_${MANAGER_LISTS}managerLists_ms`] = await timeLoads(store);
  } finally {
    await local.stop();
  }
  return results;
}

async function writeItems(doc: ReturnType<typeof documentClient>, table: string, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let b = next++; b < batches.length; b = next++) {
        let pending: unknown[] | undefined = batches[b]!.map((Item) => ({ PutRequest: { Item } }));
        while (pending && pending.length) {
          const result: { UnprocessedItems?: Record<string, unknown[]> | undefined } = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
          pending = result.UnprocessedItems?.[table];
        }
      }
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await benchOrgImport();
  console.log('\nOrg tree at scale (DynamoDB Local, this machine)');
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [key, value] of Object.entries(results)) console.log(`  ${key.padEnd(width)}  ${value}`);
  process.exit(0);
}
