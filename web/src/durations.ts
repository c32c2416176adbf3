// Lengths of time in words for managers: "18 min", "1 h 12 min", "2 d 3 h" (zh: "1 小时 12 分钟", ru: "1 ч 12 мин").
import { t, type MessageKey } from './i18n.ts';

const UNITS: readonly [minutes: number, key: MessageKey][] = [
  [1440, 'dur.d'],
  [60, 'dur.h'],
  [1, 'dur.min'],
];

/**
 * A duration given in minutes, rounded to the minute, in at most `parts` units from the largest one that is not zero
 * ("2 d 3 h", never "2 d 3 h 12 min"); zero units inside are left out ("2 h", not "2 h 0 min").
 */
export function formatDuration(minutes: number, parts = 2): string {
  const total = Math.round(Math.max(0, minutes));
  if (!Number.isFinite(total) || total < 1) return t('dur.lessMin');
  const first = UNITS.findIndex(([size]) => total >= size);
  let rest = total;
  const words: string[] = [];
  for (const [size, key] of UNITS.slice(first, first + parts)) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) words.push(t(key, { n }));
  }
  return words.join(' ');
}

/** Minutes from one ISO time to another (negative when `to` is earlier); NaN when either is not a time. */
export function minutesBetween(from: string | number, to: string | number): number {
  const a = typeof from === 'number' ? from : Date.parse(from);
  const b = typeof to === 'number' ? to : Date.parse(to);
  return (b - a) / 60_000;
}
