// ISO-8601 durations for SLAs ("PT2H", "P2D", "PT3S"), as whole seconds.
import { z } from 'zod';

const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Seconds in an ISO-8601 duration of weeks, days, hours, minutes and seconds; null when it is not one. */
export function durationSeconds(text: string): number | null {
  const match = PATTERN.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [, w, d, h, m, s] = match.map((part) => Number(part ?? 0)) as number[];
  return (((w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 3600 + (m ?? 0) * 60 + (s ?? 0);
}

export const Duration = z
  .string()
  .refine((text) => (durationSeconds(text) ?? 0) > 0, 'must be a positive ISO-8601 duration such as PT30M, PT2H or P2D');

export function addSeconds(iso: string, seconds: number): string {
  return new Date(new Date(iso).getTime() + seconds * 1000).toISOString();
}
