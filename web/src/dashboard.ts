// The live dashboard: loads the organisation and surveys, keeps the filters, polls every few seconds what the current
// view shows (the overview's pre-aggregated metrics, or the ticket board with its loop metrics and the open ticket)
// and hands it to the views; handles sign-in, API outages and empty periods.
import {
  ApiError,
  createApi,
  isSetupRequired,
  surveyUrl,
  type Api,
  type LoopMetrics,
  type Metrics,
  type OrgUnit,
  type Organisation,
  type ScoreSummary,
  type Survey,
  type SurveyQuestion,
  type Ticket,
  type UnitScore,
} from './api.ts';
import type { Session } from './auth.ts';
import { createBoardView, type BoardView } from './board.ts';
import type { DashboardConfig } from './config.ts';
import { byId, setAttr, setText } from './dom.ts';
import { createFilterBar, type FilterBar } from './filters.ts';
import { clockTime, dayLabel } from './format.ts';
import { browserLocale, isLocale, localize, locale, onLocaleChange, setLocale, t, type MessageKey } from './i18n.ts';
import { createIndicatorView } from './indicators.ts';
import { renderKpis } from './kpis.ts';
import { createLoopView, type LoopView } from './loop.ts';
import { previousWindow, resolveWindow, today, windowDays, type Window } from './periods.ts';
import { createRankingView, type RankingRow } from './ranking.ts';
import { draftIds, isPickable, offeredSurveys, setupStage } from './setup.ts';
import { showSetupPanel, type SetupView } from './setup-panel.ts';
import { indicatorReading, npsReading, rankingReading, trendReading } from './readings.ts';
import {
  createFilterStore,
  isView,
  openTicketInAddress,
  savedFilters,
  savedLocale,
  setOpenTicketInAddress,
  type FilterStore,
  type Filters,
} from './state.ts';
import { loadBoard, type BoardPage } from './ticket-model.ts';
import { createTicketPanel, type QuestionInfo, type TicketPanel } from './ticket-panel.ts';
import { createTrendView } from './trend.ts';

const REFRESH_MS = 2500;
/** The previous window's totals change only when the day rolls over or late answers arrive: fetch them less often. */
const PREVIOUS_MAX_AGE_MS = 60_000;

interface OverviewSnapshot {
  view: 'overview';
  filters: Filters;
  window: Window;
  metrics: Metrics;
  previous: ScoreSummary | null;
  unitScores: UnitScore[];
  rankingParentId: string | null;
  /** For the open/overdue badge on the tickets tab; null when the loop metrics cannot be had. */
  loop: LoopMetrics | null;
}

interface TicketsSnapshot {
  view: 'tickets';
  filters: Filters;
  window: Window;
  loop: LoopMetrics | null;
  /** Why there are no loop metrics: the board is still shown. */
  loopError: string | null;
  board: BoardPage;
  /** The ticket open in the details panel, fetched with its history. */
  detail: { id: string; ticket: Ticket } | { id: string; error: unknown } | null;
}

type Snapshot = OverviewSnapshot | TicketsSnapshot;

/** What the poller asks the ticket views while fetching. */
interface TicketHooks {
  boardWanted(): number;
  openTicket(): string | null;
}

