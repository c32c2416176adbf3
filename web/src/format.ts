// How numbers, scores, changes and calendar buckets are written in the current language.
import { locale, t, type Locale } from './i18n.ts';
import type { Granularity } from './periods.ts';

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(digits: number, l: Locale): Intl.NumberFormat {
  const key = `${l}|${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(l === 'zh' ? 'zh-CN' : l, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
    numberFormats.set(key, format);
  }
  return format;
}

/** A number with a fixed number of decimals, or an em dash when there is none. */
export function num(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return numberFormat(digits, locale()).format(value);
}

/** A whole count, without thousand separators so tests and screen readers read it plainly. */
export function count(value: number): string {
  return String(Math.round(value));
}

/** A signed change, e.g. "+4.1" or "−2.0" (with a real minus sign). */
export function signed(value: number, digits = 1): string {
  const text = num(Math.abs(value), digits);
  if (Math.abs(value) < 0.5 * 10 ** -digits) return `±${num(0, digits)}`;
  return `${value > 0 ? '+' : '−'}${text}`;
}

export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}

/** A node or unit score in words: "NPS 35.0" or "4.2 of 5". */
export function scoreText(score: number | null, metric: 'nps' | 'mean', scaleMax: number | null): string {
  if (score === null) return '—';
  if (metric === 'nps') return t('score.nps', { score: num(score, 1) });
  return scaleMax ? t('score.ofMax', { score: num(score, 1), max: scaleMax }) : num(score, 1);
}

/**
 * Where a score sits on its scale, 0…1: NPS −100…100, a mean 1…scaleMax. Used for bars and to compare stages measured on
 * different scales.
 */
export function scoreFraction(score: number | null, metric: 'nps' | 'mean', scaleMax: number | null): number | null {
  if (score === null) return null;
  const fraction = metric === 'nps' ? (score + 100) / 200 : scaleMax && scaleMax > 1 ? (score - 1) / (scaleMax - 1) : null;
  return fraction === null ? null : Math.min(1, Math.max(0, fraction));
}

export type Tone = 'good' | 'fair' | 'poor' | 'none';

/** The colour band of a score: NPS bands follow common practice (≥ 30 good, < 0 poor); means by share of the scale. */
export function tone(score: number | null, metric: 'nps' | 'mean', scaleMax: number | null): Tone {
  if (score === null) return 'none';
  if (metric === 'nps') return score >= 30 ? 'good' : score >= 0 ? 'fair' : 'poor';
  const fraction = scoreFraction(score, metric, scaleMax);
  if (fraction === null) return 'none';
  return fraction >= 0.75 ? 'good' : fraction >= 0.5 ? 'fair' : 'poor';
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(options: Intl.DateTimeFormatOptions, l: Locale): Intl.DateTimeFormat {
  const key = `${l}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(l === 'zh' ? 'zh-CN' : l, { ...options, timeZone: 'UTC' });
    dateFormats.set(key, format);
  }
  return format;
}

/** The short label of a trend bucket starting on `day` (YYYY-MM-DD). */
export function bucketLabel(day: string, granularity: Granularity): string {
  const date = new Date(`${day}T00:00:00Z`);
  const l = locale();
  switch (granularity) {
    case 'day':
    case 'week':
      return dateFormat({ month: 'short', day: 'numeric' }, l).format(date);
    case 'month':
      return dateFormat({ year: 'numeric', month: 'short' }, l).format(date);
    case 'quarter': {
      const quarter = Math.floor(date.getUTCMonth() / 3) + 1;
      return l === 'zh' ? `${date.getUTCFullYear()}年Q${quarter}` : `Q${quarter} ${date.getUTCFullYear()}`;
    }
    case 'year':
      return String(date.getUTCFullYear());
  }
}

/** A calendar day for humans, e.g. "20 Nov 2025". */
export function dayLabel(day: string): string {
  return dateFormat({ year: 'numeric', month: 'short', day: 'numeric' }, locale()).format(new Date(`${day}T00:00:00Z`));
}

export function clockTime(date: Date): string {
  return new Intl.DateTimeFormat(locale() === 'zh' ? 'zh-CN' : locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
}

/** A moment for humans in the viewer's time zone, e.g. "23 Nov, 14:05" (with the year when it is not this year's). */
export function dateTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const l = locale();
  const options: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (date.getFullYear() !== now.getFullYear()) options.year = 'numeric';
  const key = `${l}|local|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(l === 'zh' ? 'zh-CN' : l, options);
    dateFormats.set(key, format);
  }
  return format.format(date);
}
