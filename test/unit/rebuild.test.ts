import { describe, expect, it } from 'vitest';
import {
  countingGenerations,
  newSegments,
  progressLine,
  RebuildMessage,
  RebuildRequest,
  rebuildView,
  type CounterGenerations,
  type RebuildJob,
  type SegmentProgress,
} from '../../functions/domain/rebuild.ts';

const job: RebuildJob = { id: '01JD5X8W6T1ZQ3M4N5P6R7S8T9', generation: 3, segments: 4, status: 'running', startedAt: '2026-11-23T08:00:00.000Z', estimatedResponses: 100_000 };

function segments(...parts: Partial<SegmentProgress>[]): SegmentProgress[] {
  return newSegments(4).map((s, i) => ({ ...s, ...parts[i] }));
}

describe('rebuild model', () => {
  it.each<[string, CounterGenerations, number[]]>([
    ['no rebuild: the live generation only', { live: 1, lastGeneration: 1 }, [1]],
    ['a rebuild running: live and building', { live: 2, lastGeneration: 3, building: { generation: 3, rebuildId: 'x' } }, [2, 3]],
    ['a pointer naming the live one as building counts it once', { live: 3, lastGeneration: 3, building: { generation: 3, rebuildId: 'x' } }, [3]],
    ['after a failed rebuild: the live one only', { live: 2, lastGeneration: 4 }, [2]],
  ])('counts into: %s', (_, generations, expected) => {
    expect(countingGenerations(generations)).toEqual(expected);
  });

  it.each<[string, RebuildJob, SegmentProgress[], number]>([
    ['nothing scanned yet', job, segments(), 0],
    ['by responses scanned over the estimate', job, segments({ scanned: 21_000 }, { scanned: 21_000 }), 0.42],
    ['by segments done when the estimate is low', job, segments({ scanned: 10, done: true }, { scanned: 10, done: true }), 0.5],
    ['never 1 while running, even past the estimate', job, segments({ scanned: 200_000 }), 0.99],
    ['no estimate: by segments', { ...job, estimatedResponses: 0 }, segments({ done: true }), 0.25],
    ['1 once complete', { ...job, status: 'complete', finishedAt: '2026-11-23T08:05:00.000Z' }, segments({ done: true }, { done: true }, { done: true }, { done: true }), 1],
  ])('progress: %s', (_, j, s, progress) => {
    expect(rebuildView(j, s).progress).toBe(progress);
  });

  it('sums the segments, and says what could not be counted', () => {
    const view = rebuildView(job, segments({ scanned: 30, counted: 28, done: true }, { scanned: 12, counted: 12 }));
    expect(view).toEqual({
      id: job.id,
      status: 'running',
      generation: 3,
      segments: 4,
      segmentsDone: 1,
      scanned: 42,
      counted: 40,
      skipped: 2,
      startedAt: job.startedAt,
      progress: 0.25,
    });
    expect(progressLine(rebuildView(job, segments({ scanned: 21_000, counted: 21_000 }, { scanned: 21_000, counted: 21_000 })))).toBe(
      'rebuild 01JD5X8W6T1ZQ3M4N5P6R7S8T9: 42% (42,000 responses)',
    );
    expect(progressLine(view)).toBe('rebuild 01JD5X8W6T1ZQ3M4N5P6R7S8T9: 25% (42 responses, 2 skipped)');
  });

  it.each([
    [{}, true],
    [{ segments: 1 }, true],
    [{ segments: 16 }, true],
    [{ segments: 0 }, false],
    [{ segments: 17 }, false],
    [{ segments: 2.5 }, false],
    [{ segments: '4' }, false],
    [{ segmentz: 4 }, false],
  ])('request %j valid: %s', (body, valid) => {
    expect(RebuildRequest.safeParse(body).success).toBe(valid);
  });

  it.each([
    [{ rebuildId: job.id, segment: 0 }, true],
    [{ rebuildId: job.id, segment: 15 }, true],
    [{ rebuildId: job.id, segment: 16 }, false],
    [{ rebuildId: job.id.toLowerCase(), segment: 0 }, false],
    [{ rebuildId: `${job.id}X`, segment: 0 }, false],
    [{ rebuildId: job.id, segment: 0, extra: 1 }, false],
  ])('message %j valid: %s', (message, valid) => {
    expect(RebuildMessage.safeParse(message).success).toBe(valid);
  });
});