export async function startDashboard(config: DashboardConfig, session: Session): Promise<void> {
  const api = createApi(config.apiBaseUrl, () => session.token());
  const signOut = byId<HTMLButtonElement>('sign-out');
  signOut.addEventListener('click', () => {
    session.signOut();
    location.reload();
  });

  if (!session.token()) await session.signIn();
  const loaded = await withRetry(session, () => loadCatalog(api));
  signOut.hidden = false;
  const orgLocale = loaded.organisation && isLocale(loaded.organisation.defaultLocale) ? loaded.organisation.defaultLocale : null;
  setLocale(savedLocale() ?? orgLocale ?? browserLocale() ?? 'en');
  if (loaded.kind === 'setup') {
    showSetup(loaded.setup, loaded.organisation, config);
    return;
  }
  const { organisation, units } = loaded;
  // Drafts have no responses to show; closed surveys keep theirs (marked in the picker).
  const surveys = offeredSurveys(loaded.surveys);

  const org = new OrgIndex(units);
  const todayDay = () => today(organisation.timeZone);
  const store = createFilterStore(initialFilters(savedFilters(), org, surveys));
  const unitName = (id: string) => localize(org.get(id)?.name) || id;
  const questions = questionIndex(surveys);

  const board = createBoardView(store, { unitName, open: (id) => panel.open(id), more: () => poller.refreshNow() });
  const panel = createTicketPanel({
    api,
    unitName,
    surveyTitle: (id) => localize(surveys.find((s) => s.id === id)?.title),
    question: (surveyId, questionId) => questions.get(`${surveyId}|${questionId}`) ?? null,
    changed: (ticket) => {
      board.apply(ticket);
      poller.refreshNow(); // loop metrics and the list follow the change
    },
    opened: (id) => {
      board.select(id);
      setOpenTicketInAddress(id);
    },
    authFailed: (error) => void poller.reauthenticate(error.status === 403 ? 'signin.rejected' : 'signin.expired'),
  });
  const poller = new Poller(api, session, store, org, todayDay, { boardWanted: () => board.wanted(), openTicket: () => panel.openId() });
  // The catalog emptied under a running dashboard (a wiped data dir): say so instead of retrying errors forever.
  poller.onSetupRequired = (error) =>
    void loadCatalog(api).then(
      (again) => showSetup(again.kind === 'setup' ? again.setup : { stage: 'survey', units: org.active().length, drafts: [], apiMessage: error.message }, organisation, config),
      () => showSetup({ stage: 'organisation', units: 0, drafts: [], apiMessage: error.message }, organisation, config),
    );
  const loop = createLoopView(
    { reading: byId('reading-loop'), byUnitCard: byId('byunit-card'), byUnitBody: byId('byunit-body') },
    unitName,
    (unitId) => store.set({ unitId }),
  );
  const views = createViews(config, store, org, surveys, organisation, { board, panel, loop });
  const filterBar: FilterBar = createFilterBar(store, { units, today: todayDay }, surveys);
  bindViewSwitch(store);

  poller.onData = (snapshot) => views.render(snapshot);
  onLocaleChange(() => {
    filterBar.render();
    views.renderStatic();
    if (poller.last) views.render(poller.last);
    poller.refreshNow(); // indicator labels come from the API in the chosen language
  });
  store.subscribe((filters, previous) => {
    filterBar.render();
    views.renderStatic();
    board.renderControls();
    if (filters.unitId !== previous.unitId || filters.tickets !== previous.tickets || filters.overdue !== previous.overdue) board.resetWanted();
    if (filters.view !== 'tickets') panel.close();
    poller.refreshNow();
  });

  views.renderStatic();
  board.renderControls();
  document.body.classList.remove('booting');
  poller.start();
  const linkedTicket = openTicketInAddress();
  if (linkedTicket && store.get().view === 'tickets') panel.open(linkedTicket);
}

type Loaded =
  | { kind: 'ready'; organisation: Organisation; units: OrgUnit[]; surveys: Survey[] }
  | { kind: 'setup'; organisation: Organisation | null; setup: SetupView };

/**
 * The organisation, its units and surveys, or how far their setup has come: the API answers 409 setup_required while
 * the organisation is missing, and a setup in progress has no units or no published survey yet.
 */
async function loadCatalog(api: Api): Promise<Loaded> {
  let apiMessage: string | null = null;
  const setupOr = <T>(fallback: T) => (error: unknown): T => {
    if (!isSetupRequired(error)) throw error;
    apiMessage ??= error.message;
    return fallback;
  };
  const [tree, list] = await Promise.all([api.orgUnits().catch(setupOr(null)), api.surveys().catch(setupOr(null))]);
  // Without the tree the organisation itself may still exist (saved, no units yet): ask for it alone.
  const hasOrganisation =
    tree !== null ||
    (await api.organisation().then(
      () => true,
      (error: unknown) => {
        if (isAuthError(error)) throw error;
        return false;
      },
    ));
  const units = tree?.units ?? [];
  const surveys = list?.surveys ?? [];
  const activeUnits = units.filter((u) => isPickable(u)).length;
  const stage = setupStage({ organisation: hasOrganisation, activeUnits, offeredSurveys: offeredSurveys(surveys).length });
  if (stage === null && tree) return { kind: 'ready', organisation: tree.organisation, units, surveys };
  return {
    kind: 'setup',
    organisation: tree?.organisation ?? null,
    setup: { stage: stage ?? 'survey', units: activeUnits, drafts: draftIds(surveys), apiMessage },
  };
}

