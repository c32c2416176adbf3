// The admin API as the dashboard sees it: response shapes and one GET helper that sends the bearer token.
import type { Locale, LocalizedText } from './i18n.ts';
import type { Granularity } from './periods.ts';

export interface Organisation {
  name: LocalizedText;
  timeZone: string;
  defaultLocale: Locale;
}

export interface OrgUnit {
  id: string;
  parentId: string | null;
  kind: string;
  name: LocalizedText;
}

export interface IndicatorNode {
  id: string;
  parentId: string | null;
  label: LocalizedText;
}

export interface SurveyQuestion {
  id: string;
  type: 'nps' | 'csat' | 'ces' | 'rating' | 'single' | 'multi' | 'text';
  nodeId: string;
  label: LocalizedText;
}

export interface Survey {
  id: string;
  title: LocalizedText;
  locales: Locale[];
  defaultLocale: Locale;
  indicatorTree: IndicatorNode[];
  questions: SurveyQuestion[];
}

// Metric shapes come from the domain that computes them (type-only: nothing of the server is bundled).
export type { Bucket, NodeScore, ScoreSummary } from '../../functions/domain/aggregation.ts';
import type { Bucket, NodeScore, ScoreSummary } from '../../functions/domain/aggregation.ts';

export interface Metrics {
  from: string;
  to: string;
  granularity: Granularity;
  buckets: Bucket[];
  total: ScoreSummary;
  nodes: NodeScore[];
}

export interface UnitScore {
  unitId: string;
  count: number;
  nps: number | null;
  csat: number | null;
  ces: number | null;
}

export interface MetricsQuery {
  surveyId?: string;
  unitId?: string;
  from: string;
  to: string;
  granularity?: Granularity;
  locale?: Locale;
}

export interface UnitMetricsQuery {
  surveyId?: string;
  parentId: string;
  from: string;
  to: string;
}

/** A failed call: `status` is the HTTP status, or 0 when the API could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Api {
  orgUnits(): Promise<{ organisation: Organisation; units: OrgUnit[] }>;
  surveys(): Promise<{ surveys: Survey[] }>;
  metrics(query: MetricsQuery): Promise<Metrics>;
  unitMetrics(query: UnitMetricsQuery): Promise<{ units: UnitScore[] }>;
}

const TIMEOUT_MS = 10_000;

export function createApi(baseUrl: string, token: () => string | null): Api {
  const root = baseUrl.replace(/\/+$/, '');

  async function get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
    const query = search.toString();
    const headers: Record<string, string> = { Accept: 'application/json' };
    const bearer = token();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;

    let response: Response;
    try {
      response = await fetch(`${root}${path}${query ? `?${query}` : ''}`, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new ApiError(0, error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(response.status, 'the API answered with something other than JSON');
    }
  }

  return {
    orgUnits: () => get('/api/v1/org/units'),
    surveys: () => get('/api/v1/surveys'),
    metrics: (q) =>
      get('/api/v1/metrics', { surveyId: q.surveyId, unitId: q.unitId, from: q.from, to: q.to, granularity: q.granularity, locale: q.locale }),
    unitMetrics: (q) => get('/api/v1/metrics/units', { surveyId: q.surveyId, parentId: q.parentId, from: q.from, to: q.to }),
  };
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown };
    const detail = body.message ?? body.error;
    if (typeof detail === 'string') return detail;
    if (detail && typeof detail === 'object' && 'message' in detail && typeof detail.message === 'string') return detail.message;
  } catch {
    // not JSON: fall through to the status line
  }
  return `${response.status} ${response.statusText}`.trim();
}

/** Link to the public survey page for a unit, for managers to try the survey themselves. */
export function surveyUrl(baseUrl: string, surveyId: string, unitId: string, locale: Locale): string {
  const root = baseUrl.replace(/\/+$/, '');
  return `${root}/s/${encodeURIComponent(surveyId)}?unit=${encodeURIComponent(unitId)}&lang=${locale}`;
}
