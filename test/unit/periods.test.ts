import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketCount,
  bucketStart,
  bucketStarts,
  dayNumber,
  FIRST_DAY,
  GRANULARITIES,
  isDay,
  isoWeek,
  isReportingDay,
  LAST_DAY,
  localDay,
  MAX_BUCKETS,
  MAX_SPAN_DAYS,
  MAX_WINDOW_DAYS,
  PeriodRangeError,
  windowProblem,
} from '../../functions/domain/periods.ts';

describe('local days', () => {
  it('puts an instant on the organisation’s calendar day', () => {
    // 16:30 UTC is already the next day in Shanghai (UTC+8)
    expect(localDay('2026-11-22T16:30:00Z', 'Asia/Shanghai')).toBe('2026-11-23');
    expect(localDay('2026-11-22T15:59:59Z', 'Asia/Shanghai')).toBe('2026-11-22');
  });

  it('follows daylight-saving changes (Berlin switches to UTC+2 on 2026-03-29)', () => {
    expect(localDay('2026-03-28T22:59:00Z', 'Europe/Berlin')).toBe('2026-03-28'); // 23:59 CET
    expect(localDay('2026-03-28T23:00:00Z', 'Europe/Berlin')).toBe('2026-03-29'); // 00:00 CET
    expect(localDay('2026-03-29T21:59:00Z', 'Europe/Berlin')).toBe('2026-03-29'); // 23:59 CEST
    expect(localDay('2026-03-29T22:00:00Z', 'Europe/Berlin')).toBe('2026-03-30'); // 00:00 CEST
    // and back to UTC+1 on 2026-10-25: that day lasts 25 hours
    expect(localDay('2026-10-25T22:59:00Z', 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDay('2026-10-25T23:00:00Z', 'Europe/Berlin')).toBe('2026-10-26');
  });
});

describe('buckets', () => {
  it('starts ISO weeks on Monday, across a year boundary', () => {
    expect(bucketStart('2027-01-01', 'week')).toBe('2026-12-28'); // a Friday
    expect(bucketStart('2026-12-28', 'week')).toBe('2026-12-28');
    expect(bucketStart('2027-01-03', 'week')).toBe('2026-12-28'); // Sunday still the same week
    expect(bucketStart('2027-01-04', 'week')).toBe('2027-01-04');
  });

  it('numbers ISO weeks by the year of their Thursday', () => {
    expect(isoWeek('2027-01-01')).toEqual({ year: 2026, week: 53 });
    expect(isoWeek('2026-01-01')).toEqual({ year: 2026, week: 1 });
    expect(isoWeek('2024-12-30')).toEqual({ year: 2025, week: 1 });
  });

  it('groups months into quarters and years', () => {
    expect(bucketStart('2026-03-31', 'quarter')).toBe('2026-01-01');
    expect(bucketStart('2026-04-01', 'quarter')).toBe('2026-04-01');
    expect(bucketStart('2026-12-31', 'quarter')).toBe('2026-10-01');
    expect(bucketStart('2026-02-28', 'month')).toBe('2026-02-01');
    expect(bucketStart('2026-07-14', 'year')).toBe('2026-01-01');
  });

  it('lists every bucket of a window, including empty ones', () => {
    expect(bucketStarts('2026-03-30', '2026-04-02', 'day')).toEqual(['2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02']);
    expect(bucketStarts('2026-02-15', '2026-07-01', 'quarter')).toEqual(['2026-01-01', '2026-04-01', '2026-07-01']);
    expect(bucketStarts('2026-12-30', '2027-01-12', 'week')).toEqual(['2026-12-28', '2027-01-04', '2027-01-11']);
    expect(bucketStarts('2024-02-28', '2024-03-01', 'day')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('recognises real calendar days only', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-13-01')).toBe(false);
    expect(isDay('26-01-01')).toBe(false);
  });
});

describe('bounded periods', () => {
  it('never writes a day past year 9999, where the ISO form would grow a sign and sort wrongly', () => {
    expect(() => addDays('9999-12-31', 1)).toThrow(PeriodRangeError);
    expect(addDays('9999-12-30', 1)).toBe('9999-12-31');
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2000-01-01')).toBeLessThan(dayNumber('2100-12-31'));
  });

  it.each(GRANULARITIES)('stops listing %s buckets at the end of year 9999 instead of looping', (granularity) => {
    // Before the fix the string comparison "+010000-…" <= "9999-12-31" held for ever.
    const starts = bucketStarts('9999-12-25', '9999-12-31', granularity);
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.every((s) => s <= '9999-12-31')).toBe(true);
  });

  it('throws rather than list more than its bound of buckets', () => {
    expect(() => bucketStarts('2000-01-01', '2100-12-31', 'day')).toThrow(PeriodRangeError);
    expect(() => bucketStarts('2026-01-01', '2026-01-10', 'day', 5)).toThrow(PeriodRangeError);
    expect(bucketStarts('2026-01-01', '2026-01-05', 'day', 5)).toHaveLength(5);
  });

  it('counts buckets by arithmetic exactly as bucketStarts lists them', () => {
    const windows: [string, string][] = [
      ['2026-03-30', '2026-04-02'],
      ['2026-02-15', '2026-07-01'],
      ['2026-12-30', '2027-01-12'],
      ['2024-02-28', '2025-03-01'],
      ['2020-01-01', '2020-01-01'],
      ['2019-12-31', '2023-06-15'],
    ];
    for (const [from, to] of windows) {
      for (const granularity of GRANULARITIES) {
        expect(bucketCount(from, to, granularity), `${from}..${to} ${granularity}`).toBe(bucketStarts(from, to, granularity, 10_000).length);
      }
    }
    expect(bucketCount('2026-05-01', '2026-04-01', 'day')).toBe(0);
  });

  it('accepts only days inside the reporting calendar', () => {
    expect(isReportingDay(FIRST_DAY)).toBe(true);
    expect(isReportingDay(LAST_DAY)).toBe(true);
    expect(isReportingDay('1999-12-31')).toBe(false);
    expect(isReportingDay('2101-01-01')).toBe(false);
    expect(isReportingDay('9999-12-31')).toBe(false);
    expect(isReportingDay('+010000-01-01')).toBe(false);
    expect(isReportingDay('0000-00-00')).toBe(false);
  });

  it('refuses reversed, over-long and over-bucketed windows with the limit', () => {
    expect(windowProblem('2026-05-01', '2026-04-01', 'day')).toEqual({ kind: 'reversed' });
    expect(windowProblem('2026-01-01', addDays('2026-01-01', MAX_SPAN_DAYS.day - 1), 'day')).toBeUndefined();
    expect(windowProblem('2026-01-01', addDays('2026-01-01', MAX_SPAN_DAYS.day), 'day')).toEqual({ kind: 'too_long', maxDays: MAX_SPAN_DAYS.day });
    expect(windowProblem('2020-01-01', '2024-12-31', 'week')).toBeUndefined();
    expect(windowProblem('2000-01-01', '2100-12-31', 'year')).toEqual({ kind: 'too_long', maxDays: MAX_WINDOW_DAYS });
    expect(windowProblem('2000-01-01', '2100-12-31', 'total')).toEqual({ kind: 'too_long', maxDays: MAX_WINDOW_DAYS });
    // Every span allowed stays under the bucket cap, so a window that passes can always be listed.
    for (const granularity of GRANULARITIES) {
      const to = addDays('2000-01-01', MAX_SPAN_DAYS[granularity] - 1);
      expect(windowProblem('2000-01-01', to, granularity)).toBeUndefined();
      expect(bucketStarts('2000-01-01', to, granularity).length).toBeLessThanOrEqual(MAX_BUCKETS);
    }
  });
});
