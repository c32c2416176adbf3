// The live dashboard: loads the organisation and surveys, keeps the filters, polls the pre-aggregated metrics every
// few seconds and hands the numbers to each view; handles sign-in, API outages and empty periods.
import { ApiError, createApi, surveyUrl, type Api, type Metrics, type OrgUnit, type Organisation, type ScoreSummary, type Survey, type UnitScore } from './api.ts';
import type { Session } from './auth.ts';
import type { DashboardConfig } from './config.ts';
import { byId, setAttr, setText } from './dom.ts';
import { createFilterBar, type FilterBar } from './filters.ts';
import { clockTime, dayLabel } from './format.ts';
import { browserLocale, isLocale, localize, locale, onLocaleChange, setLocale, t, type MessageKey } from './i18n.ts';
import { createIndicatorView } from './indicators.ts';
import { renderKpis } from './kpis.ts';
import { previousWindow, resolveWindow, today, windowDays, type Window } from './periods.ts';
import { createRankingView, type RankingRow } from './ranking.ts';
import { indicatorReading, npsReading, rankingReading, trendReading } from './readings.ts';
import { createFilterStore, savedFilters, savedLocale, type FilterStore, type Filters } from './state.ts';
import { createTrendView } from './trend.ts';

const REFRESH_MS = 2500;
/** The previous window's totals change only when the day rolls over or late answers arrive: fetch them less often. */
const PREVIOUS_MAX_AGE_MS = 60_000;

interface Snapshot {
  filters: Filters;
  window: Window;
  metrics: Metrics;
  previous: ScoreSummary | null;
  unitScores: UnitScore[];
  rankingParentId: string | null;
}

export async function startDashboard(config: DashboardConfig, session: Session): Promise<void> {
  const api = createApi(config.apiBaseUrl, () => session.token());
  const signOut = byId<HTMLButtonElement>('sign-out');
  signOut.addEventListener('click', () => {
    session.signOut();
    location.reload();
  });

  if (!session.token()) await session.signIn();
  const { organisation, units, surveys } = await withRetry(session, async () => {
    const [org, list] = await Promise.all([api.orgUnits(), api.surveys()]);
    return { organisation: org.organisation, units: org.units, surveys: list.surveys };
  });
  signOut.hidden = false;
  setLocale(savedLocale() ?? (isLocale(organisation.defaultLocale) ? organisation.defaultLocale : null) ?? browserLocale() ?? 'en');

  const org = new OrgIndex(units);
  const todayDay = () => today(organisation.timeZone);
  const store = createFilterStore(initialFilters(savedFilters(), org, surveys));
  const poller = new Poller(api, session, store, org, todayDay);
  const views = createViews(config, store, org, surveys, organisation);
  const filterBar: FilterBar = createFilterBar(store, { units, today: todayDay }, surveys);

  poller.onData = (snapshot) => views.render(snapshot);
  onLocaleChange(() => {
    filterBar.render();
    views.renderStatic();
    if (poller.last) views.render(poller.last);
    poller.refreshNow(); // indicator labels come from the API in the chosen language
  });
  store.subscribe(() => {
    filterBar.render();
    poller.refreshNow();
  });

  views.renderStatic();
  document.body.classList.remove('booting');
  poller.start();
}

/** Units by id and by parent, for lineage, children and the ranking. */
class OrgIndex {
  private readonly byId: Map<string, OrgUnit>;
  readonly root: OrgUnit | undefined;

  constructor(readonly units: readonly OrgUnit[]) {
    this.byId = new Map(units.map((u) => [u.id, u]));
    this.root = units.find((u) => u.parentId === null || !this.byId.has(u.parentId)) ?? units[0];
  }

  get(id: string): OrgUnit | undefined {
    return this.byId.get(id);
  }

  children(id: string): OrgUnit[] {
    return this.units.filter((u) => u.parentId === id);
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
  last: Snapshot | null = null;
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private signingIn = false;
  private previousCache: { key: string; at: number; total: ScoreSummary | null } | null = null;

  constructor(
    private readonly api: Api,
    private readonly session: Session,
    private readonly store: FilterStore,
    private readonly org: OrgIndex,
    private readonly todayDay: () => string,
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
    if (document.hidden || this.signingIn) return; // resumes on visibilitychange / after sign-in
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
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        void this.signInAgain(error.status === 403 ? 'signin.rejected' : 'signin.expired');
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

  private async signInAgain(reason: MessageKey): Promise<void> {
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
    const previous = previousWindow(window);
    const surveyId = filters.surveyId || undefined;
    const rankingParentId = this.org.rankingParent(filters.unitId);
    const previousKey = JSON.stringify([surveyId, filters.unitId, previous]);
    const cached = this.previousCache;
    const previousFresh = cached && cached.key === previousKey && Date.now() - cached.at < PREVIOUS_MAX_AGE_MS;

    const [metrics, unitScores, previousTotal] = await Promise.all([
      this.api.metrics({ surveyId, unitId: filters.unitId, from: window.from, to: window.to, granularity: filters.granularity, locale: locale() }),
      rankingParentId
        ? this.api.unitMetrics({ surveyId, parentId: rankingParentId, from: window.from, to: window.to }).then((r) => r.units)
        : Promise.resolve([]),
      previousFresh
        ? Promise.resolve(cached.total)
        : this.api
            .metrics({ surveyId, unitId: filters.unitId, from: previous.from, to: previous.to, granularity: 'year', locale: locale() })
            .then((m) => (m.total.count > 0 ? m.total : null)),
    ]);
    if (!previousFresh) this.previousCache = { key: previousKey, at: Date.now(), total: previousTotal };
    return { filters, window, metrics, previous: previousTotal, unitScores, rankingParentId };
  }
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

function createViews(config: DashboardConfig, store: FilterStore, org: OrgIndex, surveys: readonly Survey[], organisation: Organisation) {
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

  return {
    renderStatic(): void {
      const name = localize(organisation.name) || 'OpenCEM';
      setText(byId('org-name'), name);
      document.title = `${name} · ${t('app.title')} · OpenCEM`;
    },

    render(s: Snapshot): void {
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

      const linkSurvey = filters.surveyId || surveys[0]?.id || null;
      const rows: RankingRow[] = s.rankingParentId
        ? org.children(s.rankingParentId).map((unit) => ({ unit, score: s.unitScores.find((u) => u.unitId === unit.id) ?? null }))
        : [];
      const selfId = s.rankingParentId !== filters.unitId ? filters.unitId : null;
      ranking.render({
        rows,
        selfId,
        lineage: org.lineage(filters.unitId),
        surveyLink: linkSurvey ? (unitId) => surveyUrl(config.apiBaseUrl, linkSurvey, unitId, locale()) : null,
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
