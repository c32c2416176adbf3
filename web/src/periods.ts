// Reporting windows as plain calendar days (YYYY-MM-DD) in the organisation's time zone, and the window before them.

export const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const PRESETS = ['7', '30', '90', '365'] as const;
export type PeriodPreset = (typeof PRESETS)[number];
export type Period = PeriodPreset | 'custom';

export interface Window {
  from: string;
  to: string;
}

export function isGranularity(value: unknown): value is Granularity {
  return typeof value === 'string' && (GRANULARITIES as readonly string[]).includes(value);
}

export function isPeriod(value: unknown): value is Period {
  return value === 'custom' || (typeof value === 'string' && (PRESETS as readonly string[]).includes(value));
}

export function isDay(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
}

/** Today's date in a time zone, falling back to the browser's zone when the name is unknown. */
export function today(timeZone: string | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  }
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Days in an inclusive window. */
export function windowDays(window: Window): number {
  return Math.round((Date.parse(`${window.to}T00:00:00Z`) - Date.parse(`${window.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The window a period stands for, ending today for the presets. */
export function resolveWindow(period: Period, custom: Partial<Window>, todayDay: string): Window {
  if (period === 'custom' && isDay(custom.from) && isDay(custom.to)) {
    return custom.from <= custom.to ? { from: custom.from, to: custom.to } : { from: custom.to, to: custom.from };
  }
  const days = period === 'custom' ? 30 : Number(period);
  return { from: addDays(todayDay, -(days - 1)), to: todayDay };
}

/** The window of equal length just before this one, for "change vs previous period". */
export function previousWindow(window: Window): Window {
  const days = windowDays(window);
  return { from: addDays(window.from, -days), to: addDays(window.from, -1) };
}

/** A granularity that keeps a trend readable for a window of this length. */
export function suggestedGranularity(days: number): Granularity {
  if (days <= 45) return 'day';
  if (days <= 180) return 'week';
  if (days <= 800) return 'month';
  return 'quarter';
}
