// The survey model: an indicator tree (overall → journey stages → detail items) and the questions that measure it.
import { z } from 'zod';
import { Id } from './ids.ts';
import { compareScore, npsCategory } from './logic.ts';
import { type Condition, ConditionGroup, isGroup, MAX_CONDITION_DEPTH, type ScoreOp } from './logic-schema.ts';

export const LOCALES = ['zh', 'en', 'ru'] as const;
export const Locale = z.enum(LOCALES);
export type Locale = z.infer<typeof Locale>;

/** A text in several languages; which languages must be present is checked against the survey's locales. */
/**
 * Characters no text shown to people may carry: C0 controls other than tab and line breaks, DEL, and the bidi
 * overrides and isolates that can make a text read differently from what it holds. One character class: linear.
 */
const HIDDEN_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;

/** One shown text: not blank, and without hidden control characters. */
export const ShownText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((text) => text.trim().length > 0, 'must not be blank')
    .refine((text) => !HIDDEN_CONTROLS.test(text), 'must not contain control or text-direction characters');

export const LocalizedText = z.partialRecord(Locale, ShownText(2000));
export type LocalizedText = z.infer<typeof LocalizedText>;



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
    checkLogic(survey, issue);
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
  /** The first version of this survey as it is now: lower ones belong to a deleted survey that had the same id. */
  firstVersion: z.number().int().min(1).optional(),
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

type Path = (string | number)[];
type AddIssue = (path: Path, message: string) => void;

const TYPE_NAMES: Record<QuestionType, string> = {
  nps: 'an NPS',
  csat: 'a CSAT',
  ces: 'a CES',
  rating: 'a rating',
  single: 'a single-choice',
  multi: 'a multiple-choice',
  text: 'an open-text',
};

/**
 * Pages and display logic. Logic reads only questions that come before (in page order, or question order without
 * pages) and, with pages, only questions on EARLIER pages: the form is served page by page without JavaScript, so a
 * condition on the same page could not be applied before the page is sent. The end rule may read any question (it is
 * checked after each page with the answers so far). Each condition must fit the question it reads, and a question
 * whose condition can provably never hold is refused rather than silently never shown.
 */