/** The "not set up yet" panel instead of the overview or the ticket board, under the organisation's name if it has one. */
function showSetup(view: SetupView, organisation: Organisation | null, config: DashboardConfig): void {
  const name = () => localize(organisation?.name) || 'OpenCEM';
  const title = () => {
    setText(byId('org-name'), name());
    document.title = `${name()} · ${t(`setup.title.${view.stage}`)} · OpenCEM`;
  };
  // Both views show the panel; the tab of the one asked for stays marked (a ticket link lands here too).
  const asked = savedFilters().view ?? 'overview';
  for (const link of byId('view-switch').querySelectorAll<HTMLAnchorElement>('[data-view]')) {
    setAttr(link, 'aria-current', link.dataset.view === asked ? 'page' : null);
  }
  document.body.dataset.view = asked;
  showSetupPanel(view, config.apiBaseUrl);
  title();
  onLocaleChange(title);
  document.body.classList.remove('booting');
}

/** Survey questions by "surveyId|questionId", with the top of their scale, for the scores in a ticket's summary. */
function questionIndex(surveys: readonly Survey[]): Map<string, QuestionInfo> {
  const max = (q: SurveyQuestion): number | null =>
    q.type === 'nps' ? 10 : q.type === 'csat' ? 5 : q.type === 'ces' ? 7 : q.type === 'rating' ? (q.scale ?? null) : null;
  const index = new Map<string, QuestionInfo>();
  for (const survey of surveys) {
    // The indicator a question measures names it shortly, when the question is the only one scored on it.
    const scoredPerNode = new Map<string, number>();
    const surveyQuestions = survey.questions ?? [];
    for (const q of surveyQuestions) if (max(q) !== null) scoredPerNode.set(q.nodeId, (scoredPerNode.get(q.nodeId) ?? 0) + 1);
    for (const [order, q] of surveyQuestions.entries()) {
      const node = scoredPerNode.get(q.nodeId) === 1 ? (survey.indicatorTree ?? []).find((n) => n.id === q.nodeId) : undefined;
      index.set(`${survey.id}|${q.id}`, {
        get label() {
          return localize(node?.label) || localize(q.label);
        },
        get text() {
          return localize(q.label);
        },
        type: q.type,
        max: max(q),
        order,
      });
    }
  }
  return index;
}

/** The header's Overview | Tickets links: kept in the address (?view=), opened in place (a new tab still works). */
function bindViewSwitch(store: FilterStore): void {
  byId('view-switch').addEventListener('click', (event) => {
    const view = (event.target as Element).closest<HTMLElement>('[data-view]')?.dataset.view;
    if (!isView(view) || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    store.set({ view });
  });
}

/** Units by id and by parent, for lineage, children and the ranking. */
class OrgIndex {
  private readonly byId: Map<string, OrgUnit>;
  readonly root: OrgUnit | undefined;

  constructor(readonly units: readonly OrgUnit[]) {
    this.byId = new Map(units.map((u) => [u.id, u]));
    const roots = units.filter((u) => u.parentId === null || !this.byId.has(u.parentId));
    this.root = roots.find((u) => isPickable(u)) ?? roots[0] ?? units[0];
  }

  get(id: string): OrgUnit | undefined {
    return this.byId.get(id);
  }

  /** Units offered for a new selection. */
  active(): OrgUnit[] {
    return this.units.filter((u) => isPickable(u));
  }

  /** Sub-units offered for a new selection, and `selectedId` even when archived (the manager is already on it). */
  children(id: string, selectedId: string | null = null): OrgUnit[] {
    return this.units.filter((u) => u.parentId === id && isPickable(u, selectedId));
  }

  lineage(id: string): OrgUnit[] {
    const chain: OrgUnit[] = [];
    for (let unit = this.byId.get(id); unit && chain.length <= this.units.length; unit = unit.parentId ? this.byId.get(unit.parentId) : undefined) {
      chain.unshift(unit);
    }
    return chain;
  }

  /** Whose children the ranking lists: the unit's own, or its parent's when it is a leaf (then it is ranked among peers). */
  rankingParent(id: string): string | null {
    if (this.children(id).length > 0) return id;
    return this.byId.get(id)?.parentId ?? null;
  }
}

/** Saved filters that still name something: an archived unit is kept (its history stays readable), a draft is not. */
function initialFilters(saved: Partial<Filters>, org: OrgIndex, surveys: readonly Survey[]): Filters {
  const defaultSurvey = surveys.length === 1 ? (surveys[0]?.id ?? '') : '';
  const surveyId = saved.surveyId !== undefined && (saved.surveyId === '' || surveys.some((s) => s.id === saved.surveyId)) ? saved.surveyId : defaultSurvey;
  const unitId = saved.unitId && org.get(saved.unitId) ? saved.unitId : (org.root?.id ?? '');
  return {
    surveyId,
    unitId,
    period: saved.period ?? '30',
    from: saved.from ?? '',
    to: saved.to ?? '',
    granularity: saved.granularity ?? 'day',
    view: saved.view ?? 'overview',
    tickets: saved.tickets ?? 'active',
    overdue: saved.overdue ?? false,
  };
}

/** Runs an API call, signing in again on 401 and waiting out outages, until it succeeds. */
async function withRetry<T>(session: Session, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await call();
      showBanner(null);
      return result;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        session.signOut();
        await session.signIn(error.status === 403 || attempt === 0 ? 'signin.rejected' : 'signin.expired');
        continue;
      }
      showBanner(bannerFor(error));
      await sleep(Math.min(10_000, 1000 * 2 ** Math.min(attempt, 4)));
    }
  }
}

