// Date ranges on every metrics route: days outside the reporting calendar, reversed and over-long windows all answer
// 400 naming the field, fast, and the server stays healthy (year 9999 once made the bucket loop run for ever).
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, GRANULARITIES, MAX_SPAN_DAYS, MAX_WINDOW_DAYS } from '../../functions/domain/periods.ts';
import { adminHeaders, setupSystem } from '../support/system.ts';

let system: Awaited<ReturnType<typeof setupSystem>>;
beforeAll(async () => {
  system = await setupSystem();
});

const routes = [
  ...GRANULARITIES.map((g) => `/api/v1/metrics?surveyId=hotel-stay&unitId=hq&granularity=${g}`),
  '/api/v1/metrics?unitId=hq',
  '/api/v1/metrics/units?surveyId=hotel-stay&parentId=hq',
  '/api/v1/loop-metrics?unitId=hq',
];

/** [query, the field the 400 must name] */
const ranges: [string, string][] = [
  ['from=2026-01-01&to=9999-12-31', 'query.to'],
  ['to=9999-12-31', 'query.to'],
  ['from=9999-12-25&to=9999-12-31', 'query.from'],
  ['from=9999-12-31', 'query.from'],
  ['from=0000-01-01&to=2026-01-01', 'query.from'],
  ['from=0001-01-01', 'query.from'],
  ['from=1999-12-31&to=2000-01-10', 'query.from'],
  ['from=2026-01-01&to=2101-01-01', 'query.to'],
  ['from=%2B010000-01-01', 'query.from'],
  ['to=%2B010000-01-01', 'query.to'],
  ['from=-000001-01-01', 'query.from'],
  ['from=0000-00-00', 'query.from'],
  ['from=2026-13-01', 'query.from'],
  ['to=2026-02-30', 'query.to'],
  ['from=2026-1-1', 'query.from'],
  ['from=2026-01-01T00:00:00Z', 'query.from'],
  ['from=99999999999999999999', 'query.from'],
  [`from=${'9'.repeat(10_000)}`, 'query.from'],
  ['from=2026-05-01&to=2026-04-01', 'query.from'],
  ['from=2000-01-01&to=2100-12-31', 'query.from'],
  [`from=2020-01-01&to=${addDays('2020-01-01', MAX_WINDOW_DAYS)}`, 'query.from'],
];

/** Resolves with the response, or rejects when the route has not answered within `ms`. */
async function requestWithin(path: string, ms: number): Promise<{ res: Response; elapsed: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${path} did not answer within ${ms} ms`)), ms);
  });
  try {
    const res = await Promise.race([system.app.request(path, { headers: adminHeaders() }), timeout]);
    return { res, elapsed: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe('date ranges on every metrics route', () => {
  const table = routes.flatMap((route) => ranges.map(([query, field]) => ({ route, query, field })));

  it.each(table)('$route & $query → 400 naming $field', async ({ route, query, field }) => {
    const { res, elapsed } = await requestWithin(`${route}&${query}`, 2_000);
    // A synchronous loop cannot be interrupted by the race above, so the elapsed time is checked as well.
    expect(elapsed).toBeLessThan(2_000);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(body.error.issues.map((i) => i.path)).toContain(field);
    expect((await requestWithin('/healthz', 2_000)).res.status).toBe(200);
  });

  it.each(GRANULARITIES)('refuses a %s window one day longer than its span, saying the limit', async (granularity) => {
    const from = '2020-01-01';
    const ok = await requestWithin(`/api/v1/metrics?granularity=${granularity}&from=${from}&to=${addDays(from, MAX_SPAN_DAYS[granularity] - 1)}`, 5_000);
    expect(ok.res.status).toBe(200);
    const tooLong = await requestWithin(`/api/v1/metrics?granularity=${granularity}&from=${from}&to=${addDays(from, MAX_SPAN_DAYS[granularity])}`, 2_000);
    expect(tooLong.res.status).toBe(400);
    const body = (await tooLong.res.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(body.error.issues).toContainEqual({ path: 'query.from', message: expect.stringContaining(String(MAX_SPAN_DAYS[granularity])) });
  });

  it('still answers windows at the edges of the calendar', async () => {
    for (const query of ['from=2000-01-01&to=2000-03-01', 'from=2100-10-01&to=2100-12-31', 'to=2000-01-05']) {
      for (const route of routes) {
        const { res } = await requestWithin(`${route}&${query}`, 5_000);
        expect(res.status, `${route}&${query}`).toBe(200);
      }
    }
  });
});
