import { describe, expect, it } from 'vitest';
import type { Condition } from '../../functions/domain/logic-schema.ts';
import { INDUSTRIES, surveyTemplates, type SurveyTemplate } from '../../functions/domain/templates/index.ts';
import { LOCALES, nodeLevels, Question, scoreRange, Survey, type SurveyInput } from '../../functions/domain/survey.ts';
import { inLanguagesOf } from '../../functions/authoring/surveys.ts';

const CJK = /[\u3400-\u9fff]/;
const CYRILLIC = /[\u0400-\u04ff]/;
const LATIN = /[A-Za-z]/;

/** Keys whose value is always a LocalizedText, so the walk below cannot miss one by mistaking it for something else. */
const TEXT_KEYS = new Set(['name', 'description', 'title', 'intro', 'thanks', 'label', 'lowLabel', 'highLabel']);

interface FoundText {
  path: string;
  key: string;
  text: Record<string, unknown>;
}

/** Every LocalizedText in a value: objects under a text key, and any object whose keys are all locales. */
function localizedTexts(value: unknown, path = '', key = ''): FoundText[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => localizedTexts(item, `${path}.${i}`, key));
  if (typeof value !== 'object' || value === null) return [];
  const entries = Object.entries(value);
  const isText = TEXT_KEYS.has(key) || (entries.length > 0 && entries.every(([k]) => (LOCALES as readonly string[]).includes(k)));
  if (isText) return [{ path, key, text: value as Record<string, unknown> }];
  return entries.flatMap(([k, v]) => localizedTexts(v, `${path}.${k}`, k));
}

/** The question ids a condition tree reads. */
function referencedQuestions(condition: Condition): string[] {
  if ('match' in condition) return condition.conditions.flatMap(referencedQuestions);
  if (condition.kind === 'not') return referencedQuestions(condition.condition);
  return 'questionId' in condition ? [condition.questionId] : [];
}

/** The leaves of a condition tree. */
function leaves(condition: Condition): Exclude<Condition, { match: unknown }>[] {
  if ('match' in condition) return condition.conditions.flatMap(leaves);
  if (condition.kind === 'not') return leaves(condition.condition);
  return [condition];
}

const SCORED = new Set(['nps', 'csat', 'ces', 'rating']);

/** The scale a scored question counts on, e.g. "csat 1-5"; null for choice and text questions. */
function scaleOf(question: Question): string | null {
  const range = scoreRange(question);
  return range && SCORED.has(question.type) ? `${question.type} ${range.min}-${range.max}` : null;
}

