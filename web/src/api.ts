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
  /** Archived units keep their history but are not offered for new selections. */
  archived?: boolean;
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
  /** Points of a `rating` question's scale. */
  scale?: number;
}

export interface Survey {
  id: string;
  title: LocalizedText;
  locales: Locale[];
  defaultLocale: Locale;
  indicatorTree: IndicatorNode[];
  questions: SurveyQuestion[];
  /** Absent from APIs before survey versions (then every listed survey is live). */
  status?: 'draft' | 'live' | 'closed';
  version?: number;
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

// Tickets: the "act" part of the closed loop (alert → ticket → acknowledge → resolve → close, escalating when late).
export const TICKET_STATES = ['open', 'acknowledged', 'in_progress', 'resolved', 'closed'] as const;
export type TicketState = (typeof TICKET_STATES)[number];
export const TICKET_ACTIONS = ['acknowledge', 'start', 'comment', 'resolve', 'close', 'reopen', 'reassign'] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];
export const ROOT_CAUSES = ['staff_behaviour', 'cleanliness', 'facilities', 'process', 'wait_time', 'pricing', 'product', 'other'] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];
export type { Severity } from '../../functions/domain/alert-rules.ts';

// Ticket shapes come from the domain (type-only imports: no server code is bundled); the lists above are checked
// against it so the two cannot drift.
import type { HistoryEntry, Manager, Ticket as StoredTicket, TicketAction as DomainAction, TicketState as DomainState, RootCause as DomainRootCause } from '../../functions/domain/tickets.ts';
import type { LoopMetrics as DomainLoopMetrics } from '../../functions/domain/loop-metrics.ts';
TICKET_STATES satisfies readonly DomainState[];
TICKET_ACTIONS satisfies readonly DomainAction[];
ROOT_CAUSES satisfies readonly DomainRootCause[];

export type Assignee = Manager;
export type TicketHistoryEntry = HistoryEntry;

/** A ticket as the API shows it; `history` only in the answers for one ticket (GET /tickets/:id and actions). */
export type Ticket = Omit<StoredTicket, 'version' | 'history' | 'unitPath' | 'sla' | 'escalations' | 'breached'> & {
  history?: HistoryEntry[];
  allowedActions: string[];
};

export interface TicketQuery {
  state?: TicketState;
  unitId?: string;
  overdue?: boolean;
  cursor?: string;
  limit?: number;
}

export interface TicketActionInput {
  action: TicketAction;
  note?: string;
  rootCause?: RootCause;
  assignee?: string;
}

export type LoopMetrics = DomainLoopMetrics & { from: string; to: string; unitId: string };

export interface ApiIssue {
  /** The field at fault, as the API names it ("rootCause", ["body", "note"], …). */
  path: string | (string | number)[];
  message?: string;
}

/** A failed call: `status` is the HTTP status, or 0 when the API could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The API's error code, e.g. "invalid_transition". */
    readonly code: string | null = null,
    readonly issues: readonly ApiIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Api {
  /** GET /api/v1/organisation: only whether it answers matters here (the admin console reads its settings). */
  organisation(): Promise<unknown>;
  orgUnits(): Promise<{ organisation: Organisation; units: OrgUnit[] }>;
  surveys(): Promise<{ surveys: Survey[] }>;
  metrics(query: MetricsQuery): Promise<Metrics>;
  unitMetrics(query: UnitMetricsQuery): Promise<{ units: UnitScore[] }>;
  tickets(query: TicketQuery): Promise<{ tickets: Ticket[]; nextCursor: string | null }>;
  ticket(id: string): Promise<Ticket>;
  ticketAction(id: string, input: TicketActionInput): Promise<Ticket>;
  loopMetrics(query: { unitId?: string; from: string; to: string }): Promise<LoopMetrics>;
}

