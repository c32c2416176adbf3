// Pre-computed aggregates: how one response changes the per-day counters, and how counters become metrics.
// Counters live per survey × org unit (and each unit above it) × local day, for the totals and for each indicator node,
// so a dashboard question is answered by reading a few hundred small items, never by scanning responses.
// Every counter belongs to a generation: the dashboard reads the live one, and a rebuild writes the next one from the
// responses, then makes it live in one step (see functions/rebuild/). Generation 1 keeps the keys counters had before
// generations existed, so existing data needs no migration.
import type { Answers } from './answers.ts';
import type { OrgTree } from './org.ts';
import { addDays, bucketStart, bucketStarts, localDay, type Granularity } from './periods.ts';
import { mean, nps, npsCategory, type NpsCounts } from './scoring.ts';
import { localize, nodeLevels, type Locale, type Survey } from './survey.ts';

/** Survey key under which every survey's totals are also counted, for views across surveys. */
export const ALL_SURVEYS = '*';

export interface CapturedResponse {
  id: string;
  surveyId: string;
  unitId: string;
  submittedAt: string;
  answers: Answers;
}

export type Counters = Record<string, number>;

export interface CounterDelta {
  pk: string;
  sk: string;
  add: Counters;
}

/** The generation every counter belonged to before rebuilds existed, and the live one until the first rebuild. */
export const FIRST_GENERATION = 1;

/** Key prefix of a generation's counters: none for generation 1 (today's keys), `G<n>#` after it. */
const generationPrefix = (generation: number) => (generation === FIRST_GENERATION ? '' : `G${generation}#`);

export const counterKey = {
  partition: (surveyId: string, unitId: string, generation = FIRST_GENERATION) => `${generationPrefix(generation)}S#${surveyId}#U#${unitId}`,
  /** One item per local day holds the day's totals and every indicator node's counters. */
  day: (day: string) => `D#${day}`,
  /** Counter name of one indicator node's measure, kept in the day item beside the totals. */
  node: (nodeId: string, measure: string) => `n:${nodeId}:${measure}`,
  /**
   * Marker proving a response was counted into one generation, so a replayed stream record or a re-scanned page is not
   * counted twice there. The markers of all generations of one response share its partition.
   */
  appliedMarker: (responseId: string, generation = FIRST_GENERATION) => ({
    pk: `R#${responseId}`,
    sk: generation === FIRST_GENERATION ? 'applied' : `applied#G${generation}`,
  }),
};

/**
 * The counter increments one response causes in one generation, in every unit from its own up to the root of the org
 * tree as it is now. `survey` must be the version the response answered: its questions decide the indicator nodes.
 */
export function responseDeltas(response: CapturedResponse, survey: Survey, org: OrgTree, timeZone: string, generation = FIRST_GENERATION): CounterDelta[] {
  const day = counterKey.day(localDay(response.submittedAt, timeZone));
  const total: Counters = { responses: 1 };
  const withNodes: Counters = { responses: 1 };
  let npsCounted = false;

  for (const question of survey.questions) {
    const value = response.answers[question.id];
    if (typeof value !== 'number') continue;
    increment(withNodes, counterKey.node(question.nodeId, 'count'), 1);
    increment(withNodes, counterKey.node(question.nodeId, 'sum'), value);
    if (question.type === 'nps') {
      const category = `${npsCategory(value)}s`;
      increment(withNodes, counterKey.node(question.nodeId, category), 1);
      // The survey's first NPS question is its headline NPS.
      if (!npsCounted) {
        increment(total, category, 1);
        increment(withNodes, category, 1);
      }
      npsCounted = true;
    } else if (question.type === 'csat' || question.type === 'ces') {
      for (const counters of [total, withNodes]) {
        increment(counters, `${question.type}Sum`, value);
        increment(counters, `${question.type}Count`, 1);
      }
    }
  }

  const units = org.lineage(response.unitId).map((u) => u.id);
  if (units.length === 0) units.push(response.unitId);
  return units.flatMap((unitId) => [
    { pk: counterKey.partition(response.surveyId, unitId, generation), sk: day, add: withNodes },
    { pk: counterKey.partition(ALL_SURVEYS, unitId, generation), sk: day, add: total },
  ]);
}

function increment(counters: Counters, name: string, by: number): void {
  counters[name] = (counters[name] ?? 0) + by;
}

