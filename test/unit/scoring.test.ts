import { describe, expect, it } from 'vitest';
import { mean, nps, npsCategory, roundHalfAwayFromZero } from '../../functions/domain/scoring.ts';

describe('NPS', () => {
  it('is null when nobody answered', () => {
    expect(nps({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });

  it('is 0 when everyone is passive', () => {
    expect(nps({ promoters: 0, passives: 7, detractors: 0 })).toBe(0);
  });

  it('spans −100 to +100', () => {
    expect(nps({ promoters: 5, passives: 0, detractors: 0 })).toBe(100);
    expect(nps({ promoters: 0, passives: 0, detractors: 5 })).toBe(-100);
  });

  it('categorises the edges 0, 6, 7, 8, 9, 10', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
  });

  it('rounds to one decimal, half away from zero, symmetric for negative scores', () => {
    expect(nps({ promoters: 1, passives: 1, detractors: 1 })).toBe(0);
    expect(nps({ promoters: 2, passives: 1, detractors: 0 })).toBe(66.7);
    expect(nps({ promoters: 0, passives: 1, detractors: 2 })).toBe(-66.7);
    // 1 promoter of 8 answers = 12.5 exactly
    expect(nps({ promoters: 1, passives: 7, detractors: 0 })).toBe(12.5);
    // 1 of 16 = 6.25 → 6.3, and its mirror −6.3
    expect(nps({ promoters: 1, passives: 15, detractors: 0 })).toBe(6.3);
    expect(nps({ promoters: 0, passives: 15, detractors: 1 })).toBe(-6.3);
  });

  it('never returns negative zero', () => {
    expect(Object.is(roundHalfAwayFromZero(-0.01, 1), 0)).toBe(true);
  });
});

describe('means (CSAT, CES)', () => {
  it('is null without answers and rounds to two decimals', () => {
    expect(mean(0, 0)).toBeNull();
    expect(mean(10, 3)).toBe(3.33);
    expect(mean(5, 2)).toBe(2.5);
  });
});
