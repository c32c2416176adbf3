import { describe, expect, it } from 'vitest';
import { counterKey, foldDeltas, responseDeltas, summarize, type CapturedResponse } from '../../functions/domain/aggregation.ts';
import { OrgTree } from '../../functions/domain/org.ts';
import { nps } from '../../functions/domain/scoring.ts';
import { demoSurveys, demoUnits } from '../../functions/local/demo.ts';

const survey = demoSurveys[0]!;
const org = new OrgTree(demoUnits);
const tz = 'Asia/Shanghai';

function response(id: string, submittedAt: string, score: number, unitId = 'sh-bund'): CapturedResponse {
  return { id, surveyId: survey.id, unitId, submittedAt, answers: { nps: score, 'checkin-csat': 4, 'booking-ease': 6, comment: 'ok' } };
}

describe('aggregation', () => {
  it('counts a response in its hotel, its region and HQ, on the local day', () => {
    const deltas = responseDeltas(response('r1', '2026-11-22T17:00:00Z', 9), survey, org, tz);
    expect(deltas.every((d) => d.sk === 'D#2026-11-23')).toBe(true);
    expect(deltas.map((d) => d.pk)).toEqual([
      'S#hotel-stay#U#sh-bund',
      'S#*#U#sh-bund',
      'S#hotel-stay#U#east',
      'S#*#U#east',
      'S#hotel-stay#U#hq',
      'S#*#U#hq',
    ]);
    // Across all surveys only the totals are kept; per survey the day item also holds each node's counters.
    expect(deltas[1]?.add).toEqual({ responses: 1, promoters: 1, csatSum: 4, csatCount: 1, cesSum: 6, cesCount: 1 });
    expect(deltas[0]?.add).toMatchObject({ responses: 1, promoters: 1, 'n:overall:count': 1, 'n:overall:sum': 9, 'n:overall:promoters': 1, 'n:checkin:sum': 4 });
  });

  it('folds a batch into one delta per counter item', () => {
    const deltas = [response('a', '2026-11-20T02:00:00Z', 10), response('b', '2026-11-20T03:00:00Z', 3)].flatMap((r) => responseDeltas(r, survey, org, tz));
    const folded = foldDeltas(deltas);
    expect(folded.length).toBe(deltas.length / 2);
    const hq = folded.find((d) => d.pk === 'S#hotel-stay#U#hq' && d.sk === 'D#2026-11-20');
    expect(hq?.add).toMatchObject({ responses: 2, promoters: 1, detractors: 1 });
  });

  it('summarises days into weeks with the same NPS as computed from the raw answers', () => {
    const scores = [10, 9, 8, 6, 2, 10, 7];
    const rs = scores.map((s, i) => response(`r${i}`, `2026-11-${String(16 + i).padStart(2, '0')}T04:00:00Z`, s));
    const items = foldDeltas(rs.flatMap((r) => responseDeltas(r, survey, org, tz)))
      .filter((d) => d.pk === 'S#hotel-stay#U#hq')
      .map((d) => ({ sk: d.sk, counters: d.add }));
    const metrics = summarize(items, { from: '2026-11-16', to: '2026-11-22', granularity: 'week', locale: 'en' }, survey);
    const expected = nps({ promoters: 3, passives: 2, detractors: 2 });
    expect(metrics.buckets).toHaveLength(1);
    expect(metrics.total.nps).toBe(expected);
    expect(metrics.buckets[0]).toMatchObject({ start: '2026-11-16', count: 7, nps: expected, csat: 4, ces: 6 });
    const overall = metrics.nodes.find((n) => n.nodeId === 'overall');
    expect(overall).toMatchObject({ level: 1, count: 7, score: expected, metric: 'nps', label: 'Overall recommendation' });
    expect(metrics.nodes.find((n) => n.nodeId === 'checkin')).toMatchObject({ level: 2, score: 4, metric: 'mean', scaleMax: 5 });
    expect(metrics.nodes.find((n) => n.nodeId === 'room-cleanliness')).toMatchObject({ level: 3, count: 0, score: null });
  });

  describe('counter generations', () => {
    // Generation 1 keeps the keys counters had before generations, so no stored counter needs migrating.
    it.each([
      { generation: undefined, partition: 'S#hotel-stay#U#hq', marker: { pk: 'R#r1', sk: 'applied' } },
      { generation: 1, partition: 'S#hotel-stay#U#hq', marker: { pk: 'R#r1', sk: 'applied' } },
      { generation: 2, partition: 'G2#S#hotel-stay#U#hq', marker: { pk: 'R#r1', sk: 'applied#G2' } },
      { generation: 17, partition: 'G17#S#hotel-stay#U#hq', marker: { pk: 'R#r1', sk: 'applied#G17' } },
    ])('generation $generation: partition $partition, marker $marker.sk', ({ generation, partition, marker }) => {
      expect(counterKey.partition('hotel-stay', 'hq', generation)).toBe(partition);
      expect(counterKey.appliedMarker('r1', generation)).toEqual(marker);
    });

    it('writes the same increments into another generation, only under its keys', () => {
      const r = response('r1', '2026-11-22T17:00:00Z', 9);
      const first = responseDeltas(r, survey, org, tz);
      const third = responseDeltas(r, survey, org, tz, 3);
      expect(third.map((d) => d.pk)).toEqual(first.map((d) => `G3#${d.pk}`));
      expect(third.map((d) => [d.sk, d.add])).toEqual(first.map((d) => [d.sk, d.add]));
    });

    it('rolls a response up the org tree as it is now: a moved unit counts under its new parent', () => {
      const moved = new OrgTree(demoUnits.map((u) => (u.id === 'sh-bund' ? { ...u, parentId: 'south' } : u)));
      const pks = responseDeltas(response('r1', '2026-11-22T17:00:00Z', 9), survey, moved, tz, 2).map((d) => d.pk);
      expect(pks).toContain('G2#S#hotel-stay#U#south');
      expect(pks).not.toContain('G2#S#hotel-stay#U#east');
    });
  });
});
