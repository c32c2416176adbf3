// Checks a respondent's answers against the survey they answer; every problem is reported with the field it concerns.
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

/** Validates answers and returns them normalised (trimmed text, empty answers dropped). */
export function checkAnswers(survey: Survey, raw: Record<string, unknown>): AnswerCheck {
  const issues: FieldIssue[] = [];
  const answers: Answers = {};
  const byId = new Map(survey.questions.map((q) => [q.id, q]));

  for (const questionId of Object.keys(raw)) {
    if (!byId.has(questionId)) issues.push({ path: `answers.${questionId}`, message: `unknown question "${questionId}" in survey "${survey.id}"` });
  }
  for (const question of survey.questions) {
    const path = `answers.${question.id}`;
    const value = raw[question.id];
    if (isEmpty(value)) {
      if (question.required) issues.push({ path, message: 'an answer is required' });
      continue;
    }
    const checked = checkOne(question, value);
    if (typeof checked === 'string') issues.push({ path, message: checked });
    else answers[question.id] = checked.value;
  }
  return issues.length ? { ok: false, issues } : { ok: true, answers };
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
