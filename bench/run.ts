// `npm run bench`: figures for the local runtime — capture throughput, submit-to-metrics and submit-to-notification
// latency, tickets per second, respondent page size, keyword matching per response, the org tree and the catalog at
// scale, rebuild throughput, Lambda bundle sizes and the dashboard's two script sizes (boss view, admin console). It prints what it measures and asserts nothing about time.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The bench times every single detractor's notification, so it lifts the paging cap (10 per rule and unit per window).
process.env.ALERT_NOTIFY_CAP ??= '1000';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { functions } from '../functions/topology.ts';
import { projectRoot, startLocalRuntime } from '../functions/local/runtime.ts';
import { benchKeywords } from './keywords.ts';
import { benchCatalogScale } from './catalog-scale.ts';
import { benchOrgImport } from './org-import.ts';
import { benchRebuild } from './rebuild.ts';

const CAPTURE_SECONDS = Number(process.env.BENCH_CAPTURE_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 50);
const DETRACTORS = Number(process.env.BENCH_DETRACTORS ?? 200);

const units = ['sh-bund', 'hz-westlake', 'gz-tianhe', 'sz-bay'];

function answers(i: number) {
  return { nps: i % 11, 'booking-ease': 1 + (i % 7), 'checkin-csat': 1 + (i % 5), 'stay-csat': 1 + ((i + 2) % 5), 'checkout-csat': 1 + ((i + 3) % 5), 'room-clean': 1 + ((i + 1) % 5) };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const step = (line: string) => console.log(`… ${line}`);

/** Polls until `done()` holds; fails after `limitMs` saying what did not happen. */
async function waitUntil(done: () => Promise<boolean>, limitMs: number, what: string, intervalMs = 5): Promise<void> {
  const started = performance.now();
  while (!(await done())) {
    if (performance.now() - started > limitMs) throw new Error(`${what} within ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function main() {
  step('starting the local runtime (in-memory DynamoDB Local, demo catalog, no demo responses)');
  const runtime = await startLocalRuntime({ dataDir: null, port: 0, demo: true, demoResponseCount: 0, adminToken: 'bench-admin-token-0123456789' });
  const headers = { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' };
  const results: Record<string, number | string> = {};
  try {
    // 1. Capture throughput through the HTTP API.
    step(`capture: ${CONCURRENCY} concurrent clients for ${CAPTURE_SECONDS} s`);
    const deadline = Date.now() + CAPTURE_SECONDS * 1000;
    let ok = 0;
    let failed = 0;
    const latencies: number[] = [];
    let sent = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < deadline) {
          const i = sent++;
          const t0 = performance.now();
          const res = await fetch(`${runtime.url}/api/v1/responses`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ surveyId: 'hotel-stay', unitId: units[i % units.length], answers: answers(i) }),
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.status === 201) ok++;
          else failed++;
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    results.captureResponsesPerSecond = Math.round(ok / elapsed);
    results.captureOk = ok;
    results.captureFailed = failed;
    results.captureLatencyP50Ms = Math.round(percentile(latencies, 50));
    results.captureLatencyP99Ms = Math.round(percentile(latencies, 99));

    // 2. Do aggregates keep up? Time from the end of the load until every response is counted.
    const drainStart = performance.now();
    await runtime.idle();
    results.aggregateDrainAfterLoadMs = Math.round(performance.now() - drainStart);
    const check = (await (await fetch(`${runtime.url}/api/v1/metrics?surveyId=hotel-stay`, { headers })).json()) as { total: { count: number } };
    results.countedAfterLoad = check.total.count;
    step(`captured ${ok} responses, ${check.total.count} counted in aggregates`);

    // 3. Submit-to-metrics latency: from POST until the metrics endpoint reports the response.
    step(`submit-to-metrics latency over ${LATENCY_SAMPLES} sequential submissions`);
    const visible: number[] = [];
    let count = check.total.count;
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const t0 = performance.now();
      const res = await fetch(`${runtime.url}/api/v1/responses`, { method: 'POST', headers, body: JSON.stringify({ surveyId: 'hotel-stay', unitId: 'sz-bay', answers: answers(i) }) });
      await res.arrayBuffer();
      await waitUntil(
        async () => {
          const metrics = (await (await fetch(`${runtime.url}/api/v1/metrics?surveyId=hotel-stay`, { headers })).json()) as { total: { count: number } };
          const counted = metrics.total.count > count;
          count = metrics.total.count;
          return counted;
        },
        10_000,
        'a response did not reach the metrics',
      );
      visible.push(performance.now() - t0);
    }
    visible.sort((a, b) => a - b);
    results.submitToMetricsP50Ms = Math.round(percentile(visible, 50));
    results.submitToMetricsP99Ms = Math.round(percentile(visible, 99));

    // 4. The closed loop: from a detractor's submission to the manager notification in the outbox.
    await runtime.idle();
    step(`submit-to-notification latency over ${DETRACTORS} detractor responses`);
    const notified: number[] = [];
    for (let i = 0; i < DETRACTORS; i++) {
      const since = new Date(Date.now() - 1).toISOString();
      const t0 = performance.now();
      const res = await fetch(`${runtime.url}/api/v1/responses`, { method: 'POST', headers, body: JSON.stringify({ surveyId: 'hotel-stay', unitId: units[i % units.length], answers: { nps: i % 7 } }) });
      const { id } = (await res.json()) as { id: string };
      await waitUntil(
        async () => {
          const { entries } = (await (await fetch(`${runtime.url}/api/v1/outbox?since=${since}`, { headers })).json()) as { entries: { key: string }[] };
          return entries.some((e) => e.key === `alert#${id}#detractor`);
        },
        10_000,
        'a detractor was not notified',
      );
      notified.push(performance.now() - t0);
    }
    notified.sort((a, b) => a - b);
    results.submitToNotificationP50Ms = Math.round(percentile(notified, 50));
    results.submitToNotificationP99Ms = Math.round(percentile(notified, 99));

    // 5. Tickets per second: a burst of detractors, until every one of them has its ticket.
    await runtime.idle();
    const ticketsBefore = ((await (await fetch(`${runtime.url}/api/v1/loop-metrics`, { headers })).json()) as { total: number }).total;
    step(`ticket throughput: ${DETRACTORS} detractors from ${CONCURRENCY} clients`);
    const burstStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < DETRACTORS; i = next++) {
          const res = await fetch(`${runtime.url}/api/v1/responses`, { method: 'POST', headers, body: JSON.stringify({ surveyId: 'hotel-stay', unitId: units[i % units.length], answers: { nps: 2 } }) });
          await res.arrayBuffer();
        }
      }),
    );
    await waitUntil(
      async () => ((await (await fetch(`${runtime.url}/api/v1/loop-metrics`, { headers })).json()) as { total: number }).total >= ticketsBefore + DETRACTORS,
      60_000,
      'tickets did not all open',
      20,
    );
    results.ticketsCreatedPerSecond = Math.round(DETRACTORS / ((performance.now() - burstStart) / 1000));

    // 6. Respondent page weight.
    const page = Buffer.from(await (await fetch(`${runtime.url}/s/hotel-stay?unit=sh-bund&lang=zh`)).arrayBuffer());
    results.surveyPageBytes = page.length;
    results.surveyPageGzipBytes = gzipSync(page).length;
  } finally {
    await runtime.stop();
  }

  // 7. Keyword matching per response, in process (no runtime needed).
  Object.assign(results, benchKeywords());

  // 7b. The org tree at scale: a 10,000-unit CSV import and the catalog load with 10,000 units (own DynamoDB Local).
  Object.assign(results, await benchOrgImport());

  // 7c. The catalog at the scale of a large organisation: cold load, freshness check, reloads, memory (own DynamoDB Local).
  Object.assign(results, await benchCatalogScale());

  // 8. Rebuild throughput: every counter recounted from 100,000 responses (its own DynamoDB Local).
  Object.assign(results, await benchRebuild());

  // 9. Lambda bundle sizes, bundled as the CDK stack bundles them.
  const outDir = path.join(os.tmpdir(), `opencem-bench-bundles-${process.pid}`);
  for (const [name, spec] of Object.entries(functions)) {
    step(`bundling ${name}`);
    const outfile = path.join(outDir, `${name}.mjs`);
    await build({
      entryPoints: [path.join(projectRoot, spec.entry)],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      outfile,
      external: ['@aws-sdk/*'],
      banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
      logLevel: 'error',
    });
    results[`bundle_${name}_bytes`] = (await stat(outfile)).size;
  }
  await rm(outDir, { recursive: true, force: true });

  // 10. The dashboard's scripts: what the boss view downloads, and what an admin view adds on top (loaded lazily).
  step('building the dashboard');
  const { buildDashboard } = await import('../web/build.ts');
  const dashboardDir = path.join(os.tmpdir(), `opencem-bench-dashboard-${process.pid}`);
  const { bundles } = await buildDashboard({ outDir: dashboardDir });
  results.dashboard_boss_view_bytes = bundles.boss.bytes;
  results.dashboard_boss_view_gzip_bytes = bundles.boss.gzipBytes;
  results.dashboard_admin_console_bytes = bundles.admin.bytes;
  results.dashboard_admin_console_gzip_bytes = bundles.admin.gzipBytes;
  results.dashboard_admin_to_boss_ratio = (bundles.admin.gzipBytes / bundles.boss.gzipBytes).toFixed(2);
  await rm(dashboardDir, { recursive: true, force: true });

  console.log('\nOpenCEM benchmark (local runtime, this machine)');
  console.log(`${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [key, value] of Object.entries(results)) console.log(`  ${key.padEnd(width)}  ${value}`);
  const resultsDir = path.join(projectRoot, 'bench', '.results');
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, 'latest.json'), `${JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
