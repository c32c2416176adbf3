// Customer-experience scores: NPS from its three categories, CSAT and CES as means, with one rounding rule.

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

/** 9–10 promote, 7–8 are passive, 0–6 detract. */
export function npsCategory(score: number): NpsCategory {
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** Net Promoter Score = %promoters − %detractors, −100…+100, one decimal; null when nobody answered. */
export function nps(counts: NpsCounts): number | null {
  const answered = counts.promoters + counts.passives + counts.detractors;
  if (answered === 0) return null;
  return roundHalfAwayFromZero((100 * (counts.promoters - counts.detractors)) / answered, 1);
}

/** Mean of summed answers (CSAT 1–5, CES 1–7, ratings), two decimals; null when nobody answered. */
export function mean(sum: number, count: number, decimals = 2): number | null {
  if (count === 0) return null;
  return roundHalfAwayFromZero(sum / count, decimals);
}

/**
 * Rounds half away from zero (−12.25 → −12.3, 12.25 → 12.3), so that a score and its negation round alike.
 * The small epsilon absorbs binary noise such as 100 * 1/8 = 12.499999….
 */
export function roundHalfAwayFromZero(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const scaled = Math.abs(value) * factor;
  const rounded = Math.round(scaled + 1e-9) / factor;
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}
