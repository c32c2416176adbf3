// Checks a respondent's answers against the survey they answer; every problem is reported with the field it concerns.
import { type LogicContext, surveyFlow } from './logic.ts';
import type { Question, Survey } from './survey.ts';
import { scoreRange } from './survey.ts';

export type AnswerValue = number | string | string[];
export type Answers = Record<string, AnswerValue>;

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "answers.nps". */
  path: string;
  message: string;
}

export const MAX_TEXT_LENGTH = 5000;

export type AnswerCheck = { ok: true; answers: Answers } | { ok: false; issues: FieldIssue[] };

export interface CheckAnswersOptions {
  /** Who answers where: the display logic reads it (touchpoint, unit subtree, locale). */
  context: LogicContext;
  /**
   * What to do with an answer to a question the logic hides: 'refuse' names it as an issue (the JSON API, where a
   * client should know), 'drop' leaves it out silently (the form, which may post fields of questions hidden since).
   */
  hidden: 'refuse' | 'drop';
}

/**
 * Validates answers and returns them normalised (trimmed text, empty answers dropped). Only the questions the survey's
 * logic shows for these answers and this context count (surveyFlow): a required question is required only when shown,
 * and questions hidden by showIf or after an end rule never have an answer in the result.
 */
export function checkAnswers(survey: Survey, raw: Record<string, unknown>, options: CheckAnswersOptions): AnswerCheck {
  const issues: FieldIssue[] = [];
  const answers: Answers = {};
  const byId = new Map(survey.questions.map((q) => [q.id, q]));

  for (const questionId of Object.keys(raw)) {
    if (!byId.has(questionId)) issues.push({ path: `answers.${questionId}`, message: `unknown question "${questionId}" in survey "${survey.id}"` });
  }
  // Each answer on its own first; the logic then reads only the well-formed ones.
  const wellFormed: Answers = {};
  const malformed = new Map<string, string>();
  for (const question of survey.questions) {
    const value = own(raw, question.id);
    if (isEmpty(value)) continue;
    const checked = checkOne(question, value);
    if (typeof checked === 'string') malformed.set(question.id, checked);
    else wellFormed[question.id] = checked.value;
  }
  const flow = surveyFlow(survey, wellFormed, options.context);
  const shown = new Set(flow.pages.flatMap((page) => page.shown.map((q) => q.id)));

  for (const question of survey.questions) {
    const path = `answers.${question.id}`;
    const given = !isEmpty(own(raw, question.id));
    if (!shown.has(question.id)) {
      if (given && options.hidden === 'refuse') {
        issues.push({ path, message: `hidden by the survey's logic for these answers and this context, so it takes no answer; leave it out` });
      }
      continue;
    }
    const problem = malformed.get(question.id);
    if (problem) issues.push({ path, message: problem });
    else if (Object.hasOwn(wellFormed, question.id)) answers[question.id] = wellFormed[question.id]!;
    else if (question.required) issues.push({ path, message: 'an answer is required' });
  }
  return issues.length ? { ok: false, issues } : { ok: true, answers };
}

/** Own properties only: a question id such as "constructor" must not read Object.prototype. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

function checkOne(question: Question, value: unknown): { value: AnswerValue } | string {
  const range = scoreRange(question);
  if (range) {
    if (typeof value !== 'number' || !Number.isInteger(value)) return `must be a whole number from ${range.min} to ${range.max}`;
    if (value < range.min || value > range.max) return `must be from ${range.min} to ${range.max}, got ${value}`;
    return { value };
  }
  switch (question.type) {
    case 'single': {
      if (typeof value !== 'string') return 'must be the id of one option';
      if (!question.options.some((o) => o.id === value)) return `unknown option "${value}"; expected one of ${question.options.map((o) => o.id).join(', ')}`;
      return { value };
    }
    case 'multi': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return 'must be a list of option ids';
      const unknown = value.filter((v) => !question.options.some((o) => o.id === v));
      if (unknown.length) return `unknown option(s) ${unknown.map((v) => `"${v}"`).join(', ')}`;
      if (new Set(value).size !== value.length) return 'lists an option twice';
      return { value: value as string[] };
    }
    case 'text': {
      if (typeof value !== 'string') return 'must be text';
      const text = value.trim();
      const limit = Math.min(question.maxLength, MAX_TEXT_LENGTH);
      if ([...text].length > limit) return `must be at most ${limit} characters, got ${[...text].length}`;
      return { value: text };
    }
    default:
      return 'unsupported question type';
  }
}
