// Capture → DynamoDB stream → aggregate → metrics, on DynamoDB Local with the real handler modules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nps, npsCategory } from '../../functions/domain/scoring.ts';
import { adminHeaders, hotelAnswers, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  system = await setupSystem();
});

afterAll(async () => {
  for (const stop of stops) await stop();
});

async function submit(body: Record<string, unknown>) {
  return system.app.request('/api/v1/responses', { method: 'POST', headers: adminHeaders(), body: JSON.stringify(body) });
}

/** Waits until the counted total reaches `expected` (stream records become visible a few ms after the write), then
 * waits for the consumer to go idle again and returns the total, so an extra count would show. */
async function settledCount(expected: number, mapping: { idle(): Promise<void> }): Promise<number> {
  await expect.poll(async () => (await metrics()).total.count, { timeout: 10_000, interval: 50 }).toBeGreaterThanOrEqual(expected);
  await mapping.idle();
  return (await metrics()).total.count;
}

async function metrics(query = '') {
  const res = await system.app.request(`/api/v1/metrics?surveyId=hotel-stay${query}`, { headers: adminHeaders() });
  expect(res.status).toBe(200);
  return (await res.json()) as { total: { count: number; nps: number | null; promoters: number; detractors: number }; nodes: { nodeId: string; count: number }[] };
}

describe('capture → stream → aggregate → metrics', () => {
  it('reports the NPS computed independently from the submitted answers, at every level of the org tree', async () => {
    const { mapping } = await system.startAggregateMapping();
    stops.push(() => mapping.stop());
    const scores = Array.from({ length: 60 }, (_, i) => (i * 7) % 11);
    const units = ['sh-bund', 'hz-westlake', 'gz-tianhe'];
    const created = await Promise.all(scores.map((score, i) => submit({ surveyId: 'hotel-stay', unitId: units[i % 3], answers: hotelAnswers(score) })));
    expect(created.map((r) => r.status)).toEqual(scores.map(() => 201));
    expect(await settledCount(60, mapping)).toBe(60);

    const counts = { promoters: 0, passives: 0, detractors: 0 };
    for (const s of scores) counts[`${npsCategory(s)}s`] += 1;
    const hq = await metrics();
    expect(hq.total.count).toBe(60);
    expect(hq.total.nps).toBe(nps(counts));
    expect(hq.nodes.find((n) => n.nodeId === 'checkin')?.count).toBe(60);

    const eastScores = scores.filter((_, i) => i % 3 !== 2);
    const east = await metrics('&unitId=east');
    const eastCounts = { promoters: 0, passives: 0, detractors: 0 };
    for (const s of eastScores) eastCounts[`${npsCategory(s)}s`] += 1;
    expect(east.total).toMatchObject({ count: 40, nps: nps(eastCounts) });
    const south = await metrics('&unitId=gz-tianhe');
    expect(south.total.count).toBe(20);
    await mapping.stop();
  });

  it('counts nothing twice when the same stream batch is delivered twice', async () => {
    const before = (await metrics()).total.count;
    let deliveries = 0;
    const { mapping } = await system.startAggregateMapping((handler) => async (event) => {
      deliveries += 1;
      await handler(event); // at-least-once: the first delivery succeeds…
      return handler(event); // …and the very same batch arrives again
    }, 'LATEST');
    stops.push(() => mapping.stop());
    const results = await Promise.all([3, 9, 10, 6].map((s) => submit({ surveyId: 'hotel-stay', unitId: 'sz-bay', answers: hotelAnswers(s) })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(await settledCount(before + 4, mapping)).toBe(before + 4);
    expect(deliveries).toBeGreaterThan(0);
    await mapping.stop();
  });

  it('stores exactly one response when 50 submissions race with one personal-link token', async () => {
    const before = await system.count('responses');
    const body = { surveyId: 'hotel-stay', unitId: 'sh-bund', token: 'personal-link-token-race-0001', answers: hotelAnswers(8) };
    const results = await Promise.all(Array.from({ length: 50 }, () => submit(body)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const ids = new Set(await Promise.all(results.map(async (r) => ((await r.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
    expect(await system.count('responses')).toBe(before + 1);
  });

  it('commits the other records when the handler fails one, and retries the failed one until it is counted', async () => {
    const before = (await metrics()).total.count;
    let failedOnce = false;
    const { mapping, failures } = await system.startAggregateMapping((handler) => async (event) => {
      // Fail the first record whose NPS is 0, once, and let the real handler count the rest of the batch.
      const poisonIndex = failedOnce ? -1 : event.Records.findIndex((r) => r.dynamodb?.NewImage?.answers?.M?.nps?.N === '0');
      if (poisonIndex < 0) return handler(event);
      const poison = event.Records[poisonIndex]!;
      failedOnce = true;
      await handler({ Records: event.Records.slice(0, poisonIndex) });
      return { batchItemFailures: [{ itemIdentifier: poison.dynamodb!.SequenceNumber! }] };
    }, 'LATEST');
    stops.push(() => mapping.stop());
    for (const s of [10, 0, 9, 8]) {
      expect((await submit({ surveyId: 'hotel-stay', unitId: 'hz-westlake', answers: hotelAnswers(s) })).status).toBe(201);
    }
    expect(await settledCount(before + 4, mapping)).toBe(before + 4);
    expect(failedOnce).toBe(true);
    expect(failures).toEqual([]);
    await mapping.stop();
  });
});
