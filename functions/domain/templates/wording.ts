// Wording every template shares: the ends of each scale, the catch-all option and the builders of detail items.
// Said once here so that five industries read the same way in zh, en and ru and a fix reaches them all.
import type { ConditionGroup } from '../logic-schema.ts';
import type { LocalizedText, Question } from '../survey.ts';

/** 0–10 likelihood to recommend. The Russian ends say what the respondent would do, as Russian NPS surveys usually do. */
export const NPS_ENDS = {
  lowLabel: { zh: '完全不可能', en: 'Not at all likely', ru: 'Точно не порекомендую' },
  highLabel: { zh: '非常可能', en: 'Extremely likely', ru: 'Обязательно порекомендую' },
} satisfies Record<string, LocalizedText>;

/** 1–5 satisfaction. Russian says «довольны», the polite plural of the question itself, so no gender is forced on anyone. */
export const CSAT_ENDS = {
  lowLabel: { zh: '非常不满意', en: 'Very dissatisfied', ru: 'Совсем не довольны' },
  highLabel: { zh: '非常满意', en: 'Very satisfied', ru: 'Очень довольны' },
} satisfies Record<string, LocalizedText>;

/** 1–7 effort: higher is easier, so every scored question in a template points the same way. */
export const CES_ENDS = {
  lowLabel: { zh: '非常费力', en: 'Very difficult', ru: 'Очень сложно' },
  highLabel: { zh: '非常轻松', en: 'Very easy', ru: 'Очень легко' },
} satisfies Record<string, LocalizedText>;

/** 1–5 rating of one detail item. */
export const RATING_ENDS = {
  lowLabel: { zh: '很差', en: 'Very poor', ru: 'Очень плохо' },
  highLabel: { zh: '非常好', en: 'Excellent', ru: 'Отлично' },
} satisfies Record<string, LocalizedText>;

export const OTHER_OPTION = { id: 'other', label: { zh: '其他', en: 'Something else', ru: 'Другое' } };

/** "What would make you more likely to recommend us?" — asked of passives and detractors, with the stages as options. */
export function improveQuestion(options: { id: string; label: LocalizedText }[]): Question {
  return {
    id: 'improve',
    type: 'multi',
    nodeId: 'overall',
    required: false,
    showIf: whenAtMost('nps', 8),
    label: {
      zh: '哪些方面改进后，您会更愿意推荐我们？',
      en: 'What would make you more likely to recommend us?',
      ru: 'Что нам улучшить, чтобы вы охотнее нас рекомендовали?',
    },
    options: [...options, OTHER_OPTION],
  };
}

/** The open question every template ends with. */
export const COMMENT_LABEL: LocalizedText = {
  zh: '还有什么想对我们说的吗？',
  en: 'Is there anything else you would like to tell us?',
  ru: 'Что ещё вы хотели бы нам рассказать?',
};

/**
 * A detail item: a 1–5 rating on a detail node. Every detail item in the bank uses this one scale, so adding any of
 * them to a detail node never mixes scales in that node's counter (the dashboard reads a node's scale from its first
 * question). Defaults are spelled out because the bank holds parsed `Question`s, not inputs.
 */
export function detailRating(id: string, nodeId: string, label: LocalizedText): Question {
  return { id, type: 'rating', scale: 5, nodeId, required: false, label, ...RATING_ENDS };
}

/** Shown when an earlier score is at most `value`: the follow-up to a poor stage score or to a detractor. */
export function whenAtMost(questionId: string, value: number): ConditionGroup {
  return { match: 'all', conditions: [{ kind: 'score', questionId, op: 'lte', value }] };
}