function checkLogic(survey: Pick<Survey, 'questions' | 'pages' | 'endIf' | 'locales'>, issue: AddIssue): void {
  const byId = new Map<string, Question>();
  for (const q of survey.questions) if (!byId.has(q.id)) byId.set(q.id, q);

  // Order of questions as respondents meet them, and the page of each.
  const position = new Map<string, number>();
  const pageOf = new Map<string, number>();
  if (survey.pages) {
    const pageIds = new Set<string>();
    survey.pages.forEach((page, i) => {
      if (pageIds.has(page.id)) issue(['pages', i, 'id'], `duplicate page "${page.id}"`);
      pageIds.add(page.id);
      page.questionIds.forEach((id, j) => {
        const path = ['pages', i, 'questionIds', j];
        if (!byId.has(id)) return issue(path, `unknown question "${id}"`);
        const placed = pageOf.get(id);
        if (placed !== undefined) {
          const where = placed === i ? 'is listed twice on this page' : `is already on page "${survey.pages![placed]!.id}"`;
          return issue(path, `question "${id}" ${where}; a question is on exactly one page`);
        }
        pageOf.set(id, i);
        position.set(id, position.size);
      });
    });
    survey.questions.forEach((q, i) => {
      if (!pageOf.has(q.id)) issue(['questions', i, 'id'], `question "${q.id}" is on no page; every question must be on exactly one page`);
    });
  } else {
    for (const q of survey.questions) if (!position.has(q.id)) position.set(q.id, position.size);
  }

  const checkTree = (root: Condition, rootPath: Path, owner: Question | null) => {
    // depth: the groups and "not"s above this condition (the schema bounds it already; this keeps the walk bounded alone).
    const visit = (condition: Condition, path: Path, depth: number): void => {
      if ((isGroup(condition) || condition.kind === 'not') && depth + 1 > MAX_CONDITION_DEPTH)
        return issue(path, `conditions nest too deep: at most ${MAX_CONDITION_DEPTH} levels of groups and "not"`);
      if (isGroup(condition)) return condition.conditions.forEach((c, k) => visit(c, [...path, 'conditions', k], depth + 1));
      if (condition.kind === 'not') return visit(condition.condition, [...path, 'condition'], depth + 1);
      if (condition.kind === 'context') {
        if (condition.field === 'locale')
          condition.in.forEach((value, k) => {
            if (!(survey.locales as string[]).includes(value))
              issue([...path, 'in', k], `"${value}" is not one of the survey's locales (${survey.locales.join(', ')})`);
          });
        return;
      }
      const target = byId.get(condition.questionId);
      const at = [...path, 'questionId'];
      const user = owner ? `the logic of "${owner.id}"` : 'the end rule';
      if (!target) return issue(at, `question "${condition.questionId}" is used by ${user} but is not in the survey`);
      if (owner) {
        if (target.id === owner.id) return issue(at, `the logic of "${owner.id}" cannot read its own answer`);
        const from = position.get(owner.id);
        const to = position.get(target.id);
        if (from !== undefined && to !== undefined) {
          if (to > from) return issue(at, `question "${target.id}" comes after "${owner.id}"; logic may only read earlier questions`);
          const page = pageOf.get(owner.id);
          if (page !== undefined && page === pageOf.get(target.id))
            return issue(
              at,
              `question "${target.id}" is on the same page as "${owner.id}"; logic may only read questions on earlier pages, because the form is sent page by page`,
            );
        }
      }
      checkFit(condition, target, path, user, issue);
    };
    visit(root, rootPath, 0);
  };

  survey.questions.forEach((q, i) => {
    if (q.showIf) checkTree(q.showIf, ['questions', i, 'showIf'], q);
  });
  if (survey.endIf) checkTree(survey.endIf, ['endIf'], null);

  // Questions every finished response answers: required, shown unconditionally, on the first page or with no end rule
  // that could stop the survey before them. A condition that needs one of them unanswered can never hold.
  const firstPage = Math.min(...[...pageOf.values(), 0]);
  const alwaysAnswered = new Set(
    survey.questions.filter((q) => q.required && !q.showIf && (!survey.endIf || (pageOf.get(q.id) ?? 0) === firstPage)).map((q) => q.id),
  );

  // Questions that can never be shown, in respondent order so that a question depending on one of them is caught too.
  const neverShown = new Set<string>();
  const indexOf = new Map(survey.questions.map((q, i) => [q, i]));
  const ordered = [...position.keys()].map((id) => byId.get(id)!);
  const known: Knowledge = { byId, neverShown, alwaysAnswered, locales: survey.locales };
  for (const q of ordered) {
    if (!q.showIf) continue;
    const reason = neverHolds(q.showIf, known);
    if (reason) {
      neverShown.add(q.id);
      issue(['questions', indexOf.get(q)!, 'showIf'], `"${q.id}" can never be shown: ${reason}`);
    }
  }

  // An end rule that holds for every response ends the survey, at the latest, after the last page it reads: the
  // pages after that could never be shown.
  if (survey.endIf && survey.pages && alwaysHolds(survey.endIf, known)) {
    const read = questionIdsIn(survey.endIf).map((id) => pageOf.get(id) ?? 0);
    const endsAfter = Math.max(...read, 0);
    if (endsAfter < survey.pages.length - 1)
      issue(['endIf'], `the end rule holds for every response, so the survey always ends after page "${survey.pages[endsAfter]!.id}" and the pages after it can never be shown`);
  }
}

/** The question ids a condition reads (bounded by the schema's depth and size limits). */
function questionIdsIn(condition: Condition): string[] {
  if (isGroup(condition)) return condition.conditions.flatMap(questionIdsIn);
  if (condition.kind === 'not') return questionIdsIn(condition.condition);
  return condition.kind === 'context' ? [] : [condition.questionId];
}

