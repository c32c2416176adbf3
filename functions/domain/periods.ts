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

/**
 * The calendar window the system reports on. Days outside it are refused at the edge: they are typos or probes, and
 * past year 9999 the ISO form of a date changes ("+010000-01-01"), which would break string ordering.
 */
export const FIRST_DAY = '2000-01-01';
export const LAST_DAY = '2100-12-31';

/** Longest window any read may cover, in days (ten years): a totals read never sums more day counters than this. */
export const MAX_WINDOW_DAYS = 10 * 366;

/** Longest window per granularity, in days, so a trend stays drawable: two years of days, five of weeks, ten of the rest. */
export const MAX_SPAN_DAYS: Readonly<Record<Granularity, number>> = {
  day: 2 * 366,
  week: 5 * 366,
  month: MAX_WINDOW_DAYS,
  quarter: MAX_WINDOW_DAYS,
  year: MAX_WINDOW_DAYS,
};

/** Most buckets one trend may have; the spans above stay well below it, and `bucketStarts` never goes past it. */
export const MAX_BUCKETS = 800;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const MS_PER_DAY = 86_400_000;

/** True when the string names a real calendar day in YYYY-MM-DD form. */
export function isDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const date = toUtc(value);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The day itself, or FIRST_DAY when it lies before it: where a default window that would start earlier starts. */
export function notBeforeFirstDay(day: string): string {
  return day < FIRST_DAY ? FIRST_DAY : day;
}

/** True when the string is a calendar day inside the reporting window (FIRST_DAY..LAST_DAY). */
export function isReportingDay(value: string): boolean {
  return isDay(value) && value >= FIRST_DAY && value <= LAST_DAY;
}

/** A window that cannot be read, with the reason; the API names the field. */
export type WindowProblem =
  | { kind: 'reversed' }
  | { kind: 'too_long'; maxDays: number }
  | { kind: 'too_many_buckets'; maxBuckets: number };

/** Why a window (both ends reporting days) cannot be read at this granularity, or undefined when it can. */
export function windowProblem(from: string, to: string, granularity: Granularity | 'total'): WindowProblem | undefined {
  if (dayNumber(from) > dayNumber(to)) return { kind: 'reversed' };
  const maxDays = granularity === 'total' ? MAX_WINDOW_DAYS : MAX_SPAN_DAYS[granularity];
  if (daysBetween(from, to) + 1 > maxDays) return { kind: 'too_long', maxDays };
  if (granularity !== 'total' && bucketCount(from, to, granularity) > MAX_BUCKETS) return { kind: 'too_many_buckets', maxBuckets: MAX_BUCKETS };
  return undefined;
}

/** Thrown when a loop over periods would exceed its bound: a caller skipped `windowProblem`, a bug, not bad input. */
export class PeriodRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodRangeError';
  }
}

function toUtc(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** The YYYY-MM-DD of a UTC midnight; years beyond four digits have no such form, so they are refused, never mangled. */
function fromUtc(date: Date): string {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new PeriodRangeError(`year ${year} is outside the calendar`);
  return date.toISOString().slice(0, 10);
}

/** Days since 1970-01-01: days compare as numbers, never as strings, so ordering holds whatever the year's width. */
export function dayNumber(day: string): number {
  const time = toUtc(day).getTime();
  if (Number.isNaN(time)) throw new PeriodRangeError(`not a calendar day: ${JSON.stringify(day.slice(0, 40))}`);
  return Math.round(time / MS_PER_DAY);
}

export function addDays(day: string, days: number): string {
  const date = toUtc(day);
  date.setUTCDate(date.getUTCDate() + days);
  return fromUtc(date);
}

/** Whole days from one day to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
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

/** How many buckets `bucketStarts` lists for a window, by arithmetic (no loop), so the edge can refuse before any work. */
export function bucketCount(from: string, to: string, granularity: Granularity): number {
  if (dayNumber(from) > dayNumber(to)) return 0;
  const months = (day: string) => {
    const date = toUtc(day);
    return date.getUTCFullYear() * 12 + date.getUTCMonth();
  };
  switch (granularity) {
    case 'day':
      return daysBetween(from, to) + 1;
    case 'week':
      return daysBetween(bucketStart(from, 'week'), bucketStart(to, 'week')) / 7 + 1;
    case 'month':
      return months(to) - months(from) + 1;
    case 'quarter':
      return Math.floor(months(to) / 3) - Math.floor(months(from) / 3) + 1;
    case 'year':
      return toUtc(to).getUTCFullYear() - toUtc(from).getUTCFullYear() + 1;
  }
}

/**
 * Every bucket start from the bucket holding `from` to the one holding `to`, so empty periods still show. Terminates
 * by construction: each step must move strictly forward (compared as day numbers), and at most `maxBuckets` are listed
 * before it throws PeriodRangeError.
 */
export function bucketStarts(from: string, to: string, granularity: Granularity, maxBuckets = MAX_BUCKETS): string[] {
  const starts: string[] = [];
  const last = toUtc(to).getTime();
  let start = toUtc(bucketStart(from, granularity));
  if (Number.isNaN(start.getTime()) || Number.isNaN(last)) throw new PeriodRangeError(`not a window: ${from}..${to}`);
  while (start.getTime() <= last) {
    if (starts.length >= maxBuckets) throw new PeriodRangeError(`more than ${maxBuckets} ${granularity} buckets from ${from} to ${to}`);
    starts.push(fromUtc(start));
    const next = nextBucketStart(start, granularity);
    if (!(next.getTime() > start.getTime())) throw new PeriodRangeError(`the ${granularity} after ${fromUtc(start)} does not move forward`);
    start = next;
  }
  return starts;
}

/** The start of the following bucket, as a Date, so the loop compares instants (numbers), not strings. */
function nextBucketStart(start: Date, granularity: Granularity): Date {
  const date = new Date(start.getTime());
  switch (granularity) {
    case 'day':
      date.setUTCDate(date.getUTCDate() + 1);
      break;
    case 'week':
      date.setUTCDate(date.getUTCDate() + 7);
      break;
    case 'month':
      date.setUTCMonth(date.getUTCMonth() + 1);
      break;
    case 'quarter':
      date.setUTCMonth(date.getUTCMonth() + 3);
      break;
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear() + 1);
      break;
  }
  return date;
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