/** Sums deltas that hit the same counter item, so a batch writes each hot item once. */
export function foldDeltas(deltas: Iterable<CounterDelta>): CounterDelta[] {
  const folded = new Map<string, CounterDelta>();
  for (const delta of deltas) {
    const key = `${delta.pk}|${delta.sk}`;
    const existing = folded.get(key);
    if (!existing) folded.set(key, { pk: delta.pk, sk: delta.sk, add: { ...delta.add } });
    else for (const [name, by] of Object.entries(delta.add)) increment(existing.add, name, by);
  }
  return [...folded.values()];
}

export interface ScoreSummary extends NpsCounts {
  count: number;
  nps: number | null;
  csat: number | null;
  ces: number | null;
}

export interface Bucket extends ScoreSummary {
  start: string;
}

export interface NodeScore {
  nodeId: string;
  parentId: string | null;
  label: string;
  level: number;
  count: number;
  /** NPS for a node measured by an NPS question, otherwise the mean answer on `scaleMax`. */
  score: number | null;
  metric: 'nps' | 'mean';
  scaleMax: number | null;
}

export interface Metrics {
  buckets: Bucket[];
  total: ScoreSummary;
  nodes: NodeScore[];
}

export interface MetricsQuery {
  from: string;
  to: string;
  granularity: Granularity;
  locale: Locale;
}

/** Turns day counter items (keyed by sort key) into trend buckets, a total and per-node scores. */
export function summarize(items: { sk: string; counters: Counters }[], query: MetricsQuery, survey: Survey | undefined): Metrics {
  const bucketSums = new Map<string, Counters>(bucketStarts(query.from, query.to, query.granularity).map((s) => [s, {}]));
  const totalSums: Counters = {};

  for (const { sk, counters } of items) {
    const day = sk.slice(2);
    if (day < query.from || day > query.to) continue;
    const start = bucketStart(day, query.granularity);
    const bucket = bucketSums.get(start) ?? {};
    bucketSums.set(start, bucket);
    addAll(bucket, counters);
    addAll(totalSums, counters);
  }

  return {
    buckets: [...bucketSums].map(([start, sums]) => ({ start, ...scoreSummary(sums) })),
    total: scoreSummary(totalSums),
    nodes: survey ? nodeScores(survey, totalSums, query.locale) : [],
  };
}

function addAll(into: Counters, from: Counters): void {
  for (const [name, by] of Object.entries(from)) if (typeof by === 'number') increment(into, name, by);
}

function scoreSummary(sums: Counters): ScoreSummary {
  const counts = { promoters: sums.promoters ?? 0, passives: sums.passives ?? 0, detractors: sums.detractors ?? 0 };
  return {
    count: sums.responses ?? 0,
    nps: nps(counts),
    ...counts,
    csat: mean(sums.csatSum ?? 0, sums.csatCount ?? 0),
    ces: mean(sums.cesSum ?? 0, sums.cesCount ?? 0),
  };
}

function nodeScores(survey: Survey, sums: Counters, locale: Locale): NodeScore[] {
  const levels = nodeLevels(survey);
  return survey.indicatorTree.map((node) => {
    const questions = survey.questions.filter((q) => q.nodeId === node.id && q.type !== 'text' && q.type !== 'single' && q.type !== 'multi');
    const isNps = questions.some((q) => q.type === 'nps');
    const first = questions[0];
    const scaleMax = isNps || !first ? null : first.type === 'csat' ? 5 : first.type === 'ces' ? 7 : first.type === 'rating' ? first.scale : null;
    const measure = (name: string) => sums[counterKey.node(node.id, name)] ?? 0;
    const count = measure('count');
    const score = isNps
      ? nps({ promoters: measure('promoters'), passives: measure('passives'), detractors: measure('detractors') })
      : mean(measure('sum'), count);
    return {
      nodeId: node.id,
      parentId: node.parentId,
      label: localize(node.label, locale, survey.defaultLocale),
      level: levels.get(node.id) ?? 1,
      count,
      score,
      metric: isNps ? 'nps' : 'mean',
      scaleMax,
    } satisfies NodeScore;
  });
}

/** Default reporting window: the last `days` local days up to today. */
export function defaultWindow(now: Date, timeZone: string, days = 90): { from: string; to: string } {
  const to = localDay(now, timeZone);
  return { from: addDays(to, -(days - 1)), to };
}