const TIMEOUT_MS = 10_000;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Query parameters; empty and undefined values are left out. */
  query?: Record<string, string | undefined>;
  /** Sent as JSON, unless `text` is given. */
  body?: unknown;
  /** A raw body (e.g. a CSV) with its content type. */
  text?: { contentType: string; value: string };
  /** Milliseconds before the call is given up (status 0); default 10 s. */
  timeoutMs?: number;
}

/** One call to the API with the bearer token: the JSON answer, or an ApiError (status 0 when unreachable). */
export type Request = <T>(path: string, options?: RequestOptions) => Promise<T>;

export function createRequest(baseUrl: string, token: () => string | null): Request {
  const root = baseUrl.replace(/\/+$/, '');
  return async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(options.query ?? {})) if (value) search.set(name, value);
    const query = search.toString();
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (options.text) {
      headers['Content-Type'] = options.text.contentType;
      body = options.text.value;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const bearer = token();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;

    let response: Response;
    try {
      response = await fetch(`${root}${path}${query ? `?${query}` : ''}`, {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(0, error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(response.status, 'the API answered with something other than JSON');
    }
  };
}

export function createApi(baseUrl: string, token: () => string | null): Api {
  const request = createRequest(baseUrl, token);
  const call = <T>(path: string, query: Record<string, string | undefined> = {}, body?: unknown): Promise<T> => request<T>(path, { query, body });

  const ticketPath = (id: string) => `/api/v1/tickets/${encodeURIComponent(id)}`;
  return {
    organisation: () => call('/api/v1/organisation'),
    orgUnits: () => call('/api/v1/org/units'),
    surveys: () => call('/api/v1/surveys'),
    metrics: (q) =>
      call('/api/v1/metrics', { surveyId: q.surveyId, unitId: q.unitId, from: q.from, to: q.to, granularity: q.granularity, locale: q.locale }),
    unitMetrics: (q) => call('/api/v1/metrics/units', { surveyId: q.surveyId, parentId: q.parentId, from: q.from, to: q.to }),
    tickets: (q) =>
      call('/api/v1/tickets', {
        state: q.state,
        unitId: q.unitId,
        overdue: q.overdue === undefined ? undefined : String(q.overdue),
        cursor: q.cursor,
        limit: q.limit === undefined ? undefined : String(q.limit),
      }),
    ticket: (id) => call(ticketPath(id)),
    ticketAction: (id, input) => call(`${ticketPath(id)}/actions`, {}, input),
    loopMetrics: (q) => call('/api/v1/loop-metrics', { unitId: q.unitId, from: q.from, to: q.to }),
  };
}

/** The API's error body `{ error: { code, message, issues } }` (or a plain message) as an ApiError. */
async function errorOf(response: Response): Promise<ApiError> {
  const fallback = `${response.status} ${response.statusText}`.trim();
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown };
    const detail = body.message ?? body.error;
    if (typeof detail === 'string') return new ApiError(response.status, detail);
    if (detail && typeof detail === 'object') {
      const { message, code, issues } = detail as { message?: unknown; code?: unknown; issues?: unknown };
      return new ApiError(
        response.status,
        typeof message === 'string' ? message : fallback,
        typeof code === 'string' ? code : null,
        Array.isArray(issues) ? issues.filter((i): i is ApiIssue => Boolean(i) && typeof i === 'object' && 'path' in i) : [],
      );
    }
  } catch {
    // not JSON: fall through to the status line
  }
  return new ApiError(response.status, fallback);
}

/** The API's 409 on an empty catalog: the organisation, its units or a survey is still to be created. */
export function isSetupRequired(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 409 && error.code === 'setup_required';
}

/** Link to the public survey page for a unit, for managers to try the survey themselves. */
export function surveyUrl(baseUrl: string, surveyId: string, unitId: string, locale: Locale): string {
  const root = baseUrl.replace(/\/+$/, '');
  return `${root}/s/${encodeURIComponent(surveyId)}?unit=${encodeURIComponent(unitId)}&lang=${locale}`;
}
