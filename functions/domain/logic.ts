// Display logic evaluated as data: whether a condition holds, which questions a page shows, and where a survey ends.
// (Interim copy written against the fixed contract on branch h-page; helper "logic" owns this file.)
import type { Answers } from './answers.ts';
import { MAX_CONDITION_DEPTH, type Condition } from './logic-schema.ts';
import type { Locale, Question, Survey } from './survey.ts';

export interface LogicContext {
  touchpoint?: string | undefined;
  /** The response's unit followed by every unit above it. */
  unitLineage: readonly string[];
  locale: Locale;
}

export function evaluate(condition: Condition, answers: Answers, context: LogicContext): boolean {
  return holds(condition, answers, context, 0);
}

// Answers may be unvalidated (a form being filled in): a value of the wrong type never throws, it only fails to match.
function holds(condition: Condition, answers: Answers, context: LogicContext, depth: number): boolean {
  // The schema bounds nesting; a deeper tree (built in code) is treated as false rather than walked without limit.
  if (depth > MAX_CONDITION_DEPTH + 1) return false;
  if ('match' in condition) {
    return condition.match === 'all'
      ? condition.conditions.every((c) => holds(c, answers, context, depth + 1))
      : condition.conditions.some((c) => holds(c, answers, context, depth + 1));
  }
  switch (condition.kind) {
    case 'not':
      return !holds(condition.condition, answers, context, depth + 1);
    case 'answered':
      return isAnswered(answers[condition.questionId]);
    case 'score': {
      const value = answers[condition.questionId];
      // A string is never compared with a number: "10" is not an answer to a scale question.
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      switch (condition.op) {
        case 'lt':
          return value < condition.value;
        case 'lte':
          return value <= condition.value;
        case 'gt':
          return value > condition.value;
        case 'gte':
          return value >= condition.value;
        case 'eq':
          return value === condition.value;
      }
      return false;
    }
    case 'npsCategory': {
      const value = answers[condition.questionId];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) return false;
      const category = value <= 6 ? 'detractor' : value <= 8 ? 'passive' : 'promoter';
      return condition.in.includes(category);
    }
    case 'choice': {
      const value = answers[condition.questionId];
      const chosen = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
      return chosen.some((id) => condition.optionIds.includes(id));
    }
    case 'context': {
      if (condition.field === 'locale') return condition.in.includes(context.locale);
      if (condition.field === 'touchpoint') return context.touchpoint !== undefined && condition.in.includes(context.touchpoint);
      return context.unitLineage.some((id) => condition.in.includes(id));
    }
  }
  return false;
}

function isAnswered(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export function isShown(question: Question, answers: Answers, context: LogicContext): boolean {
  return !question.showIf || evaluate(question.showIf, answers, context);
}

/** The survey's pages (one page with every question when `pages` is absent), questions in page order. */
export function surveyPages(survey: Survey): { id: string; questions: Question[] }[] {
  if (!survey.pages) return [{ id: 'page-1', questions: survey.questions }];
  const byId = new Map(survey.questions.map((q) => [q.id, q]));
  return survey.pages.map((page) => ({ id: page.id, questions: page.questionIds.flatMap((id) => byId.get(id) ?? []) }));
}

/**
 * Walks the pages in order with the answers given so far: the questions shown on each page, and the index of the
 * page after which endIf ended the survey (null if it did not). Pages with no shown question have shown: [].
 * An answer to a question the logic hides counts as absent for every later condition, so a chain of conditions
 * cascades: hiding a question also hides what depended on it.
 */
export function surveyFlow(
  survey: Survey,
  answers: Answers,
  context: LogicContext,
): { pages: { id: string; shown: Question[] }[]; endedAfter: number | null } {
  const seen: Answers = {};
  const pages: { id: string; shown: Question[] }[] = [];
  let endedAfter: number | null = null;
  surveyPages(survey).forEach((page, index) => {
    if (endedAfter !== null) {
      pages.push({ id: page.id, shown: [] });
      return;
    }
    // Logic reads earlier pages only, so a page's questions are decided before any of its answers count.
    const shown = page.questions.filter((q) => isShown(q, seen, context));
    for (const q of shown) {
      const value = answers[q.id];
      if (value !== undefined) seen[q.id] = value;
    }
    pages.push({ id: page.id, shown });
    if (survey.endIf && evaluate(survey.endIf, seen, context)) endedAfter = index;
  });
  return { pages, endedAfter };
}
