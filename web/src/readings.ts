// One-line plain-language readings of each chart, generated from the same numbers the chart shows.
import type { Bucket, LoopMetrics, NodeScore, ScoreSummary } from './api.ts';
import { formatDuration } from './durations.ts';
import { bucketLabel, num, percent, scoreFraction, scoreText, signed } from './format.ts';
import { t } from './i18n.ts';
import type { Granularity } from './periods.ts';

/** "NPS is 32.5, up 4.1 points on the previous 30 days; detractors are 18% of answers." */
export function npsReading(total: ScoreSummary, previous: ScoreSummary | null, days: number): string {
  if (total.count === 0) return t('read.none');
  if (total.nps === null) return t('read.noNps', { count: total.count });
  let text = t('read.npsIs', { nps: num(total.nps, 1) });
  if (previous?.nps !== null && previous?.nps !== undefined) {
    const delta = Math.round((total.nps - previous.nps) * 10) / 10;
    if (Math.abs(delta) < 0.05) text += t('read.npsSame', { days });
    else text += t(delta > 0 ? 'read.npsUp' : 'read.npsDown', { delta: num(Math.abs(delta), 1), days });
  }
  const answered = total.promoters + total.passives + total.detractors;
  return text + t('read.detractors', { share: percent(total.detractors, answered) });
}

function npsOf(buckets: readonly Bucket[]): number | null {
  let promoters = 0;
  let detractors = 0;
  let answered = 0;
  for (const b of buckets) {
    promoters += b.promoters;
    detractors += b.detractors;
    answered += b.promoters + b.passives + b.detractors;
  }
  return answered > 0 ? Math.round(((promoters - detractors) / answered) * 1000) / 10 : null;
}

/** Compares the first and second half of the period and names the busiest bucket. */
export function trendReading(buckets: readonly Bucket[], granularity: Granularity): string {
  const busiest = buckets.reduce<Bucket | null>((best, b) => (b.count > (best?.count ?? 0) ? b : best), null);
  if (!busiest) return t('read.none');
  const label = bucketLabel(busiest.start, granularity);
  const busiestText = { label: granularity === 'week' ? t('read.weekOf', { date: label }) : label, count: busiest.count };
  const overall = npsOf(buckets);
  if (overall === null) return t('read.trendNoNps', busiestText);

  const half = Math.floor(buckets.length / 2);
  const a = half > 0 ? npsOf(buckets.slice(0, half)) : null;
  const b = half > 0 ? npsOf(buckets.slice(half)) : null;
  let text: string;
  if (a === null || b === null) text = t('read.trendOnly', { b: num(overall, 1) });
  else if (Math.abs(b - a) < 2) text = t('read.trendFlat', { b: num(overall, 1) });
  else text = t(b > a ? 'read.trendRose' : 'read.trendFell', { a: num(a, 1), b: num(b, 1) });
  return text + t('read.trendBusiest', busiestText);
}

/** Names the weakest journey stage, its weakest item, and the strongest stage. */
export function indicatorReading(nodes: readonly NodeScore[], hasSurvey: boolean): string {
  if (!hasSurvey) return t('read.pickSurvey');
  const ranked = (level: number, parentId?: string) =>
    nodes
      .filter((n) => n.level === level && n.score !== null && (parentId === undefined || n.parentId === parentId))
      .map((n) => ({ node: n, fraction: scoreFraction(n.score, n.metric, n.scaleMax) ?? 0 }))
      .sort((x, y) => x.fraction - y.fraction);
  const stages = ranked(2);
  const weak = stages[0]?.node;
  const strong = stages[stages.length - 1]?.node;
  if (!weak || !strong) return t('read.stagesNone');
  const score = (n: NodeScore) => scoreText(n.score, n.metric, n.scaleMax);
  if (stages.length === 1) return t('read.stageOnly', { weak: weak.label, score: score(weak) });

  let text = t('read.stageWeakest', { weak: weak.label, score: score(weak) });
  const item = ranked(3, weak.nodeId)[0]?.node;
  if (item) text += t('read.stageItem', { item: item.label, score: score(item) });
  return text + t('read.stageStrongest', { strong: strong.label, score: score(strong) });
}

export interface RankedUnit {
  unitId: string;
  name: string;
  nps: number | null;
}

/** Leader and laggard among sub-units, or where the selected unit stands among its peers. */
export function rankingReading(units: readonly RankedUnit[], selfId: string | null): string {
  const scored = units.filter((u) => u.nps !== null).sort((x, y) => (y.nps ?? 0) - (x.nps ?? 0));
  if (selfId) {
    const rank = scored.findIndex((u) => u.unitId === selfId);
    const self = scored[rank];
    if (self) return t('read.rankPosition', { unit: self.name, rank: rank + 1, total: scored.length });
  }
  const best = scored[0];
  const worst = scored[scored.length - 1];
  if (!best || !worst) return t('read.rankNone');
  if (scored.length === 1) return t('read.rankSingle', { best: best.name, a: num(best.nps, 1) });
  const gap = (best.nps ?? 0) - (worst.nps ?? 0);
  return t('read.rankLeads', { best: best.name, a: num(best.nps, 1), worst: worst.name, b: num(worst.nps, 1), gap: num(gap, 1) });
}

/** The change of a KPI against the previous window, for the card footers. */
export function kpiChange(current: number | null, previous: number | null, digits: number): { text: string; direction: 'up' | 'down' | 'flat' } | null {
  if (current === null || previous === null) return null;
  const delta = current - previous;
  const direction = Math.abs(delta) < 0.5 * 10 ** -digits ? 'flat' : delta > 0 ? 'up' : 'down';
  return { text: signed(delta, digits), direction };
}

/** "12 tickets open, 3 overdue; half were acknowledged within 18 min and resolved within 5 h. 83% were resolved within the SLA." */
export function loopReading(m: LoopMetrics): string {
  if (m.total === 0 && m.open === 0) return t('read.loopNone');
  let text =
    m.open > 0
      ? t(m.overdue > 0 ? 'read.loopOpen' : 'read.loopOpenOnTime', { open: m.open, overdue: m.overdue })
      : t('read.loopNoneOpen', { total: m.total });
  const ack = m.medianMinutesToAcknowledge;
  const resolve = m.medianMinutesToResolve;
  if (ack !== null && resolve !== null) text += t('read.loopAckResolve', { a: formatDuration(ack), r: formatDuration(resolve) });
  else if (ack !== null) text += t('read.loopAck', { d: formatDuration(ack) });
  else if (resolve !== null) text += t('read.loopResolve', { d: formatDuration(resolve) });
  text += t('read.loopEnd');
  if (m.withinSlaPercent !== null) text += t('read.loopSla', { pct: Math.round(m.withinSlaPercent) });
  return text;
}
