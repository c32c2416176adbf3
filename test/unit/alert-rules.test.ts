import { describe, expect, it } from 'vitest';
import { AlertRule, checkRule, evaluateRule, newlyMatchingRules, type ResponseFacts } from '../../functions/domain/alert-rules.ts';
import { findKeywords } from '../../functions/domain/keywords.ts';
import { OrgTree } from '../../functions/domain/org.ts';
import { demoRules, demoSurveys, demoUnits } from '../../functions/local/demo.ts';

const survey = demoSurveys[0]!;
const org = new OrgTree(demoUnits);
const facts = (answers: ResponseFacts['answers'], extra: Partial<ResponseFacts> = {}): ResponseFacts => ({ surveyId: 'hotel-stay', unitId: 'sh-bund', answers, ...extra });
const [detractor, sensitive] = demoRules as [AlertRule, AlertRule];

describe('sensitive words', () => {
  const words = ['脏', '态度差', 'грязно', 'rude'];

  it('finds Chinese phrases as substrings, also with a degree adverb inside', () => {
    expect(findKeywords('前台态度很差', words)).toEqual(['态度差']);
    expect(findKeywords('房间非常脏', words)).toEqual(['脏']);
    expect(findKeywords('前台态度不差', words)).toEqual([]); // a negation is not an intensifier
  });

  it('finds Latin and Cyrillic words on word boundaries, ignoring case and width', () => {
    expect(findKeywords('«Грязно в номере»', words)).toEqual(['грязно']);
    expect(findKeywords('RUDE staff', words)).toEqual(['rude']);
    expect(findKeywords('ｒｕｄｅ reception', words)).toEqual(['rude']); // full-width letters, NFKC
    expect(findKeywords('crude oil, prudent choice, rudeness', words)).toEqual([]);
  });
});

describe('rule evaluation', () => {
  it('fires the detractor rule at NPS 6 and not at 7', () => {
    expect(evaluateRule(detractor, facts({ nps: 6 }), survey, org)).toEqual({ matched: true, reasons: ['nps = 6 (≤ 6)'] });
    expect(evaluateRule(detractor, facts({ nps: 7 }), survey, org).matched).toBe(false);
  });

  it('fires the keyword rule on open text', () => {
    expect(evaluateRule(sensitive, facts({ nps: 9, comment: '前台态度很差' }), survey, org).reasons).toEqual(['keyword: 态度差']);
  });

  it('honours scope: unit subtree, survey, node and touchpoint', () => {
    const southOnly = AlertRule.parse({ ...detractor, id: 'south', scope: { unitId: 'south', touchpoint: 'checkout' } });
    expect(evaluateRule(southOnly, facts({ nps: 2 }, { unitId: 'gz-tianhe', touchpoint: 'checkout' }), survey, org).matched).toBe(true);
    expect(evaluateRule(southOnly, facts({ nps: 2 }, { unitId: 'sh-bund', touchpoint: 'checkout' }), survey, org).matched).toBe(false);
    expect(evaluateRule(southOnly, facts({ nps: 2 }, { unitId: 'gz-tianhe', touchpoint: 'booking' }), survey, org).matched).toBe(false);
    const lowStay = AlertRule.parse({ id: 'stay', name: 'Low stay', severity: 'low', scope: { nodeId: 'stay' }, conditions: [{ kind: 'score', questionType: 'csat', op: 'lte', value: 2 }], actions: { notify: true } });
    expect(evaluateRule(lowStay, facts({ nps: 9, 'stay-csat': 2 }), survey, org).matched).toBe(true);
    expect(evaluateRule(lowStay, facts({ nps: 9, 'checkin-csat': 1 }), survey, org).matched).toBe(false); // check-in is not under "stay"
  });

  it('combines conditions with all/any', () => {
    const both = AlertRule.parse({ ...sensitive, id: 'both', match: 'all', conditions: [...sensitive.conditions, ...detractor.conditions] });
    expect(evaluateRule(both, facts({ nps: 9, comment: 'rude' }), survey, org).matched).toBe(false);
    expect(evaluateRule(both, facts({ nps: 3, comment: 'rude' }), survey, org).matched).toBe(true);
  });

  it('on a changed response fires only rules that newly match (e.g. sentiment arriving later)', () => {
    const negative = AlertRule.parse({ id: 'neg', name: 'Negative', severity: 'high', conditions: [{ kind: 'sentiment', sentiment: 'NEGATIVE', minConfidence: 0.8 }], actions: { notify: true } });
    const rules = [detractor, negative];
    const before = facts({ nps: 3, comment: 'bad' });
    const after = facts({ nps: 3, comment: 'bad' }, { analysis: { sentiment: 'NEGATIVE', confidence: 0.93 } });
    expect(newlyMatchingRules(rules, before, undefined, survey, org).map((m) => m.rule.id)).toEqual(['detractor']);
    expect(newlyMatchingRules(rules, after, before, survey, org).map((m) => m.rule.id)).toEqual(['neg']);
    expect(newlyMatchingRules(rules, after, after, survey, org)).toEqual([]);
  });
});