function bannerFor(error: unknown): string {
  if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) return t('status.offline');
  return t('status.error', { message: error instanceof Error ? error.message : String(error) });
}

function showBanner(text: string | null): void {
  const banner = byId('status-banner');
  banner.hidden = text === null;
  setText(banner, text ?? '');
  document.body.toggleAttribute('data-offline', text !== null);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the metrics for the current filters; a change of filters fetches at once and drops answers to older filters. */
class Poller {
  onData: (snapshot: Snapshot) => void = () => {};
  /** The API answered setup_required: polling stops, the setup panel takes over. */
  onSetupRequired: (error: ApiError) => void = () => {};
  last: Snapshot | null = null;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private signingIn = false;
  private stopped = false;
  private previousCache: { key: string; at: number; total: ScoreSummary | null } | null = null;

  constructor(
    private readonly api: Api,
    private readonly session: Session,
    private readonly store: FilterStore,
    private readonly org: OrgIndex,
    private readonly todayDay: () => string,
    private readonly tickets: TicketHooks,
  ) {}

  start(): void {
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) this.refreshNow();
    });
    this.refreshNow();
  }

  refreshNow(): void {
    clearTimeout(this.timer);
    document.body.toggleAttribute('data-loading', true);
    void this.tick();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), REFRESH_MS);
  }

  private async tick(): Promise<void> {
    if (document.hidden || this.signingIn || this.stopped) return; // resumes on visibilitychange / after sign-in
    this.generation++;
    if (this.running) return; // the running fetch sees the newer generation and fetches again
    this.running = true;
    try {
      for (;;) {
        const generation = this.generation;
        let snapshot: Snapshot;
        try {
          snapshot = await this.fetch();
        } catch (error) {
          if (generation !== this.generation) continue;
          throw error;
        }
        if (generation !== this.generation) continue;
        this.last = snapshot;
        showBanner(null);
        document.body.removeAttribute('data-loading');
        this.onData(snapshot);
        this.schedule();
        return;
      }
    } catch (error) {
      if (isAuthError(error)) {
        void this.reauthenticate(error.status === 403 ? 'signin.rejected' : 'signin.expired');
        return;
      }
      if (isSetupRequired(error)) {
        clearTimeout(this.timer);
        this.stopped = true;
        document.body.removeAttribute('data-loading');
        this.onSetupRequired(error);
        return;
      }
      showBanner(bannerFor(error));
      setLiveStatus(false);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.tick(), REFRESH_MS * 2);
    } finally {
      this.running = false;
    }
  }

  /** Shows the sign-in form and resumes polling once signed in again. */
  async reauthenticate(reason: MessageKey): Promise<void> {
    if (this.signingIn) return;
    this.signingIn = true;
    clearTimeout(this.timer);
    this.session.signOut();
    try {
      await this.session.signIn(reason);
    } finally {
      this.signingIn = false;
    }
    this.refreshNow();
  }

  private async fetch(): Promise<Snapshot> {
    const filters = this.store.get();
    const window = resolveWindow(filters.period, filters, this.todayDay());
    return filters.view === 'tickets' ? this.fetchTickets(filters, window) : this.fetchOverview(filters, window);
  }

  private async fetchTickets(filters: Filters, window: Window): Promise<TicketsSnapshot> {
    const openId = this.tickets.openTicket();
    const [loop, board, detail] = await Promise.all([
      this.api.loopMetrics({ unitId: filters.unitId, from: window.from, to: window.to }).then(
        (metrics) => ({ metrics, error: null }),
        (error: unknown) => {
          if (isAuthError(error)) throw error;
          return { metrics: null, error: error instanceof Error ? error.message : String(error) };
        },
      ),
      loadBoard(this.api, { unitId: filters.unitId, filter: filters.tickets, overdueOnly: filters.overdue, wanted: this.tickets.boardWanted() }),
      openId
        ? this.api.ticket(openId).then(
            (ticket) => ({ id: openId, ticket }),
            (error: unknown) => {
              if (isAuthError(error)) throw error;
              return { id: openId, error };
            },
          )
        : null,
    ]);
    return { view: 'tickets', filters, window, loop: loop.metrics, loopError: loop.error, board, detail };
  }

  private async fetchOverview(filters: Filters, window: Window): Promise<OverviewSnapshot> {
    const previous = previousWindow(window);
    const surveyId = filters.surveyId || undefined;
    const rankingParentId = this.org.rankingParent(filters.unitId);
    const previousKey = JSON.stringify([surveyId, filters.unitId, previous]);
    const cached = this.previousCache;
    const previousFresh = cached && cached.key === previousKey && Date.now() - cached.at < PREVIOUS_MAX_AGE_MS;

    const [metrics, unitScores, previousTotal, loop] = await Promise.all([
      this.api.metrics({ surveyId, unitId: filters.unitId, from: window.from, to: window.to, granularity: filters.granularity, locale: locale() }),
      rankingParentId
        ? this.api.unitMetrics({ surveyId, parentId: rankingParentId, from: window.from, to: window.to }).then((r) => r.units)
        : Promise.resolve([]),
      previousFresh
        ? Promise.resolve(cached.total)
        : this.api
            .metrics({ surveyId, unitId: filters.unitId, from: previous.from, to: previous.to, granularity: 'year', locale: locale() })
            .then((m) => (m.total.count > 0 ? m.total : null)),
      // Only for the badge on the tickets tab: the overview does not depend on it.
      this.api.loopMetrics({ unitId: filters.unitId, from: window.from, to: window.to }).catch(() => null),
    ]);
    if (!previousFresh) this.previousCache = { key: previousKey, at: Date.now(), total: previousTotal };
    return { view: 'overview', filters, window, metrics, previous: previousTotal, unitScores, rankingParentId, loop };
  }
}

