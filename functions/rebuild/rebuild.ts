// Use cases: rebuild every counter from the responses into a new generation, and make it live atomically when done.
//
// Why nothing is lost or counted twice:
// - start() sets pointer.building = n (consistently, in one transaction with the job) BEFORE the first message is
//   sent, so every scan page is read after it.
// - A response written before that moment is seen by the consistent scan of its segment (each page is read after the
//   start, and a consistent read sees every write completed before it).
// - A response written after it reaches the stream consumer, which reads the pointer (consistently) after the record
//   exists, hence after the start: it sees building = n — or live = n if the flip already happened — and counts it
//   into n. A response written in between may be seen by both: the per-generation markers count it once.
// - A flip between the consumer's pointer read and its write is harmless: the write lands in n, which is now live.
// - Each page is applied with markers before its position is saved, so a crash anywhere repeats at most a page, and a
//   repeated page counts nothing twice. Two workers on one segment (a redelivered message next to its continuation)
//   race on the segment's step: the loser stops, so one chain of messages goes on.
// - The last segment to finish flips pointer.live to n and completes the job in one transaction, whose conditions
//   make it happen once.
// Old generations stay in the table (their counters and markers); they are not read once another one is live.
// Deleting them is left to a later clean-up job: nothing depends on them being gone.
import { ulid } from 'ulid';
import { OrgTree } from '../domain/org.ts';
import {
  DEFAULT_REBUILD_SEGMENTS,
  newSegments,
  progressLine,
  rebuildView,
  type RebuildJob,
  type RebuildMessage,
  type RebuildView,
  type SegmentProgress,
} from '../domain/rebuild.ts';
import type { AggregateStore, CatalogStore, Clock, MessageQueue, RebuildStore, ResponseDeltas, ResponseScan } from '../ports.ts';
import { CountedResponse, deltasIn, surveyVersions } from '../aggregate/counting.ts';

/** How much one message does before handing on to its continuation: bounded in pages and in time. */
export interface WorkLimits {
  /** Items per scan page. */
  pageSize: number;
  /**
   * Responses gathered (over pages) before they are counted and the position saved: many responses per day and unit
   * make each transaction carry many markers over few counter items, so fewer transactions count them.
   */
  groupSize: number;
  pagesPerMessage: number;
  /** No new page is started after this long, so a message ends well within the function's timeout. */
  budgetMs: number;
}

export const defaultWorkLimits: WorkLimits = { pageSize: 1000, groupSize: 4000, pagesPerMessage: 40, budgetMs: 20_000 };

export interface RebuildDeps {
  catalog: CatalogStore;
  aggregates: AggregateStore;
  jobs: RebuildStore;
  responses: ResponseScan;
  queue: MessageQueue<RebuildMessage>;
  clock: Clock;
  limits?: Partial<WorkLimits>;
  newId?: () => string;
  /** Progress lines (`rebuild 01J…: 42% (42,000 responses)`) and problems. */
  log?: (line: string) => void;
}

export type StartDeps = Pick<RebuildDeps, 'aggregates' | 'jobs' | 'queue' | 'clock' | 'newId' | 'log'> & { responses: Pick<ResponseScan, 'estimatedCount'> };

export type StartResult = { kind: 'started'; rebuild: RebuildView } | { kind: 'conflict'; runningId: string };

/** Another start won a race for the pointer this many times in a row: give up with a conflict. */
const MAX_START_ATTEMPTS = 3;

export async function startRebuild(request: { segments?: number | undefined }, deps: StartDeps): Promise<StartResult> {
  const segments = request.segments ?? DEFAULT_REBUILD_SEGMENTS;
  const estimatedResponses = await deps.responses.estimatedCount().catch(() => 0);
  for (let attempt = 1; ; attempt++) {
    const generations = await deps.aggregates.generations();
    if (generations.building) return { kind: 'conflict', runningId: generations.building.rebuildId };
    const job: RebuildJob = {
      id: (deps.newId ?? ulid)(),
      generation: generations.lastGeneration + 1,
      segments,
      status: 'running',
      startedAt: deps.clock.now().toISOString(),
      estimatedResponses,
    };
    const progress = newSegments(segments);
    if (!(await deps.jobs.start(job, progress, generations))) {
      if (attempt >= MAX_START_ATTEMPTS) return { kind: 'conflict', runningId: (await deps.aggregates.generations()).building?.rebuildId ?? '' };
      continue;
    }
    try {
      await Promise.all(progress.map((p) => deps.queue.send({ rebuildId: job.id, segment: p.segment })));
    } catch (error) {
      // Without its messages the job would sit "running" and block every other rebuild: end it, and say why.
      await deps.jobs.fail(job, `could not queue its segments: ${String(error)}`, deps.clock.now().toISOString()).catch(() => false);
      throw error;
    }
    deps.log?.(`rebuild ${job.id}: started, generation ${job.generation}, ${segments} segment(s), about ${estimatedResponses.toLocaleString('en-US')} responses`);
    return { kind: 'started', rebuild: rebuildView(job, progress) };
  }
}

export async function readRebuild(id: string, deps: Pick<RebuildDeps, 'jobs'>): Promise<RebuildView | undefined> {
  const found = await deps.jobs.get(id);
  return found && rebuildView(found.job, found.segments);
}

export type ResumeResult = { kind: 'resumed'; rebuild: RebuildView } | { kind: 'not_found' } | { kind: 'not_running'; rebuild: RebuildView };

/**
 * Sends a message for every unfinished segment of a running job again (e.g. after its queue was purged). Harmless when
 * the job is in fact moving: a second chain on a segment loses its first save and stops.
 */
