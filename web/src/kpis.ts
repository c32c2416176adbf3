// The KPI cards: NPS (with the promoter/passive/detractor split), CSAT, CES and responses, each with its change against
// the previous window and a sparkline of the period.
import type { Bucket, ScoreSummary } from './api.ts';
import { setAttr, setText } from './dom.ts';
import { count, num, percent, tone } from './format.ts';
import { t } from './i18n.ts';
import { kpiChange } from './readings.ts';

type Kpi = 'nps' | 'csat' | 'ces' | 'count';

interface KpiSpec {
  value: (s: ScoreSummary) => number | null;
  text: (v: number | null) => string;
  digits: number;
  scale: { metric: 'nps' | 'mean'; max: number | null } | null;
  series: (b: Bucket) => number | null;
}

const SPECS: Record<Kpi, KpiSpec> = {
  nps: { value: (s) => s.nps, text: (v) => num(v, 1), digits: 1, scale: { metric: 'nps', max: null }, series: (b) => b.nps },
  csat: { value: (s) => s.csat, text: (v) => num(v, 2), digits: 2, scale: { metric: 'mean', max: 5 }, series: (b) => b.csat },
  ces: { value: (s) => s.ces, text: (v) => num(v, 2), digits: 2, scale: { metric: 'mean', max: 7 }, series: (b) => b.ces },
  count: { value: (s) => s.count, text: (v) => (v === null ? '—' : count(v)), digits: 0, scale: null, series: (b) => b.count },
};

export function renderKpis(total: ScoreSummary, previous: ScoreSummary | null, buckets: readonly Bucket[], days: number): void {
  for (const kpi of Object.keys(SPECS) as Kpi[]) {
    const spec = SPECS[kpi];
    const card = document.querySelector<HTMLElement>(`[data-kpi-card="${kpi}"]`);
    const valueEl = card?.querySelector<HTMLElement>(`[data-kpi="${kpi}"]`);
    if (!card || !valueEl) continue;
    const value = spec.value(total);
    setText(valueEl, spec.text(value));
    setAttr(valueEl, 'data-value', value === null ? '' : String(value));
    setAttr(card, 'data-tone', spec.scale ? tone(value, spec.scale.metric, spec.scale.max) : 'none');

    const deltaEl = card.querySelector<HTMLElement>('[data-delta]');
    if (deltaEl) renderDelta(deltaEl, kpi, value, previous ? spec.value(previous) : null, spec.digits, days);

    const path = card.querySelector<SVGPathElement>('.spark path');
    if (path) setAttr(path, 'd', sparkPath(buckets.map(spec.series)));
  }
  renderSplit(total);
}

function renderDelta(element: HTMLElement, kpi: Kpi, current: number | null, previous: number | null, digits: number, days: number): void {
  if (kpi === 'count') {
    if (current === null || !previous) {
      setText(element, t('kpi.noPrevious', { days }));
      setAttr(element, 'data-direction', 'none');
      return;
    }
    const change = Math.round(((current - previous) / previous) * 100);
    setText(element, t('kpi.deltaCount', { delta: change > 0 ? `+${change}` : change < 0 ? `−${-change}` : '±0', days }));
    setAttr(element, 'data-direction', change > 0 ? 'up' : change < 0 ? 'down' : 'flat');
    return;
  }
  const change = kpiChange(current, previous, digits);
  if (!change) {
    setText(element, t('kpi.noPrevious', { days }));
    setAttr(element, 'data-direction', 'none');
    return;
  }
  setText(element, t(kpi === 'nps' ? 'kpi.deltaPoints' : 'kpi.deltaMean', { delta: change.text, days }));
  // Higher is better for every KPI here: CES is scored so that 7 means "very easy".
  setAttr(element, 'data-direction', change.direction);
}

function renderSplit(total: ScoreSummary): void {
  const answered = total.promoters + total.passives + total.detractors;
  for (const part of ['promoters', 'passives', 'detractors'] as const) {
    const share = percent(total[part], answered);
    const segment = document.querySelector<HTMLElement>(`[data-split="${part}"]`);
    if (segment) {
      segment.style.flexGrow = String(answered ? total[part] : 0);
      setAttr(segment, 'title', `${t(`kpi.${part}`)} ${share}%`);
    }
    const label = document.querySelector<HTMLElement>(`[data-share="${part}"]`);
    if (label) {
      setText(label, answered ? `${share}%` : '—');
      setAttr(label, 'data-value', String(total[part]));
    }
  }
  const bar = document.querySelector<HTMLElement>('[data-split-bar]');
  if (bar) {
    setAttr(bar, 'data-empty', answered ? null : '');
    const shares = (['promoters', 'passives', 'detractors'] as const).map((part) => `${t(`kpi.${part}`)} ${percent(total[part], answered)}%`);
    setAttr(bar, 'aria-label', answered ? shares.join(', ') : t('read.none'));
  }
}

/** An SVG path through the values on a 100 × 30 box; gaps where a bucket has no value. */
export function sparkPath(values: readonly (number | null)[]): string {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return '';
  const min = Math.min(...present);
  const max = Math.max(...present);
  const span = max - min || 1;
  const step = values.length > 1 ? 100 / (values.length - 1) : 0;
  let path = '';
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    const x = values.length > 1 ? i * step : 50;
    const y = 28 - ((v - min) / span) * 26;
    // A zero-length segment after each move draws a lone bucket as a dot (round line caps).
    path += drawing ? `L${x.toFixed(1)} ${y.toFixed(1)}` : `M${x.toFixed(1)} ${y.toFixed(1)}l0 0`;
    drawing = true;
  });
  return path;
}