/**
 * Whether a condition holds for every finished response. Sound rather than complete: only conditions on questions
 * every response answers (answered, or a score comparison every value of the scale meets), combined by all/any.
 */
function alwaysHolds(condition: Condition, known: Knowledge): boolean {
  if (isGroup(condition)) return condition.match === 'all' ? condition.conditions.every((c) => alwaysHolds(c, known)) : condition.conditions.some((c) => alwaysHolds(c, known));
  if (condition.kind === 'not' || condition.kind === 'context' || !known.alwaysAnswered.has(condition.questionId)) return false;
  const question = known.byId.get(condition.questionId);
  if (!question) return false;
  if (condition.kind === 'answered') return true;
  return condition.kind === 'score' && scoreRange(question) !== null && scoreMask(question, condition.op, condition.value) === allScores(question);
}

type QuestionCondition = Extract<Condition, { questionId: string }>;

/** A condition must fit the question it reads: the right kind of question, options it has, values its scale can take. */
function checkFit(condition: QuestionCondition, target: Question, path: Path, user: string, issue: AddIssue): void {
  const range = scoreRange(target);
  switch (condition.kind) {
    case 'score':
      if (!range)
        return issue([...path, 'questionId'], `question "${target.id}" is ${TYPE_NAMES[target.type]} question; a score condition needs an NPS, CSAT, CES or rating question`);
      if (scoreMask(target, condition.op, condition.value) === 0)
        issue(
          [...path, 'value'],
          `"${condition.op} ${condition.value}" can never hold: "${target.id}" is answered with whole numbers from ${range.min} to ${range.max}`,
        );
      return;
    case 'npsCategory':
      if (target.type !== 'nps')
        issue([...path, 'questionId'], `question "${target.id}" is ${TYPE_NAMES[target.type]} question; an NPS category needs an NPS question`);
      return;
    case 'choice':
      if (target.type !== 'single' && target.type !== 'multi')
        return issue([...path, 'questionId'], `question "${target.id}" is ${TYPE_NAMES[target.type]} question; a choice condition needs a single- or multiple-choice question`);
      condition.optionIds.forEach((optionId, k) => {
        if (!target.options.some((o) => o.id === optionId))
          issue([...path, 'optionIds', k], `option "${optionId}" of question "${target.id}" is used by ${user} but is not one of its options`);
      });
      return;
    case 'answered':
      return;
  }
}

/** The answers (as bits 0…10) of a scored question that satisfy a score comparison; 0 when none can. */
function scoreMask(question: Question, op: ScoreOp, value: number): number {
  const range = scoreRange(question);
  let mask = 0;
  if (range) for (let v = range.min; v <= range.max; v++) if (compareScore(v, op, value)) mask |= 1 << v;
  return mask;
}

function allScores(question: Question): number {
  const range = scoreRange(question);
  let mask = 0;
  if (range) for (let v = range.min; v <= range.max; v++) mask |= 1 << v;
  return mask;
}

interface Knowledge {
  byId: Map<string, Question>;
  neverShown: Set<string>;
  /** Required questions shown to everyone before any end rule can stop the survey: answered in every response. */
  alwaysAnswered: Set<string>;
  locales: readonly Locale[];
}

/**
 * A reason why a condition can never hold, or null when it might. Sound rather than complete: it only claims
 * "never" for a condition on a question that can never be shown, an `any` group whose every member never holds, and
 * an `all` group whose members contradict each other (score bounds or NPS categories on one question, two options of
 * one single choice, answered and not answered, exclusive touchpoints or locales). A condition already refused as
 * malformed (unknown question, wrong type, value off the scale) is not counted again here.
 */