/** The survey the ranking's "open survey" links lead to: the chosen one, or the first live one; none for a closed one. */
function surveyToLink(surveys: readonly Survey[], surveyId: string): string | null {
  const chosen = surveyId ? surveys.find((s) => s.id === surveyId) : surveys.find((s) => s.status !== 'closed');
  return chosen && chosen.status !== 'closed' ? chosen.id : null;
}

function isAuthError(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

function setLiveStatus(live: boolean): void {
  const status = byId('live-status');
  setAttr(status, 'data-live', String(live));
  setText(byId('live-text'), live ? t('status.liveUpdated') : t('status.offline'));
  const time = byId('live-time');
  time.hidden = !live;
  if (live) {
    const now = new Date();
    setText(time, clockTime(now));
    setAttr(time, 'datetime', now.toISOString());
  }
}

function createViews(
  config: DashboardConfig,
  store: FilterStore,
  org: OrgIndex,
  surveys: readonly Survey[],
  organisation: Organisation,
  ticketViews: { board: BoardView; panel: TicketPanel; loop: LoopView },
) {
  const trend = createTrendView(byId('trend-chart'));
  const indicators = createIndicatorView(byId('indicator-body'), byId('radar-chart'), byId('indicators-card'));
  const ranking = createRankingView(
    { body: byId('ranking-body'), head: byId('ranking-head'), breadcrumb: byId('breadcrumb') },
    (unitId) => store.set({ unitId }),
  );

  function reading(id: string, text: string, chartId?: string): void {
    setText(byId(id), text);
    if (chartId) setAttr(byId(chartId), 'aria-label', text);
  }

  /** The open/overdue count on the tickets tab. */
  function renderBadge(loop: LoopMetrics | null): void {
    const badge = document.querySelector<HTMLElement>('[data-tickets-badge]');
    if (!badge) return;
    badge.hidden = !loop || loop.open === 0;
    setText(badge, loop ? String(loop.open) : '');
    setAttr(badge, 'data-value', loop ? String(loop.open) : '');
    setAttr(badge, 'data-tone', loop && loop.overdue > 0 ? 'poor' : 'none');
    setAttr(badge, 'title', loop ? t('view.ticketsBadge', { open: loop.open, overdue: loop.overdue }) : null);
  }

  function renderTickets(s: TicketsSnapshot): void {
    const now = Date.now();
    const { board, panel, loop } = ticketViews;
    const period = `${dayLabel(s.window.from)} – ${dayLabel(s.window.to)}`;
    setText(byId('period-label'), period);
    setText(byId('loop-period'), period);
    setLiveStatus(true);
    renderBadge(s.loop);
    loop.render(s.loop, s.loopError ?? undefined);
    if (s.detail && 'ticket' in s.detail) board.apply(s.detail.ticket, false);
    board.render(s.board, now);
    if (s.detail && 'ticket' in s.detail) panel.update(s.detail.ticket, now);
    else if (s.detail) panel.loadFailed(s.detail.id, s.detail.error);
    else panel.refresh(now);
  }

  return {
    renderStatic(): void {
      const name = localize(organisation.name) || 'OpenCEM';
      const view = store.get().view;
      setText(byId('org-name'), name);
      document.title = `${name} · ${t(view === 'tickets' ? 'view.tickets' : 'app.title')} · OpenCEM`;
      document.body.dataset.view = view;
      // Once the setup panel has taken over (the catalog emptied), neither view comes back until a reload.
      const setup = document.body.dataset.setup !== undefined;
      byId('dashboard').hidden = setup || view !== 'overview';
      byId('tickets-view').hidden = setup || view !== 'tickets';
      for (const link of byId('view-switch').querySelectorAll<HTMLAnchorElement>('[data-view]')) {
        const target = link.dataset.view ?? 'overview';
        const query = new URLSearchParams(location.search);
        query.set('view', target);
        query.delete('ticket');
        setAttr(link, 'href', `?${query.toString()}`);
        setAttr(link, 'aria-current', target === view ? 'page' : null);
      }
    },

    render(s: Snapshot): void {
      if (s.view !== store.get().view) return; // an answer for the view just left
      if (s.view === 'tickets') {
        renderTickets(s);
        return;
      }
      renderBadge(s.loop);
      const { metrics, filters, window } = s;
      const days = windowDays(window);
      const empty = metrics.total.count === 0;
      document.body.toggleAttribute('data-empty', empty);
      byId('empty-notice').hidden = !empty;
      setText(byId('period-label'), `${dayLabel(window.from)} – ${dayLabel(window.to)}`);
      setLiveStatus(true);

      renderKpis(metrics.total, s.previous, metrics.buckets, days);
      reading('reading-kpi', npsReading(metrics.total, s.previous, days));

      trend.render(metrics.buckets, metrics.granularity ?? filters.granularity);
      reading('reading-trend', trendReading(metrics.buckets, metrics.granularity ?? filters.granularity), 'trend-chart');

      indicators.render(metrics.nodes, filters.surveyId !== '');
      reading('reading-indicators', indicatorReading(metrics.nodes, filters.surveyId !== ''), 'radar-chart');

      const linkSurvey = surveyToLink(surveys, filters.surveyId);
      const rows: RankingRow[] = s.rankingParentId
        ? org.children(s.rankingParentId, filters.unitId).map((unit) => ({ unit, score: s.unitScores.find((u) => u.unitId === unit.id) ?? null }))
        : [];
      const selfId = s.rankingParentId !== filters.unitId ? filters.unitId : null;
      ranking.render({
        rows,
        selfId,
        lineage: org.lineage(filters.unitId),
        // New links lead only to units still in use.
        surveyLink: linkSurvey ? (unitId) => (isPickable(org.get(unitId) ?? { id: unitId }) ? surveyUrl(config.apiBaseUrl, linkSurvey, unitId, locale()) : null) : null,
      });
      const unitName = localize(org.get(filters.unitId)?.name);
      const parentName = s.rankingParentId ? localize(org.get(s.rankingParentId)?.name) : '';
      const title: [MessageKey, Record<string, string>] = !s.rankingParentId
        ? ['ranking.title', {}]
        : selfId
          ? ['ranking.peers', { unit: unitName, parent: parentName }]
          : ['ranking.children', { unit: unitName }];
      setText(byId('ranking-title'), t(...title));
      byId('ranking-card').toggleAttribute('data-no-rows', rows.length === 0);
      reading(
        'reading-ranking',
        rows.length === 0
          ? t('ranking.none')
          : rankingReading(
              rows.map((r) => ({ unitId: r.unit.id, name: localize(r.unit.name), nps: r.score?.nps ?? null })),
              selfId,
            ),
      );
    },
  };
}