describe('rule checks', () => {
  const check = (input: unknown) => checkRule(AlertRule.parse(input), demoSurveys, org);
  const base = { id: 'r', name: 'R', severity: 'low', actions: { notify: true } };

  it('accepts the demo rules', () => {
    for (const rule of demoRules) expect(checkRule(rule, demoSurveys, org)).toEqual([]);
  });

  it('rejects conditions that can never hold or always hold', () => {
    expect(check({ ...base, conditions: [{ kind: 'score', questionId: 'checkin-csat', op: 'lte', value: 11 }] })[0]).toMatchObject({ path: 'conditions.0.value' });
    expect(check({ ...base, conditions: [{ kind: 'score', questionId: 'nps', op: 'gt', value: 10 }] })[0]?.message).toMatch(/can never match/);
    expect(check({ ...base, conditions: [{ kind: 'score', questionType: 'csat', op: 'gte', value: 1 }] })[0]?.message).toMatch(/matches every answer/);
  });

  it('rejects unknown references, naming the field', () => {
    expect(check({ ...base, scope: { surveyId: 'nope' }, conditions: [{ kind: 'score', questionType: 'nps', op: 'lte', value: 6 }] }).map((i) => i.path)).toContain('scope.surveyId');
    expect(check({ ...base, scope: { unitId: 'atlantis' }, conditions: [{ kind: 'score', questionType: 'nps', op: 'lte', value: 6 }] }).map((i) => i.path)).toContain('scope.unitId');
    expect(check({ ...base, conditions: [{ kind: 'score', questionId: 'comment', op: 'lte', value: 2 }] })[0]?.message).toMatch(/has no score/);
    expect(check({ ...base, conditions: [{ kind: 'keywords', questionId: 'nps', words: ['x'] }] })[0]?.path).toBe('conditions.0.questionId');
  });

  it('bounds the sensitive words one rule may hold, naming the field', () => {
    const words = (n: number) => Array.from({ length: 500 }, (_, i) => `${String(n).padStart(2, '0')}${String(i).padStart(3, '0')}`.padEnd(40, 'x'));
    const full = (count: number) => ({ ...base, conditions: Array.from({ length: count }, (_, n) => ({ kind: 'keywords', words: words(n) })) });
    expect(AlertRule.safeParse(full(1)).success).toBe(true); // 500 words of 40 characters: 20,000
    const tooMany = AlertRule.safeParse(full(2));
    expect(tooMany.success).toBe(false);
    expect(tooMany.error?.issues[0]).toMatchObject({ path: ['conditions'] });
    expect(tooMany.error?.issues[0]?.message).toMatch(/at most 20000 characters/);
  });

  it('needs durations that are real ISO-8601 durations', () => {
    expect(AlertRule.safeParse({ ...base, conditions: detractor.conditions, actions: { notify: false, ticket: { acknowledgeWithin: '2 hours', resolveWithin: 'P2D' } } }).success).toBe(false);
  });
});
