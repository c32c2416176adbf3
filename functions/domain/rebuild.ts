// The rebuild job's model: which counter generation is live or being built, a job's segments and how far each got, and
// the progress a reader sees. Pure: the use case (functions/rebuild/) moves it forward through the ports.
import { z } from 'zod';
import { FIRST_GENERATION } from './aggregation.ts';

/** Parallel scan segments of one rebuild: DynamoDB allows up to 1,000 000; a handful saturates a table's throughput. */
export const MAX_REBUILD_SEGMENTS = 16;
export const DEFAULT_REBUILD_SEGMENTS = 4;

export const RebuildRequest = z
  .object({
    segments: z.number().int().min(1).max(MAX_REBUILD_SEGMENTS).optional().describe(`Parallel scan segments (1–${MAX_REBUILD_SEGMENTS}, default ${DEFAULT_REBUILD_SEGMENTS})`),
  })
  .strict();
export type RebuildRequest = z.infer<typeof RebuildRequest>;

/** Rebuild ids are ULIDs: 26 Crockford base-32 characters. */
export const REBUILD_ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const RebuildId = z.string().regex(REBUILD_ID_PATTERN, 'must be a rebuild id (a ULID)');

/** One unit of the worker's work: "carry segment n of rebuild x on from where it was last saved". */
export const RebuildMessage = z.object({ rebuildId: RebuildId, segment: z.number().int().min(0).max(MAX_REBUILD_SEGMENTS - 1) }).strict();
export type RebuildMessage = z.infer<typeof RebuildMessage>;

export type RebuildStatus = 'running' | 'complete' | 'failed';

/**
 * Which generation the dashboard reads and which one a rebuild is writing. `lastGeneration` is the highest number ever
 * handed out, so a failed rebuild's half-written generation is never reused (its markers would hide responses).
 */
export interface CounterGenerations {
  live: number;
  building?: { generation: number; rebuildId: string } | undefined;
  lastGeneration: number;
}

export const initialGenerations: CounterGenerations = { live: FIRST_GENERATION, lastGeneration: FIRST_GENERATION };

/** The generations a response must be counted into now: the live one, and the one being built while a rebuild runs. */
export function countingGenerations(generations: CounterGenerations): number[] {
  const { live, building } = generations;
  return building && building.generation !== live ? [live, building.generation] : [live];
}

/** Where a scan segment stands: the key to continue after (null before the first page), and what it has seen. */
export type ScanPosition = Record<string, string>;

export interface SegmentProgress {
  segment: number;
  position: ScanPosition | null;
  /** Responses in the pages saved so far (each page is saved once, so each response is in here once). */
  scanned: number;
  /** Of those, the ones counted into the new generation (the rest could not be: unknown survey, not a response). */
  counted: number;
  done: boolean;
  /** Raised by every save; a save names the step it started from, so of two workers on one segment only one goes on. */
  step: number;
}

export interface RebuildJob {
  id: string;
  generation: number;
  segments: number;
  status: RebuildStatus;
  startedAt: string;
  finishedAt?: string | undefined;
  /** The table's approximate item count at the start (DynamoDB refreshes it every few hours): progress is an estimate. */
  estimatedResponses: number;
  error?: string | undefined;
}

export function newSegments(count: number): SegmentProgress[] {
  return Array.from({ length: count }, (_, segment) => ({ segment, position: null, scanned: 0, counted: 0, done: false, step: 0 }));
}

export interface RebuildView {
  id: string;
  status: RebuildStatus;
  generation: number;
  segments: number;
  segmentsDone: number;
  scanned: number;
  counted: number;
  /** Responses that could not be counted (unknown survey or version, not a response). */
  skipped: number;
  startedAt: string;
  finishedAt?: string;
  /** 0–1; an estimate until complete (responses scanned over the table's approximate size, capped below 1). */
  progress: number;
  error?: string;
}

export function rebuildView(job: RebuildJob, segments: readonly SegmentProgress[]): RebuildView {
  const scanned = segments.reduce((sum, s) => sum + s.scanned, 0);
  const counted = segments.reduce((sum, s) => sum + s.counted, 0);
  const segmentsDone = segments.filter((s) => s.done).length;
  return {
    id: job.id,
    status: job.status,
    generation: job.generation,
    segments: job.segments,
    segmentsDone,
    scanned,
    counted,
    skipped: scanned - counted,
    startedAt: job.startedAt,
    ...(job.finishedAt ? { finishedAt: job.finishedAt } : {}),
    progress: rebuildProgress(job, scanned, segmentsDone),
    ...(job.error ? { error: job.error } : {}),
  };
}

function rebuildProgress(job: RebuildJob, scanned: number, segmentsDone: number): number {
  if (job.status === 'complete') return 1;
  const bySegments = segmentsDone / job.segments;
  const byCount = job.estimatedResponses > 0 ? scanned / job.estimatedResponses : 0;
  // Responses keep arriving and the estimate is stale, so only completion says 1.
  return Math.round(Math.min(0.99, Math.max(bySegments, byCount)) * 1000) / 1000;
}

/** The console line: `rebuild 01J…: 42% (42,000 responses)`. */
export function progressLine(view: RebuildView): string {
  const percent = Math.floor(view.progress * 100);
  const state = view.status === 'running' ? `${percent}%` : view.status;
  return `rebuild ${view.id}: ${state} (${view.scanned.toLocaleString('en-US')} responses${view.skipped ? `, ${view.skipped.toLocaleString('en-US')} skipped` : ''})`;
}