function neverHolds(condition: Condition, known: Knowledge): string | null {
  if (isGroup(condition)) {
    if (condition.match === 'any') {
      const reasons: string[] = [];
      for (const c of condition.conditions) {
        const reason = neverHolds(c, known);
        if (!reason) return null;
        reasons.push(reason);
      }
      const distinct = [...new Set(reasons)];
      return distinct.length === 1 ? distinct[0]! : `no condition of an "any" group can hold (${distinct.slice(0, 3).join('; ')})`;
    }
    for (const c of condition.conditions) {
      const reason = neverHolds(c, known);
      if (reason) return reason;
    }
    return contradiction(condition, known);
  }
  if (condition.kind === 'context') return null;
  if (condition.kind === 'not') {
    // "Not answered" / "not (a score every answer has)" of a question every response answers.
    if (alwaysHolds(condition.condition, known)) return `"${questionIdsIn(condition.condition)[0]}" is required and shown to everyone, so its negated condition never holds`;
    return null;
  }
  if (known.neverShown.has(condition.questionId)) return `it depends on "${condition.questionId}", which can never be shown`;
  return null;
}

/** Whether the members of an `all` group (nested `all` groups included) exclude each other. */
function contradiction(group: ConditionGroup, known: Knowledge): string | null {
  const scores = new Map<string, number>();
  const options = new Map<string, Set<string>>();
  const present = new Set<string>();
  const absent = new Set<string>();
  const contexts = new Map<'touchpoint' | 'locale', Set<string>>();
  const negated: Extract<Condition, { kind: 'score' }>[] = [];
  const narrow = <K>(map: Map<K, Set<string>>, key: K, values: readonly string[]) => {
    const before = map.get(key);
    map.set(key, new Set(before ? values.filter((v) => before.has(v)) : values));
  };
  const collect = (c: Condition, depth: number): void => {
    if (depth > MAX_CONDITION_DEPTH) return;
    if (isGroup(c)) {
      if (c.match === 'all' || c.conditions.length === 1) c.conditions.forEach((inner) => collect(inner, depth + 1));
      return;
    }
    if (c.kind === 'not') {
      if (c.condition.kind === 'answered') absent.add(c.condition.questionId);
      // Once the question is answered, "not score" allows only the other values (checked below, when it is).
      if (c.condition.kind === 'score') negated.push(c.condition);
      return;
    }
    if (c.kind === 'context') {
      // A locale the survey is not offered in is refused on its own; the others narrow what the group allows.
      const values = c.field === 'locale' ? c.in.filter((v) => (known.locales as readonly string[]).includes(v)) : c.in;
      if (c.field !== 'unitId' && values.length) narrow(contexts, c.field, values);
      return;
    }
    const question = known.byId.get(c.questionId);
    if (!question) return;
    present.add(question.id);
    const restrict = (mask: number) => scores.set(question.id, (scores.get(question.id) ?? allScores(question)) & mask);
    // A comparison the scale can never meet is refused on its own (checkFit), not counted again as a contradiction.
    if (c.kind === 'score' && scoreRange(question) && scoreMask(question, c.op, c.value) !== 0) restrict(scoreMask(question, c.op, c.value));
    if (c.kind === 'npsCategory' && question.type === 'nps') {
      let mask = 0;
      for (let v = 0; v <= 10; v++) if (c.in.includes(npsCategory(v)!)) mask |= 1 << v;
      restrict(mask);
    }
    if (c.kind === 'choice' && question.type === 'single') narrow(options, question.id, c.optionIds);
  };
  collect(group, 0);
  for (const c of negated) {
    const question = known.byId.get(c.questionId);
    if (!question || !scoreRange(question) || !(present.has(question.id) || known.alwaysAnswered.has(question.id))) continue;
    present.add(question.id);
    scores.set(question.id, (scores.get(question.id) ?? allScores(question)) & ~scoreMask(question, c.op, c.value));
  }
  for (const id of absent) if (known.alwaysAnswered.has(id)) return `it needs "${id}" unanswered, but "${id}" is required and shown to everyone`;
  for (const [id, mask] of scores) if (mask === 0) return `its conditions on the score of "${id}" exclude each other`;
  for (const [id, chosen] of options) if (chosen.size === 0) return `"${id}" is a single choice, and no one option meets all its conditions`;
  for (const id of present) if (absent.has(id)) return `it needs "${id}" both answered and not answered`;
  for (const [field, values] of contexts) if (values.size === 0) return `its ${field} conditions exclude each other`;
  return null;
}