describe.each(surveyTemplates.map((t) => [t.id, t] as const))('template %s', (_id, template: SurveyTemplate) => {
  const survey = Survey.parse(template.survey);
  const levels = nodeLevels(survey);
  const byLevel = (level: number) => survey.indicatorTree.filter((n) => levels.get(n.id) === level);
  const root = byLevel(1)[0]!;
  const stages = byLevel(2);
  const details = byLevel(3);
  const questionsOn = (nodeId: string) => survey.questions.filter((q) => q.nodeId === nodeId);

  it('is a valid survey in all three languages, with its own id as the survey id', () => {
    expect(Survey.safeParse(template.survey).error?.issues ?? []).toEqual([]);
    expect(survey.locales.toSorted()).toEqual([...LOCALES].toSorted());
    expect(survey.id).toBe(template.id);
    expect(INDUSTRIES).toContain(template.industry);
  });

  it('has a three-level indicator tree: overall → 4–6 journey stages → detail items under every stage', () => {
    expect(Math.max(...levels.values())).toBe(3);
    expect(byLevel(1)).toHaveLength(1);
    expect(stages.length).toBeGreaterThanOrEqual(4);
    expect(stages.length).toBeLessThanOrEqual(6);
    for (const stage of stages) expect(details.filter((d) => d.parentId === stage.id).length, stage.id).toBeGreaterThan(0);
  });

  it('measures the root with NPS, every stage with CSAT or CES, every detail node with a rating', () => {
    expect(questionsOn(root.id).filter((q) => q.type === 'nps')).toHaveLength(1);
    expect(survey.questions.find((q) => q.type === 'nps')?.nodeId).toBe(root.id);
    for (const stage of stages) expect(questionsOn(stage.id).filter((q) => q.type === 'csat' || q.type === 'ces'), stage.id).toHaveLength(1);
    expect(survey.questions.some((q) => q.type === 'ces')).toBe(true);
    for (const detail of details) expect(questionsOn(detail.id).filter((q) => q.type === 'rating' || q.type === 'csat').length, detail.id).toBeGreaterThan(0);
    expect(survey.questions.find((q) => q.type === 'nps')?.required).toBe(true);
  });

  it('has exactly one open text question and at least one choice question', () => {
    expect(survey.questions.filter((q) => q.type === 'text')).toHaveLength(1);
    expect(survey.questions.some((q) => q.type === 'single' || q.type === 'multi')).toBe(true);
  });

  it('never mixes scales in one indicator node, even with every bank item added', () => {
    for (const node of survey.indicatorTree) {
      const scales = new Set(
        [...questionsOn(node.id), ...template.questionBank.filter((q) => q.nodeId === node.id)].map(scaleOf).filter((s) => s !== null),
      );
      expect(scales.size, `${node.id}: ${[...scales].join(', ')}`).toBeLessThanOrEqual(1);
    }
  });

  it('has 2–4 pages holding every question exactly once', () => {
    const pages = survey.pages ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBeLessThanOrEqual(4);
    expect(new Set(pages.map((p) => p.id)).size).toBe(pages.length);
    const placed = pages.flatMap((p) => p.questionIds);
    expect(placed.toSorted()).toEqual(survey.questions.map((q) => q.id).toSorted());
  });

  it('has logic follow-ups that read questions on earlier pages only, with values in range', () => {
    const pageOf = new Map((survey.pages ?? []).flatMap((p, i) => p.questionIds.map((id) => [id, i] as const)));
    const byId = new Map(survey.questions.map((q) => [q.id, q]));
    const followUps = survey.questions.filter((q) => q.showIf);
    expect(followUps.length).toBeGreaterThanOrEqual(2);
    // One follow-up is on a poor stage score, one on the NPS answer.
    const stageIds = new Set(stages.map((s) => s.id));
    const reads = followUps.flatMap((q) => referencedQuestions(q.showIf!).map((id) => byId.get(id)));
    expect(reads.some((q) => q && stageIds.has(q.nodeId) && (q.type === 'csat' || q.type === 'ces'))).toBe(true);
    expect(reads.some((q) => q?.type === 'nps')).toBe(true);

    for (const question of followUps) {
      expect(question.required, question.id).toBe(false);
      for (const leaf of leaves(question.showIf!)) {
        if (!('questionId' in leaf)) continue;
        const target = byId.get(leaf.questionId);
        expect(target, `${question.id} reads ${leaf.questionId}`).toBeDefined();
        expect(pageOf.get(leaf.questionId)!, `${question.id} reads ${leaf.questionId}`).toBeLessThan(pageOf.get(question.id)!);
        if (leaf.kind === 'score') {
          const range = scoreRange(target!);
          expect(range, leaf.questionId).not.toBeNull();
          // The condition can hold and can fail, so the follow-up is neither never shown nor always shown.
          expect(leaf.value).toBeGreaterThanOrEqual(range!.min);
          expect(leaf.value).toBeLessThan(range!.max);
        }
        if (leaf.kind === 'choice' && (target?.type === 'single' || target?.type === 'multi')) {
          const options = new Set(target.options.map((o) => o.id));
          for (const id of leaf.optionIds) expect(options.has(id), `${leaf.questionId}.${id}`).toBe(true);
        }
      }
    }
  });

  it('writes every text in zh, en and ru, each in its own script', () => {
    const texts = localizedTexts(template);
    // Names, description, survey texts, every node, question, scale end and option.
    expect(texts.length).toBeGreaterThan(survey.indicatorTree.length + survey.questions.length + template.questionBank.length);
    for (const { path, text } of texts) {
      expect(Object.keys(text).toSorted(), path).toEqual([...LOCALES].toSorted());
      const { zh, en, ru } = text as Record<'zh' | 'en' | 'ru', unknown>;
      for (const value of [zh, en, ru]) expect(typeof value === 'string' && value.trim().length > 0, path).toBe(true);
      expect(CJK.test(zh as string), `${path}.zh: ${String(zh)}`).toBe(true);
      expect(CYRILLIC.test(ru as string) && !CJK.test(ru as string), `${path}.ru: ${String(ru)}`).toBe(true);
      expect(LATIN.test(en as string) && !CYRILLIC.test(en as string) && !CJK.test(en as string), `${path}.en: ${String(en)}`).toBe(true);
      expect(new Set([zh, en, ru]).size, path).toBe(3);
    }
  });

  it('phrases every CSAT question so that its scale ends answer it', () => {
    // The ends read 非常不满意…非常满意, Very dissatisfied…Very satisfied, Совсем не довольны…Очень довольны.
    for (const q of survey.questions.filter((q) => q.type === 'csat')) {
      expect(q.label.zh, q.id).toContain('满意');
      expect(q.label.en, q.id).toMatch(/^How satisfied (were|are) you with /);
      expect(q.label.ru, q.id).toMatch(/^Насколько вы довольны /);
    }
  });

  it('keeps texts short enough for a phone', () => {
    // Chinese packs about twice the meaning into a character, so its limits are half.
    const limits: Record<string, number> = { label: 90, lowLabel: 30, highLabel: 30, name: 40, title: 40 };
    for (const { path, key, text } of localizedTexts(template)) {
      const limit = limits[key];
      if (!limit) continue;
      // An option is one line beside a box; a node label is one cell of a dashboard row: both tighter than a question.
      const max = key !== 'label' ? limit : path.includes('.options.') ? 40 : path.includes('.indicatorTree.') ? 32 : limit;
      for (const locale of LOCALES) {
        const value = String(text[locale]);
        expect(value.length, `${path}.${locale}: ${value}`).toBeLessThanOrEqual(locale === 'zh' ? Math.ceil(max / 2) : max);
      }
    }
  });

  it('has a question bank of 6–12 valid detail items on existing detail nodes, with fresh ids', () => {
    const bank = template.questionBank;
    expect(bank.length).toBeGreaterThanOrEqual(6);
    expect(bank.length).toBeLessThanOrEqual(12);
    const detailIds = new Set(details.map((d) => d.id));
    const surveyIds = new Set(survey.questions.map((q) => q.id));
    for (const item of bank) {
      expect(Question.parse(item), item.id).toEqual(item);
      expect(detailIds.has(item.nodeId), `${item.id} on ${item.nodeId}`).toBe(true);
      expect(surveyIds.has(item.id), item.id).toBe(false);
      expect(item.showIf, item.id).toBeUndefined();
    }
    expect(new Set(bank.map((q) => q.id)).size).toBe(bank.length);
  });

  it('stays a valid survey when an author adds the whole bank on a page of its own', () => {
    const extended: SurveyInput = structuredClone(template.survey);
    extended.questions = [...extended.questions, ...template.questionBank];
    extended.pages = [...(extended.pages ?? []), { id: 'bank', questionIds: template.questionBank.map((q) => q.id) }];
    expect(Survey.safeParse(extended).error?.issues ?? []).toEqual([]);
  });
});

