// `npx tsx bench/catalog-freshness.ts`: what catalog freshness costs on DynamoDB Local — the version-stamp GetItem
// every warm load() pays, against a full reload of the demo catalog. Prints figures; asserts nothing about time.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { cachedCatalog, dynamoCatalogStore } from '../functions/aws/catalog-store.ts';
import { documentClient } from '../functions/aws/dynamodb.ts';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { demoRules, putDemoCatalog } from '../functions/local/demo.ts';
import { createTables, dynamoClient, localTableNames } from '../functions/local/tables.ts';

const SAMPLES = Number(process.env.BENCH_CATALOG_SAMPLES ?? 500);

function summary(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN).toFixed(2);
  const mean = (sorted.reduce((a, b) => a + b, 0) / sorted.length).toFixed(2);
  return `mean ${mean} ms, p50 ${at(50)} ms, p95 ${at(95)} ms, p99 ${at(99)} ms (n=${sorted.length})`;
}

async function time(samples: number, run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < Math.min(50, samples); i++) await run(); // JIT warm-up on both sides
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function main() {
  const local = await startDynamoDbLocal({ dataDir: null });
  try {
    const names = localTableNames('bench-catalog');
    await createTables(dynamoClient(local.endpoint), names);
    const doc = documentClient(local.endpoint);
    const store = dynamoCatalogStore(doc, names.catalog);
    await putDemoCatalog(store);

    const key = { pk: 'ORG', sk: 'VERSION' };
    // The first block measured pays DynamoDB Local's own warm-up, so the bare baselines go first.
    console.log(`bare GetItem, eventually consistent (baseline): ${summary(await time(SAMPLES, () => doc.send(new GetCommand({ TableName: names.catalog, Key: key }))))}`);
    console.log(`bare GetItem, consistent: ${summary(await time(SAMPLES, () => doc.send(new GetCommand({ TableName: names.catalog, Key: key, ConsistentRead: true }))))}`);
    const cached = cachedCatalog(store);
    await cached.load();
    console.log(`warm load() (one consistent GetItem of the version stamp): ${summary(await time(SAMPLES, () => cached.load()))}`);
    console.log(`full load of the demo catalog (3 consistent queries + 2 stamp reads): ${summary(await time(Math.ceil(SAMPLES / 5), () => store.load()))}`);
    let n = 0;
    const writer = cachedCatalog(store);
    const reader = cachedCatalog(store);
    const afterWrite = await time(Math.ceil(SAMPLES / 5), async () => {
      await writer.putRule({ ...demoRules[1]!, id: `bench-${n++ % 5}` });
      await reader.load();
    });
    console.log(`write a rule, then the other cache's next load() (write + stamp check + full reload): ${summary(afterWrite)}`);
  } finally {
    await local.stop();
  }
}

await main();