export async function resumeRebuild(id: string, deps: Pick<RebuildDeps, 'jobs' | 'queue'>): Promise<ResumeResult> {
  const found = await deps.jobs.get(id);
  if (!found) return { kind: 'not_found' };
  const rebuild = rebuildView(found.job, found.segments);
  if (found.job.status !== 'running') return { kind: 'not_running', rebuild };
  const unfinished = found.segments.filter((s) => !s.done);
  // All segments done but no flip (a crash right before it): one message is enough to finish the job.
  const toSend = unfinished.length > 0 ? unfinished : found.segments.slice(0, 1);
  await Promise.all(toSend.map((s) => deps.queue.send({ rebuildId: id, segment: s.segment })));
  return { kind: 'resumed', rebuild };
}

export type StepOutcome =
  /** Pages counted and the continuation queued. */
  | 'continued'
  /** The segment is done (and, if it was the last one, the generation is live). */
  | 'segment_done'
  /** Another worker moved this segment on first; this one stopped. */
  | 'overtaken'
  /** The job is unknown, complete or failed: nothing to do. */
  | 'ignored';

/** Carries one segment of a rebuild on from its saved position: a few pages, then its continuation. */
export async function rebuildStep(message: RebuildMessage, deps: RebuildDeps): Promise<StepOutcome> {
  const limits = { ...defaultWorkLimits, ...deps.limits };
  const found = await deps.jobs.get(message.rebuildId);
  if (!found || found.job.status !== 'running') return 'ignored';
  const { job } = found;
  const saved = found.segments.find((s) => s.segment === message.segment);
  if (!saved) return 'ignored';
  if (saved.done) {
    await completeIfDone(job, deps);
    return 'segment_done';
  }

  const catalog = await deps.catalog.load();
  const org = new OrgTree(catalog.units);
  const surveyOf = surveyVersions(catalog, deps.catalog);
  const timeZone = catalog.organisation.timeZone;
  const started = Date.now();
  let progress: SegmentProgress = saved;

  let pages = 0;
  while (!progress.done && pages < limits.pagesPerMessage && Date.now() - started < limits.budgetMs) {
    // Gather a group of pages; the position moves only after the group is counted, so a crash repeats at most a group.
    const batch: ResponseDeltas[] = [];
    let position = progress.position;
    let scanned = 0;
    let done = false;
    while (!done && batch.length < limits.groupSize && pages < limits.pagesPerMessage) {
      const { items, next } = await deps.responses.page({ segment: progress.segment, totalSegments: job.segments, position, limit: limits.pageSize });
      pages += 1;
      scanned += items.length;
      position = next;
      done = next === null;
      for (const item of items) {
        const parsed = CountedResponse.safeParse(item);
        if (!parsed.success) continue;
        const survey = await surveyOf(parsed.data.surveyId, parsed.data.surveyVersion);
        if (survey) batch.push(deltasIn(parsed.data, survey, org, timeZone, job.generation));
      }
    }
    // Counted before the position moves: a crash between the two repeats this group, and its markers skip it.
    if (batch.length > 0) await deps.aggregates.applyOnce(byCounterItems(batch, progress.segment, job.segments), job.generation);
    progress = { ...progress, position, scanned: progress.scanned + scanned, counted: progress.counted + batch.length, done, step: progress.step + 1 };
    if (!(await deps.jobs.saveSegment(job.id, progress))) return 'overtaken';
  }

  if (progress.done) await completeIfDone(job, deps);
  else await deps.queue.send(message);
  await logProgress(job.id, deps);
  return progress.done ? 'segment_done' : 'continued';
}

/**
 * Orders a group so that responses of one day and unit sit together: consecutive responses then share counter items,
 * and each transaction (at most 100 items) carries more responses. Each segment starts at another point of that order,
 * so parallel segments mostly write different days and seldom conflict on the same hot counters (the root's).
 */
function byCounterItems(batch: ResponseDeltas[], segment: number, segments: number): ResponseDeltas[] {
  const key = (r: ResponseDeltas) => `${r.deltas[0]?.sk ?? ''}|${r.deltas[0]?.pk ?? ''}`;
  const sorted = batch.map((r) => ({ key: key(r), r })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((x) => x.r);
  const offset = Math.floor((sorted.length * segment) / segments);
  return [...sorted.slice(offset), ...sorted.slice(0, offset)];
}

/** Flips the generation live once every segment is done; whichever segment finishes last (or both) may call it. */
async function completeIfDone(job: RebuildJob, deps: RebuildDeps): Promise<void> {
  const current = await deps.jobs.get(job.id);
  if (!current || current.job.status !== 'running') return;
  if (current.segments.length !== job.segments || !current.segments.every((s) => s.done)) return;
  if (await deps.jobs.complete(job, deps.clock.now().toISOString())) {
    deps.log?.(`rebuild ${job.id}: complete — generation ${job.generation} is live`);
  }
}

async function logProgress(id: string, deps: RebuildDeps): Promise<void> {
  if (!deps.log) return;
  const view = await readRebuild(id, deps);
  if (view) deps.log(progressLine(view));
}

/** Ends a job that cannot go on (its messages keep failing), so the live generation stays and a new rebuild may start. */
export async function failRebuild(id: string, reason: string, deps: Pick<RebuildDeps, 'jobs' | 'clock' | 'log'>): Promise<boolean> {
  const found = await deps.jobs.get(id);
  if (!found || found.job.status !== 'running') return false;
  const failed = await deps.jobs.fail(found.job, reason, deps.clock.now().toISOString());
  if (failed) deps.log?.(`rebuild ${id}: failed — ${reason}; the dashboard keeps the live generation`);
  return failed;
}
