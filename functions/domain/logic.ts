// Evaluates display logic: which questions a respondent is shown, page by page, and where an end rule stops the survey.
//
// Semantics (one pure function decides them for the page, capture and every test):
// - A condition reads only the answers it is given. surveyFlow gives each question the answers of the questions SHOWN
//   before it, so an answer to a hidden question never influences anything, and chains cascade: if B is hidden,
//   C's "B answered" is false even when a stale B answer was posted.
// - score: false when the answer is absent or not a finite number. A string is never compared with a number
//   ("9" is not 9). So `not` of a score condition on an unanswered question is true.
// - choice: true when ANY listed option is chosen (a single choice's option, or one of a multi choice's options).
// - answered: true for a non-empty answer (a number, non-blank text, a non-empty list).
// - npsCategory: an integer 0–10 is a detractor (0–6), passive (7–8) or promoter (9–10); anything else matches none.
// - context: touchpoint and locale match exactly (no touchpoint matches nothing); unitId matches when the response's
//   unit or any unit above it (unitLineage) is listed.
// - Groups: `all` needs every condition, `any` at least one. Nesting is bounded by MAX_CONDITION_DEPTH; a deeper tree
//   (which validation never lets through) throws rather than being given a silent meaning.
import type { Answers, AnswerValue } from './answers.ts';
import { type Condition, isGroup, MAX_CONDITION_DEPTH, type NpsCategory, type ScoreOp } from './logic-schema.ts';
import type { Locale, Question, Survey } from './survey.ts';

export interface LogicContext {
  touchpoint?: string | undefined;
  /** The response's unit followed by every unit above it, up to the root. */
  unitLineage: readonly string[];
  locale: Locale;
}

/** The id of the one page of a survey that has no `pages`. */
export const SINGLE_PAGE_ID = 'page-1';

export function evaluate(condition: Condition, answers: Answers, context: LogicContext): boolean {
  return evaluateAt(condition, answers, context, 0);
}

/** Whether a question's own showIf holds for the given answers (which should already exclude hidden questions). */
export function isShown(question: Question, answers: Answers, context: LogicContext): boolean {
  return !question.showIf || evaluate(question.showIf, answers, context);
}

/** The survey's pages (one page with every question when `pages` is absent), questions in page order. */
export function surveyPages(survey: Survey): { id: string; questions: Question[] }[] {
  if (!survey.pages) return [{ id: SINGLE_PAGE_ID, questions: [...survey.questions] }];
  const byId = new Map(survey.questions.map((q) => [q.id, q]));
  return survey.pages.map((page) => ({
    id: page.id,
    questions: page.questionIds.flatMap((id) => {
      const question = byId.get(id);
      return question ? [question] : [];
    }),
  }));
}

/**
 * Walks the pages in order with the answers given so far: the questions shown on each page, and the index of the
 * page after which endIf ended the survey (null if it did not). Pages with no shown question have shown: [].
 * Every page is listed; the pages after an end have shown: []. Questions are decided in order, each against the
 * answers of the questions shown before it, and endIf is checked after each page against the answers shown so far.
 */
export function surveyFlow(
  survey: Survey,
  answers: Answers,
  context: LogicContext,
): { pages: { id: string; shown: Question[] }[]; endedAfter: number | null } {
  const seen: Answers = {};
  const pages: { id: string; shown: Question[] }[] = [];
  let endedAfter: number | null = null;
  for (const [index, page] of surveyPages(survey).entries()) {
    if (endedAfter !== null) {
      pages.push({ id: page.id, shown: [] });
      continue;
    }
    const shown: Question[] = [];
    for (const question of page.questions) {
      if (!isShown(question, seen, context)) continue;
      shown.push(question);
      const answer = answerOf(answers, question.id);
      if (answer !== undefined) seen[question.id] = answer;
    }
    pages.push({ id: page.id, shown });
    if (survey.endIf && evaluate(survey.endIf, seen, context)) endedAfter = index;
  }
  return { pages, endedAfter };
}

/** The NPS category of an answer, or null when it is not an NPS score. */
export function npsCategory(value: AnswerValue | undefined): NpsCategory | null {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) return null;
  return value <= 6 ? 'detractor' : value <= 8 ? 'passive' : 'promoter';
}

/** True for an answer that counts as given. */
export function isAnswered(value: AnswerValue | undefined): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return value.trim() !== '';
  return Array.isArray(value) && value.length > 0;
}

function evaluateAt(condition: Condition, answers: Answers, context: LogicContext, depth: number): boolean {
  if (isGroup(condition)) {
    const inner = enter(depth);
    return condition.match === 'all'
      ? condition.conditions.every((c) => evaluateAt(c, answers, context, inner))
      : condition.conditions.some((c) => evaluateAt(c, answers, context, inner));
  }
  switch (condition.kind) {
    case 'not':
      return !evaluateAt(condition.condition, answers, context, enter(depth));
    case 'score': {
      const value = answerOf(answers, condition.questionId);
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      return compareScore(value, condition.op, condition.value);
    }
    case 'choice': {
      const value = answerOf(answers, condition.questionId);
      if (typeof value === 'string') return condition.optionIds.includes(value);
      if (Array.isArray(value)) return value.some((v) => condition.optionIds.includes(v));
      return false;
    }
    case 'answered':
      return isAnswered(answerOf(answers, condition.questionId));
    case 'npsCategory': {
      const category = npsCategory(answerOf(answers, condition.questionId));
      return category !== null && condition.in.includes(category);
    }
    case 'context':
      switch (condition.field) {
        case 'touchpoint':
          return context.touchpoint !== undefined && condition.in.includes(context.touchpoint);
        case 'locale':
          return condition.in.includes(context.locale);
        case 'unitId':
          return context.unitLineage.some((id) => condition.in.includes(id));
      }
  }
}

/** Own properties only: a question id such as "constructor" must not read Object.prototype. */
function answerOf(answers: Answers, questionId: string): AnswerValue | undefined {
  return Object.hasOwn(answers, questionId) ? answers[questionId] : undefined;
}

function enter(depth: number): number {
  if (depth + 1 > MAX_CONDITION_DEPTH) throw new RangeError(`conditions nest deeper than ${MAX_CONDITION_DEPTH} levels`);
  return depth + 1;
}

/** Whether a numeric answer satisfies a score comparison. */
export function compareScore(answer: number, op: ScoreOp, value: number): boolean {
  switch (op) {
    case 'lte':
      return answer <= value;
    case 'lt':
      return answer < value;
    case 'gte':
      return answer >= value;
    case 'gt':
      return answer > value;
    case 'eq':
      return answer === value;
  }
}
