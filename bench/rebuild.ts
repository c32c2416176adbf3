// Rebuild throughput: responses per second recounted into a new counter generation on DynamoDB Local, by the same
// use case the rebuild worker runs (one in-process driver per scan segment stands in for the queue). `npx tsx
// bench/rebuild.ts` alone, or as part of `npm run bench`. Prints figures; asserts nothing about time.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { pathToFileURL } from 'node:url';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoAggregateStore, dynamoRebuildStore } from '../functions/aws/aggregate-store.ts';
import { dynamoCatalogStore } from '../functions/aws/catalog-store.ts';
import { documentClient } from '../functions/aws/dynamodb.ts';
import { dynamoResponseScan } from '../functions/aws/response-scan.ts';
import { ALL_SURVEYS, counterKey } from '../functions/domain/aggregation.ts';
import type { RebuildMessage } from '../functions/domain/rebuild.ts';
import { startDynamoDbLocal } from '../functions/local/dynamodb-local.ts';
import { demoResponses, putDemoCatalog } from '../functions/local/demo.ts';
import { createTables, dynamoClient, localTableNames } from '../functions/local/tables.ts';
import { systemClock, type StoredResponse } from '../functions/ports.ts';
import { readRebuild, rebuildStep, startRebuild, type RebuildDeps } from '../functions/rebuild/rebuild.ts';

const RESPONSES = Number(process.env.BENCH_REBUILD_RESPONSES ?? 100_000);
const SEGMENTS = Number(process.env.BENCH_REBUILD_SEGMENTS ?? 4);
const SEED_CONCURRENCY = 8;

const step = (line: string) => console.log(`… ${line}`);

async function seed(client: DynamoDBDocumentClient, tableName: string, responses: StoredResponse[]): Promise<void> {
  let next = 0;
  let written = 0;
  let reported = 0;
  await Promise.all(
    Array.from({ length: SEED_CONCURRENCY }, async () => {
      for (let start = (next += 25) - 25; start < responses.length; start = (next += 25) - 25) {
        let pending: Record<string, unknown>[] | undefined = responses.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending && pending.length; attempt++) {
          if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
          const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
          pending = result.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
        }
        written += Math.min(25, responses.length - start);
        if (written - reported >= 20_000) {
          reported = written;
          step(`seeded ${written.toLocaleString('en-US')} of ${responses.length.toLocaleString('en-US')} responses`);
        }
      }
    }),
  );
}

export async function benchRebuild(): Promise<Record<string, number | string>> {
  const results: Record<string, number | string> = {};
  step(`rebuild: starting an in-memory DynamoDB Local, seeding ${RESPONSES.toLocaleString('en-US')} responses`);
  const local = await startDynamoDbLocal({ dataDir: null });
  try {
    const names = localTableNames('bench-rebuild');
    await createTables(dynamoClient(local.endpoint), names);
    const client = documentClient(local.endpoint);
    const catalog = dynamoCatalogStore(client, names.catalog);
    await putDemoCatalog(catalog);
    const responses = demoResponses(new Date(), RESPONSES, 90);
    const seedStart = performance.now();
    await seed(client, names.responses, responses);
    results.rebuild_seedResponsesPerSecond = Math.round(RESPONSES / ((performance.now() - seedStart) / 1000));

    // One queue per segment: each driver works its own segment's chain of messages, as parallel workers would.
    const queues = new Map<number, RebuildMessage[]>();
    const deps: RebuildDeps = {
      catalog,
      aggregates: dynamoAggregateStore(client, names.aggregates),
      jobs: dynamoRebuildStore(client, names.aggregates),
      responses: dynamoResponseScan(client, names.responses),
      queue: { send: async (message) => void (queues.get(message.segment) ?? queues.set(message.segment, []).get(message.segment)!).push(message) },
      clock: systemClock,
    };
    // Where the time goes: reading pages, or counting them (the transactions of markers and counters).
    const spent = { scan: 0, count: 0 };
    const timed = <A extends unknown[], R>(bucket: keyof typeof spent, run: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      const t0 = performance.now();
      try {
        return await run(...args);
      } finally {
        spent[bucket] += performance.now() - t0;
      }
    };
    deps.responses = { ...deps.responses, page: timed('scan', deps.responses.page) };
    deps.aggregates = { ...deps.aggregates, applyOnce: timed('count', deps.aggregates.applyOnce) };
    step(`rebuild: ${SEGMENTS} segments`);
    const started = performance.now();
    const job = await startRebuild({ segments: SEGMENTS }, deps);
    if (job.kind !== 'started') throw new Error('the rebuild did not start');
    let messages = 0;
    let shown = '';
    const progress = setInterval(() => {
      void readRebuild(job.rebuild.id, deps).then((view) => {
        const line = view && `rebuild ${view.id}: ${Math.floor(view.progress * 100)}% (${view.scanned.toLocaleString('en-US')} responses)`;
        // Progress only when it moved: a segment saves its position once per group of pages.
        if (line && line !== shown) step((shown = line));
      });
    }, 2000);
    try {
      await Promise.all(
        Array.from({ length: SEGMENTS }, async (_, segment) => {
          for (let message = queues.get(segment)?.shift(); message; message = queues.get(segment)?.shift()) {
            messages += 1;
            await rebuildStep(message, deps);
          }
        }),
      );
    } finally {
      clearInterval(progress);
    }
    const seconds = (performance.now() - started) / 1000;
    const view = await readRebuild(job.rebuild.id, deps);
    if (view?.status !== 'complete') throw new Error(`the rebuild ended ${view?.status ?? 'unknown'}`);
    // The new generation's root total must be every response, once.
    const items = await deps.aggregates.readCounters(counterKey.partition(ALL_SURVEYS, 'hq', view.generation), counterKey.day('2000-01-01'), counterKey.day('2999-12-31'));
    const counted = items.reduce((sum, item) => sum + (item.counters.responses ?? 0), 0);
    if (counted !== RESPONSES) throw new Error(`generation ${view.generation} counts ${counted} responses at the root, not ${RESPONSES}`);
    step(`rebuild ${view.id}: complete, generation ${view.generation} live, ${counted.toLocaleString('en-US')} responses at the root`);

    results.rebuild_responses = RESPONSES;
    results.rebuild_segments = SEGMENTS;
    results.rebuild_seconds = Math.round(seconds * 10) / 10;
    results.rebuild_responsesPerSecond = Math.round(RESPONSES / seconds);
    results.rebuild_messages = messages;
    // Summed over the segments' drivers, so with several segments these may add up to more than rebuild_seconds.
    results.rebuild_scanSeconds = Math.round(spent.scan / 100) / 10;
    results.rebuild_countSeconds = Math.round(spent.count / 100) / 10;
  } finally {
    await local.stop();
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchRebuild()
    .then((results) => {
      const width = Math.max(...Object.keys(results).map((k) => k.length));
      for (const [key, value] of Object.entries(results)) console.log(`  ${key.padEnd(width)}  ${value}`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
