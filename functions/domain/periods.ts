// Calendar periods in the organisation's time zone: the day a response belongs to and the day/week/month/quarter/year
// buckets a trend is drawn in. Days are plain "YYYY-MM-DD" strings, so bucketing is calendar arithmetic, free of DST.

export const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) on which an instant falls in the given IANA time zone. */
export function localDay(instant: Date | string, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  return formatter.format(date);
}

/** True when the string names a real calendar day in YYYY-MM-DD form. */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = toUtc(value);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function toUtc(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

function fromUtc(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const date = toUtc(day);
  date.setUTCDate(date.getUTCDate() + days);
  return fromUtc(date);
}

/** Whole days from one day to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);
}

/** The first day of the bucket a day belongs to; weeks are ISO weeks (Monday first). */
export function bucketStart(day: string, granularity: Granularity): string {
  const [year, month] = day.split('-') as [string, string, string];
  switch (granularity) {
    case 'day':
      return day;
    case 'week': {
      const weekday = toUtc(day).getUTCDay(); // 0 = Sunday
      return addDays(day, -((weekday + 6) % 7));
    }
    case 'month':
      return `${year}-${month}-01`;
    case 'quarter': {
      const firstMonth = Math.floor((Number(month) - 1) / 3) * 3 + 1;
      return `${year}-${String(firstMonth).padStart(2, '0')}-01`;
    }
    case 'year':
      return `${year}-01-01`;
  }
}

/** Every bucket start from the bucket holding `from` to the one holding `to`, so empty periods still show. */
export function bucketStarts(from: string, to: string, granularity: Granularity): string[] {
  const starts: string[] = [];
  let day = bucketStart(from, granularity);
  while (day <= to) {
    starts.push(day);
    day = nextBucketStart(day, granularity);
  }
  return starts;
}

function nextBucketStart(start: string, granularity: Granularity): string {
  const date = toUtc(start);
  switch (granularity) {
    case 'day':
      return addDays(start, 1);
    case 'week':
      return addDays(start, 7);
    case 'month':
      date.setUTCMonth(date.getUTCMonth() + 1);
      return fromUtc(date);
    case 'quarter':
      date.setUTCMonth(date.getUTCMonth() + 3);
      return fromUtc(date);
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear() + 1);
      return fromUtc(date);
  }
}

/** ISO-8601 week number and week-year of a day (the week-year differs from the calendar year around New Year). */
export function isoWeek(day: string): { year: number; week: number } {
  const date = toUtc(day);
  const weekday = (date.getUTCDay() + 6) % 7;
  date.setUTCDate(date.getUTCDate() - weekday + 3); // Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  return { year, week: 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * 86_400_000)) };
}
