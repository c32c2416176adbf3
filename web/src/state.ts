// What the manager is looking at (view, survey, unit, period, granularity, ticket filter, language), kept in
// localStorage and in the address so a view can be reloaded, bookmarked and shared.
import { isLocale, type Locale } from './i18n.ts';
import { isDay, isGranularity, isPeriod, type Granularity, type Period } from './periods.ts';
import { isBoardFilter, type BoardFilter } from './ticket-model.ts';

export const VIEWS = ['overview', 'tickets'] as const;
export type View = (typeof VIEWS)[number];

export function isView(value: unknown): value is View {
  return typeof value === 'string' && (VIEWS as readonly string[]).includes(value);
}

export interface Filters {
  /** "" means all surveys. */
  surveyId: string;
  unitId: string;
  period: Period;
  /** Only used when `period` is "custom". */
  from: string;
  to: string;
  granularity: Granularity;
  /** Only from the address (?view=), never from storage: a plain link always opens the overview. */
  view: View;
  /** The ticket board's state filter and "overdue only". */
  tickets: BoardFilter;
  overdue: boolean;
}

const FILTERS_KEY = 'opencem.filters';
const LOCALE_KEY = 'opencem.locale';

type Listener = (filters: Filters, previous: Filters) => void;

export interface FilterStore {
  get(): Filters;
  set(patch: Partial<Filters>): void;
  subscribe(listener: Listener): void;
}

export function createFilterStore(initial: Filters): FilterStore {
  let filters = initial;
  const listeners = new Set<Listener>();
  persist(filters);
  return {
    get: () => filters,
    set(patch) {
      const next = { ...filters, ...patch };
      if ((Object.keys(next) as (keyof Filters)[]).every((k) => next[k] === filters[k])) return;
      const previous = filters;
      filters = next;
      persist(filters);
      for (const listener of listeners) listener(filters, previous);
    },
    subscribe: (listener) => void listeners.add(listener),
  };
}

/** Filters saved earlier: the address wins over localStorage; unknown ids are checked later against the org and surveys. */
export function savedFilters(): Partial<Filters> {
  const stored = readJson(FILTERS_KEY);
  const query = new URLSearchParams(location.search);
  const pick = (queryName: string, storedName: keyof Filters): unknown => query.get(queryName) ?? stored[storedName];
  const result: Partial<Filters> = {};
  const surveyId = pick('survey', 'surveyId');
  if (typeof surveyId === 'string') result.surveyId = surveyId;
  const unitId = pick('unit', 'unitId');
  if (typeof unitId === 'string' && unitId) result.unitId = unitId;
  const period = pick('period', 'period');
  if (isPeriod(period)) result.period = period;
  const from = pick('from', 'from');
  const to = pick('to', 'to');
  if (isDay(from)) result.from = from;
  if (isDay(to)) result.to = to;
  const granularity = pick('granularity', 'granularity');
  if (isGranularity(granularity)) result.granularity = granularity;
  const view = query.get('view');
  if (isView(view)) result.view = view;
  // A link to one ticket (?ticket=…, e.g. from an alert notification) opens the ticket board.
  if (query.get('ticket')) result.view = 'tickets';
  const tickets = pick('state', 'tickets');
  if (isBoardFilter(tickets)) result.tickets = tickets;
  const overdue = query.get('overdue') ?? stored.overdue;
  if (overdue === 'true' || overdue === true) result.overdue = true;
  else if (overdue === 'false' || overdue === false) result.overdue = false;
  return result;
}

/** The ticket whose details are open, from the address. */
export function openTicketInAddress(): string | null {
  return new URLSearchParams(location.search).get('ticket') || null;
}

/** Keeps the open ticket in the address, so the page can be reloaded or the link sent to a colleague. */
export function setOpenTicketInAddress(id: string | null): void {
  const query = new URLSearchParams(location.search);
  if (id) query.set('ticket', id);
  else query.delete('ticket');
  history.replaceState(history.state, '', `${location.pathname}?${query.toString()}${location.hash}`);
}

function persist(filters: Filters): void {
  try {
    const { view: _view, ...stored } = filters;
    localStorage.setItem(FILTERS_KEY, JSON.stringify(stored));
  } catch {
    // storage may be unavailable (private mode); the address still carries the view
  }
  const query = new URLSearchParams(location.search);
  query.set('survey', filters.surveyId);
  query.set('unit', filters.unitId);
  query.set('period', filters.period);
  if (filters.period === 'custom') {
    query.set('from', filters.from);
    query.set('to', filters.to);
  } else {
    query.delete('from');
    query.delete('to');
  }
  query.set('granularity', filters.granularity);
  query.set('view', filters.view);
  if (filters.view === 'tickets') {
    query.set('state', filters.tickets);
    query.set('overdue', String(filters.overdue));
  } else {
    query.delete('state');
    query.delete('overdue');
    query.delete('ticket');
  }
  history.replaceState(history.state, '', `${location.pathname}?${query.toString()}${location.hash}`);
}

/** The language chosen before: the address (?lang=), then localStorage. */
export function savedLocale(): Locale | null {
  const fromQuery = new URLSearchParams(location.search).get('lang');
  if (isLocale(fromQuery)) return fromQuery;
  try {
    const stored = localStorage.getItem(LOCALE_KEY);
    return isLocale(stored) ? stored : null;
  } catch {
    return null;
  }
}

export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem(LOCALE_KEY, locale);
  } catch {
    // not remembered then
  }
  const query = new URLSearchParams(location.search);
  if (query.has('lang')) {
    query.set('lang', locale);
    history.replaceState(history.state, '', `${location.pathname}?${query.toString()}${location.hash}`);
  }
}

function readJson(key: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
