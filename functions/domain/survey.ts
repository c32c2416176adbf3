// The survey model: an indicator tree (overall → journey stages → detail items) and the questions that measure it.
import { z } from 'zod';
import { ConditionGroup } from './logic-schema.ts';

export const LOCALES = ['zh', 'en', 'ru'] as const;
export const Locale = z.enum(LOCALES);
export type Locale = z.infer<typeof Locale>;

/** A text in several languages; which languages must be present is checked against the survey's locales. */
export const LocalizedText = z.partialRecord(Locale, z.string().min(1).max(2000));
export type LocalizedText = z.infer<typeof LocalizedText>;

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, "-" and "_" only');

export const IndicatorNode = z.object({
  id: Id,
  parentId: Id.nullable(),
  label: LocalizedText,
});
export type IndicatorNode = z.infer<typeof IndicatorNode>;

export const QUESTION_TYPES = ['nps', 'csat', 'ces', 'rating', 'single', 'multi', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

const ChoiceOption = z.object({ id: Id, label: LocalizedText });

const questionBase = {
  id: Id,
  nodeId: Id,
  label: LocalizedText,
  required: z.boolean().default(false),
  /** Optional words under the ends of a scale ("not at all likely" … "extremely likely"). */
  lowLabel: LocalizedText.optional(),
  highLabel: LocalizedText.optional(),
  /** Display logic: shown only when this holds for the earlier answers and the context (see logic.ts). */
  showIf: ConditionGroup.optional(),
};

export const Question = z.discriminatedUnion('type', [
  z.object({ ...questionBase, type: z.literal('nps') }),
  z.object({ ...questionBase, type: z.literal('csat') }),
  z.object({ ...questionBase, type: z.literal('ces') }),
  z.object({ ...questionBase, type: z.literal('rating'), scale: z.number().int().min(3).max(10).default(5) }),
  z.object({ ...questionBase, type: z.literal('single'), options: z.array(ChoiceOption).min(2).max(50) }),
  z.object({ ...questionBase, type: z.literal('multi'), options: z.array(ChoiceOption).min(2).max(50) }),
  z.object({ ...questionBase, type: z.literal('text'), maxLength: z.number().int().min(1).max(5000).default(5000) }),
]);
export type Question = z.infer<typeof Question>;

export const Survey = z
  .object({
    id: Id,
    title: LocalizedText,
    intro: LocalizedText.optional(),
    thanks: LocalizedText.optional(),
    locales: z.array(Locale).min(1),
    defaultLocale: Locale,
    /** Anonymous surveys never carry the respondent's contact details onto alerts or tickets. */
    anonymous: z.boolean().default(true),
    indicatorTree: z.array(IndicatorNode).min(1),
    questions: z.array(Question).min(1).max(100),
    /** Pages in order, each listing its questions; absent: one page with every question. Logic reads earlier pages only. */
    pages: z
      .array(z.object({ id: Id, questionIds: z.array(Id).min(1).max(100) }))
      .min(1)
      .max(50)
      .optional(),
    /** Screening: after any page where this holds, the survey ends there (the answers so far are the response). */
    endIf: ConditionGroup.optional(),
  })
  .superRefine((survey, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (!survey.locales.includes(survey.defaultLocale)) issue(['defaultLocale'], 'must be one of the survey locales');
    const needsEveryLocale = (text: LocalizedText | undefined, path: (string | number)[]) => {
      if (!text) return;
      for (const locale of survey.locales) if (!text[locale]) issue([...path, locale], `missing the ${locale} text`);
    };
    needsEveryLocale(survey.title, ['title']);
    needsEveryLocale(survey.intro, ['intro']);
    needsEveryLocale(survey.thanks, ['thanks']);

    const nodeIds = new Set<string>();
    survey.indicatorTree.forEach((node, i) => {
      if (nodeIds.has(node.id)) issue(['indicatorTree', i, 'id'], `duplicate indicator node "${node.id}"`);
      nodeIds.add(node.id);
      needsEveryLocale(node.label, ['indicatorTree', i, 'label']);
    });
    const roots = survey.indicatorTree.filter((n) => n.parentId === null);
    if (roots.length !== 1) issue(['indicatorTree'], `needs exactly one root (the overall indicator), found ${roots.length}`);
    survey.indicatorTree.forEach((node, i) => {
      if (node.parentId !== null && !nodeIds.has(node.parentId))
        issue(['indicatorTree', i, 'parentId'], `unknown parent "${node.parentId}"`);
    });
    if (hasCycle(survey.indicatorTree)) issue(['indicatorTree'], 'the parent links form a cycle');

    const questionIds = new Set<string>();
    survey.questions.forEach((q, i) => {
      if (questionIds.has(q.id)) issue(['questions', i, 'id'], `duplicate question "${q.id}"`);
      questionIds.add(q.id);
      if (!nodeIds.has(q.nodeId)) issue(['questions', i, 'nodeId'], `unknown indicator node "${q.nodeId}"`);
      needsEveryLocale(q.label, ['questions', i, 'label']);
      if (q.type === 'single' || q.type === 'multi') {
        const optionIds = new Set<string>();
        q.options.forEach((o, j) => {
          if (optionIds.has(o.id)) issue(['questions', i, 'options', j, 'id'], `duplicate option "${o.id}"`);
          optionIds.add(o.id);
          needsEveryLocale(o.label, ['questions', i, 'options', j, 'label']);
        });
      }
    });
  });
export type Survey = z.infer<typeof Survey>;
export type SurveyInput = z.input<typeof Survey>;

/** A published, immutable version of a survey: the definition plus its version number (1, 2, …). */
export type SurveyVersion = Survey & { version: number };

export const SURVEY_STATUSES = ['draft', 'live', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/** A survey's lifecycle, kept beside its versions (changing it never makes a new version). */
export const SurveyState = z.object({
  id: Id,
  status: z.enum(SURVEY_STATUSES),
  /** The version respondents get; null until the first publish. */
  liveVersion: z.number().int().min(1).nullable(),
  /** When liveVersion was published: pages opened on the version before may still submit for a while after it. */
  publishedAt: z.iso.datetime().optional(),
  /** Optional schedule (ISO instants): before opensAt and after closesAt the survey takes no answers. */
  opensAt: z.iso.datetime().optional(),
  closesAt: z.iso.datetime().optional(),
  /** Set before the first response is stored (and on seeded surveys): such a survey can be closed, never deleted. */
  hasResponses: z.boolean().optional(),
  updatedAt: z.iso.datetime(),
});
export type SurveyState = z.infer<typeof SurveyState>;

function hasCycle(nodes: IndicatorNode[]): boolean {
  const parentOf = new Map(nodes.map((n) => [n.id, n.parentId]));
  for (const node of nodes) {
    const seen = new Set<string>();
    let current: string | null | undefined = node.id;
    while (current) {
      if (seen.has(current)) return true;
      seen.add(current);
      current = parentOf.get(current);
    }
  }
  return false;
}

/** Depth of each indicator node: 1 for the overall indicator, 2 for journey stages, 3 for detail items. */
export function nodeLevels(survey: Pick<Survey, 'indicatorTree'>): Map<string, number> {
  const parentOf = new Map(survey.indicatorTree.map((n) => [n.id, n.parentId]));
  const levels = new Map<string, number>();
  for (const node of survey.indicatorTree) {
    let level = 1;
    let parent = node.parentId;
    while (parent && level <= survey.indicatorTree.length) {
      level += 1;
      parent = parentOf.get(parent) ?? null;
    }
    levels.set(node.id, level);
  }
  return levels;
}

/** Picks the text for a locale, falling back to the survey's default and then to any text there is. */
export function localize(text: LocalizedText | undefined, locale: Locale, fallback: Locale): string {
  if (!text) return '';
  return text[locale] ?? text[fallback] ?? Object.values(text).find(Boolean) ?? '';
}

/** The inclusive answer range of a scored question, or null for choice and text questions. */
export function scoreRange(question: Question): { min: number; max: number } | null {
  switch (question.type) {
    case 'nps':
      return { min: 0, max: 10 };
    case 'csat':
      return { min: 1, max: 5 };
    case 'ces':
      return { min: 1, max: 7 };
    case 'rating':
      return { min: 1, max: question.scale };
    default:
      return null;
  }
}
