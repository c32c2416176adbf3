// Use case: dashboard metrics from the pre-computed day counters (never from the responses themselves), read from the
// live counter generation, so a rebuild switches every figure at once when it completes and none before.
import { ALL_SURVEYS, counterKey, defaultWindow, summarize, type Metrics } from '../domain/aggregation.ts';
import type { FieldIssue } from '../domain/answers.ts';
import { OrgTree } from '../domain/org.ts';
import { addDays, notBeforeFirstDay, windowProblem, type Granularity, type WindowProblem } from '../domain/periods.ts';
import type { Locale } from '../domain/survey.ts';
import { rootUnitOrSetup, type AggregateStore, type CatalogStore, type Clock } from '../ports.ts';


export interface MetricsRequest {
  surveyId?: string | undefined;
  unitId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  granularity: Granularity;
  locale?: Locale | undefined;
}

export interface MetricsDeps {
  catalog: CatalogStore;
  aggregates: AggregateStore;
  clock: Clock;
}

export type MetricsResult =
  | { kind: 'ok'; metrics: Metrics & { from: string; to: string; granularity: Granularity; surveyId: string | null; unitId: string } }
  | { kind: 'invalid'; issues: FieldIssue[] };

interface Scope {
  surveyId: string | null;
  unitId: string;
  from: string;
  to: string;
  org: OrgTree;
  /** The live counter generation, read once per request so every item of one answer comes from the same one. */
  generation: number;
}

async function resolveScope(request: Omit<MetricsRequest, 'granularity'> & { granularity: Granularity | 'total' }, deps: MetricsDeps) {
  const [catalog, generations] = await Promise.all([deps.catalog.load(), deps.aggregates.generations()]);
  const org = new OrgTree(catalog.units);
  const issues: FieldIssue[] = [];
  const survey = request.surveyId ? catalog.surveys.find((s) => s.id === request.surveyId) : undefined;
  if (request.surveyId && !survey) issues.push({ path: 'query.surveyId', message: `unknown survey "${request.surveyId}"` });
  const unitId = request.unitId ?? rootUnitOrSetup(org).id;
  if (!org.get(unitId)) issues.push({ path: 'query.unitId', message: `unknown org unit "${request.unitId ?? ''}"` });
  const window = defaultWindow(deps.clock.now(), catalog.organisation.timeZone);
  const to = request.to ?? window.to;
  const from = request.from ?? notBeforeFirstDay(request.to ? addDays(to, -89) : window.from);
  const problem = windowProblem(from, to, request.granularity);
  if (problem) issues.push(windowIssue(problem, to, request.granularity));
  const scope: Scope = { surveyId: survey?.id ?? null, unitId, from, to, org, generation: generations.live };
  return { catalog, survey, scope, issues };
}

/** The field issue for a window that cannot be read; shared by every route that takes from/to. */
export function windowIssue(problem: WindowProblem, to: string, granularity: Granularity | 'total'): FieldIssue {
  switch (problem.kind) {
    case 'reversed':
      return { path: 'query.from', message: `must not be after "to" (${to})` };
    case 'too_long':
      return {
        path: 'query.from',
        message: granularity === 'total' ? `the window may span at most ${problem.maxDays} days` : `the window may span at most ${problem.maxDays} days at granularity "${granularity}"`,
      };
    case 'too_many_buckets':
      return { path: 'query.granularity', message: `the window would have more than ${problem.maxBuckets} buckets; choose a coarser granularity` };
  }
}

function readDays(aggregates: AggregateStore, scope: Scope, unitId: string) {
  return aggregates.readCounters(
    counterKey.partition(scope.surveyId ?? ALL_SURVEYS, unitId, scope.generation),
    counterKey.day(scope.from),
    counterKey.day(scope.to),
  );
}

export async function readMetrics(request: MetricsRequest, deps: MetricsDeps): Promise<MetricsResult> {
  const { catalog, survey, scope, issues } = await resolveScope(request, deps);
  if (issues.length) return { kind: 'invalid', issues };
  const items = await readDays(deps.aggregates, scope, scope.unitId);
  const locale = request.locale ?? catalog.organisation.defaultLocale;
  const metrics = summarize(items, { from: scope.from, to: scope.to, granularity: request.granularity, locale }, survey);
  return { kind: 'ok', metrics: { ...metrics, from: scope.from, to: scope.to, granularity: request.granularity, surveyId: scope.surveyId, unitId: scope.unitId } };
}

export interface UnitMetrics {
  unitId: string;
  count: number;
  nps: number | null;
  csat: number | null;
  ces: number | null;
}

/** Totals for each child of a unit over one window, for ranking and drilling down (regions → stores). */
export async function readUnitMetrics(
  request: Omit<MetricsRequest, 'granularity' | 'unitId'> & { parentId?: string | undefined },
  deps: MetricsDeps,
): Promise<{ kind: 'ok'; parentId: string; from: string; to: string; units: UnitMetrics[] } | { kind: 'invalid'; issues: FieldIssue[] }> {
  const { scope, issues } = await resolveScope({ ...request, unitId: request.parentId, granularity: 'total' }, deps);
  if (issues.length) return { kind: 'invalid', issues: issues.map((i) => (i.path === 'query.unitId' ? { ...i, path: 'query.parentId' } : i)) };
  const children = scope.org.children(scope.unitId);
  const units = await Promise.all(
    children.map(async (child) => {
      const items = await readDays(deps.aggregates, scope, child.id);
      const { total } = summarize(items, { from: scope.from, to: scope.to, granularity: 'year', locale: 'en' }, undefined);
      return { unitId: child.id, count: total.count, nps: total.nps, csat: total.csat, ces: total.ces };
    }),
  );
  return { kind: 'ok', parentId: scope.unitId, from: scope.from, to: scope.to, units };
}
