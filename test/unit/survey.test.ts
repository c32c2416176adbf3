import { describe, expect, it } from 'vitest';
import { checkAnswers } from '../../functions/domain/answers.ts';
import { nodeLevels, Survey, type SurveyInput } from '../../functions/domain/survey.ts';
import { demoSurveys } from '../../functions/local/demo.ts';

const base: SurveyInput = {
  id: 'mini',
  title: { en: 'Mini', ru: 'Мини' },
  locales: ['en', 'ru'],
  defaultLocale: 'en',
  indicatorTree: [
    { id: 'overall', parentId: null, label: { en: 'Overall', ru: 'Итог' } },
    { id: 'service', parentId: 'overall', label: { en: 'Service', ru: 'Сервис' } },
  ],
  questions: [
    { id: 'nps', type: 'nps', nodeId: 'overall', required: true, label: { en: 'Recommend?', ru: 'Порекомендуете?' } },
    {
      id: 'channel',
      type: 'single',
      nodeId: 'service',
      label: { en: 'Channel', ru: 'Канал' },
      options: [
        { id: 'web', label: { en: 'Web', ru: 'Сайт' } },
        { id: 'phone', label: { en: 'Phone', ru: 'Телефон' } },
      ],
    },
  ],
};

function rejection(change: (s: SurveyInput) => void): string[] {
  const copy = structuredClone(base);
  change(copy);
  const result = Survey.safeParse(copy);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('survey schema', () => {
  it('accepts a well-formed survey and the demo survey', () => {
    expect(Survey.safeParse(base).success).toBe(true);
    expect(demoSurveys[0]?.questions.map((q) => q.type)).toEqual(['nps', 'ces', 'csat', 'csat', 'csat', 'rating', 'text']);
  });

  it('rejects a question on an unknown indicator node', () => {
    expect(rejection((s) => (s.questions[0]!.nodeId = 'nowhere'))).toContain('questions.0.nodeId: unknown indicator node "nowhere"');
  });

  it('rejects a label missing one of the survey languages', () => {
    expect(rejection((s) => (s.questions[0]!.label = { en: 'Recommend?' }))).toContain('questions.0.label.ru: missing the ru text');
  });

  it('rejects duplicate question ids and option ids', () => {
    expect(rejection((s) => s.questions.push({ ...s.questions[0]! }))).toContain('questions.2.id: duplicate question "nps"');
    const issues = rejection((s) => {
      const q = s.questions[1]!;
      if (q.type === 'single') q.options.push({ ...q.options[0]! });
    });
    expect(issues).toContain('questions.1.options.2.id: duplicate option "web"');
  });

  it('rejects trees with no single root, unknown parents or cycles', () => {
    expect(rejection((s) => (s.indicatorTree[1]!.parentId = null))[0]).toMatch(/exactly one root/);
    expect(rejection((s) => (s.indicatorTree[1]!.parentId = 'ghost'))).toContain('indicatorTree.1.parentId: unknown parent "ghost"');
    const cyclic = rejection((s) => {
      s.indicatorTree.push({ id: 'a', parentId: 'b', label: { en: 'A', ru: 'А' } }, { id: 'b', parentId: 'a', label: { en: 'B', ru: 'Б' } });
    });
    expect(cyclic).toContain('indicatorTree: the parent links form a cycle');
  });

  it('rejects a default language the survey is not offered in, and choice questions without options', () => {
    expect(rejection((s) => (s.defaultLocale = 'zh'))).toContain('defaultLocale: must be one of the survey locales');
    expect(rejection((s) => ((s.questions[1] as { options: unknown[] }).options = [])).join()).toMatch(/options/);
  });

  it('computes indicator levels: overall 1, stage 2, item 3', () => {
    const levels = nodeLevels(demoSurveys[0]!);
    expect([levels.get('overall'), levels.get('checkin'), levels.get('room-cleanliness')]).toEqual([1, 2, 3]);
  });
});

describe('answer validation', () => {
  const survey = Survey.parse(base);
  const opts = { context: { unitLineage: ['hq'], locale: 'en' as const }, hidden: 'refuse' as const };

  it('accepts valid answers and drops empty optional ones', () => {
    expect(checkAnswers(survey, { nps: 10, channel: '' }, opts)).toEqual({ ok: true, answers: { nps: 10 } });
  });

  it('names every bad field', () => {
    const result = checkAnswers(survey, { nps: 11, channel: 'fax', extra: 1 }, opts);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path).sort()).toEqual(['answers.channel', 'answers.extra', 'answers.nps']);
      expect(result.issues.find((i) => i.path === 'answers.nps')?.message).toBe('must be from 0 to 10, got 11');
    }
  });

  it('requires required answers and whole numbers', () => {
    const missing = checkAnswers(survey, {}, opts);
    expect(missing.ok ? [] : missing.issues).toEqual([{ path: 'answers.nps', message: 'an answer is required' }]);
    const fraction = checkAnswers(survey, { nps: 7.5 }, opts);
    expect(fraction.ok ? '' : fraction.issues[0]?.message).toMatch(/whole number/);
  });

  it('limits open text to 5,000 characters, counting CJK characters as one each', () => {
    const textSurvey = Survey.parse({
      ...base,
      questions: [...base.questions, { id: 'why', type: 'text', nodeId: 'overall', label: { en: 'Why?', ru: 'Почему?' } }],
    });
    expect(checkAnswers(textSurvey, { nps: 5, why: '脏'.repeat(5000) }, opts).ok).toBe(true);
    const tooLong = checkAnswers(textSurvey, { nps: 5, why: 'x'.repeat(5001) }, opts);
    expect(tooLong.ok ? '' : tooLong.issues[0]?.path).toBe('answers.why');
  });
});