describe('template bank', () => {
  it('covers the five industries once each, with unique ids', () => {
    expect(surveyTemplates.map((t) => t.industry).toSorted()).toEqual([...INDUSTRIES].toSorted());
    expect(new Set(surveyTemplates.map((t) => t.id)).size).toBe(surveyTemplates.length);
    expect(surveyTemplates.map((t) => t.id).toSorted()).toEqual(
      ['bank-branch-and-app', 'hotel-stay', 'restaurant-visit', 'retail-store-visit', 'telecom-service'],
    );
  });

  it('is not changed by parsing or by an author editing a copy', () => {
    const first = surveyTemplates[0]!;
    const before = JSON.stringify(first);
    const copy: SurveyInput = structuredClone(first.survey);
    copy.title = { zh: '改过的标题', en: 'Edited', ru: 'Изменено' };
    Survey.parse(copy);
    Survey.parse(first.survey);
    expect(JSON.stringify(first)).toBe(before);
  });

  it('the text walk finds a missing language and a text in the wrong script', () => {
    const broken = structuredClone(surveyTemplates[0]!);
    broken.survey.questions[0]!.label = { zh: '推荐吗？', en: 'Recommend?' };
    broken.questionBank[0]!.label = { zh: 'Rate it', en: 'Rate it', ru: 'Оцените' };
    const texts = localizedTexts(broken);
    const missing = texts.filter(({ text }) => Object.keys(text).length !== LOCALES.length).map((t) => t.path);
    expect(missing).toEqual(['.survey.questions.0.label']);
    const wrongScript = texts.filter(({ text }) => !CJK.test(String(text.zh))).map((t) => t.path);
    expect(wrongScript).toEqual(['.questionBank.0.label']);
  });
});

describe('a template for an organisation that works in fewer languages', () => {
  it.each([
    [['en'], 'en', ['en'], 'en'],
    [['ru', 'en'], 'ru', ['en', 'ru'], 'ru'],
    [['zh'], 'zh', ['zh'], 'zh'],
  ] as const)('organisation %j (default %s) → survey offered in %j, default %s', (locales, defaultLocale, expected, expectedDefault) => {
    for (const template of surveyTemplates) {
      const survey = Survey.parse({ ...inLanguagesOf(template.survey, { locales, defaultLocale }), id: 'x' });
      expect([...survey.locales].sort()).toEqual([...expected].sort());
      expect(survey.defaultLocale).toBe(expectedDefault);
    }
  });
});
