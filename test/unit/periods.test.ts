import { describe, expect, it } from 'vitest';
import { bucketStart, bucketStarts, isDay, isoWeek, localDay } from '../../functions/domain/periods.ts';

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
