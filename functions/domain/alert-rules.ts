// Alert rules: which responses need someone's attention now (low scores, detractors, chosen options, sensitive words,
// negative sentiment), how urgently, and what to do (notify, open a ticket with an SLA).
import { z } from 'zod';
import type { Answers, FieldIssue } from './answers.ts';
import { Duration } from './duration.ts';
import { compileKeywords, type KeywordMatcher } from './keywords.ts';
import type { OrgTree } from './org.ts';
import { npsCategory } from './scoring.ts';
import { scoreRange, type Question, type Survey } from './survey.ts';

import { Id } from './ids.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const ScoreCondition = z
  .object({
    kind: z.literal('score'),
    /** One question, or every scored question of a type (in the rule's scope). */
    questionId: Id.optional(),
    questionType: z.enum(['nps', 'csat', 'ces', 'rating']).optional(),
    op: z.enum(['lte', 'lt', 'gte', 'gt', 'eq']),
    value: z.number(),
  })
  .refine((c) => c.questionId || c.questionType, { message: 'name a questionId or a questionType', path: ['questionId'] });

const Condition = z.discriminatedUnion('kind', [
  ScoreCondition,
  z.object({ kind: z.literal('npsCategory'), questionId: Id.optional(), category: z.enum(['detractor', 'passive', 'promoter']) }),
  z.object({ kind: z.literal('choice'), questionId: Id, optionId: Id }),
  z.object({ kind: z.literal('keywords'), questionId: Id.optional(), words: z.array(z.string().trim().min(1).max(100)).min(1).max(500) }),
  z.object({ kind: z.literal('sentiment'), sentiment: z.enum(['NEGATIVE', 'POSITIVE', 'MIXED', 'NEUTRAL']), minConfidence: z.number().min(0).max(1).default(0.5) }),
]);
export type Condition = z.infer<typeof Condition>;

/**
 * Sensitive words one rule may hold in all, counted in characters: each keyword condition is compiled into one matcher
 * per catalog version, and this keeps the largest compile near 0.1 s (20 full conditions of 100-character words would
 * take seconds, on the consumer that also serves pages locally).
 */
export const MAX_RULE_KEYWORD_CHARACTERS = 20_000;

const keywordCharacters = (conditions: readonly Condition[]) =>
  conditions.reduce((sum, c) => sum + (c.kind === 'keywords' ? c.words.reduce((n, w) => n + w.length, 0) : 0), 0);

export const AlertRule = z.object({
  id: Id,
  name: z.string().trim().min(1).max(200),
  enabled: z.boolean().default(true),
  severity: z.enum(SEVERITIES),
  scope: z
    .object({
      surveyId: Id.optional(),
      /** Only questions on this indicator node or below it count. */
      nodeId: Id.optional(),
      /** Only responses from this unit or below it. */
      unitId: Id.optional(),
      touchpoint: z.string().min(1).max(64).optional(),
    })
    .default({}),
  match: z.enum(['all', 'any']).default('any'),
  conditions: z
    .array(Condition)
    .min(1)
    .max(20)
    .refine((conditions) => keywordCharacters(conditions) <= MAX_RULE_KEYWORD_CHARACTERS, {
      message: `sensitive words may total at most ${MAX_RULE_KEYWORD_CHARACTERS} characters per rule`,
    }),
  actions: z
    .object({
      notify: z.boolean().default(true),
      ticket: z.object({ acknowledgeWithin: Duration, resolveWithin: Duration }).optional(),
    })
    .refine((a) => a.notify || a.ticket, 'a rule must notify, open a ticket, or both'),
});
export type AlertRule = z.infer<typeof AlertRule>;
export type AlertRuleInput = z.input<typeof AlertRule>;

/** What a rule sees of a response: its answers and, once text analysis has run, the sentiment. */
export interface ResponseFacts {
  surveyId: string;
  unitId: string;
  touchpoint?: string | undefined;
  answers: Answers;
  analysis?: { sentiment?: string; confidence?: number } | undefined;
}

export interface RuleMatch {
  matched: boolean;
  /** Why, in short words a manager understands: "nps ≤ 6", "keyword: 态度差". */
  reasons: string[];
}

const OPS = {
  lte: { test: (a: number, b: number) => a <= b, sign: '≤' },
  lt: { test: (a: number, b: number) => a < b, sign: '<' },
  gte: { test: (a: number, b: number) => a >= b, sign: '≥' },
  gt: { test: (a: number, b: number) => a > b, sign: '>' },
  eq: { test: (a: number, b: number) => a === b, sign: '=' },
} as const;

export function evaluateRule(rule: AlertRule, facts: ResponseFacts, survey: Survey, org: OrgTree): RuleMatch {
  const none = { matched: false, reasons: [] };
  if (!rule.enabled) return none;
  if (rule.scope.surveyId && rule.scope.surveyId !== facts.surveyId) return none;
  if (rule.scope.touchpoint && rule.scope.touchpoint !== facts.touchpoint) return none;
  if (rule.scope.unitId && !org.lineage(facts.unitId).some((u) => u.id === rule.scope.unitId)) return none;

  const inScope = questionsInScope(survey, rule.scope.nodeId);
  const results = rule.conditions.map((condition) => evaluateCondition(condition, facts, inScope));
  const matched = rule.match === 'all' ? results.every((r) => r.length > 0) : results.some((r) => r.length > 0);
  return matched ? { matched, reasons: results.flat() } : none;
}

function questionsInScope(survey: Survey, nodeId: string | undefined): Question[] {
  if (!nodeId) return survey.questions;
  const below = new Set([nodeId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const node of survey.indicatorTree) {
      if (node.parentId && below.has(node.parentId) && !below.has(node.id)) {
        below.add(node.id);
        grew = true;
      }
    }
  }
  return survey.questions.filter((q) => below.has(q.nodeId));
}

type KeywordsCondition = Extract<Condition, { kind: 'keywords' }>;

// One compiled matcher per condition object: a catalog load parses rules into new objects, so a changed rule gets a
// new matcher as soon as the catalog reloads, and matchers of replaced rules are collected with them.
const keywordMatchers = new WeakMap<KeywordsCondition, KeywordMatcher>();
function keywordMatcher(condition: KeywordsCondition): KeywordMatcher {
  let matcher = keywordMatchers.get(condition);
  if (!matcher) keywordMatchers.set(condition, (matcher = compileKeywords(condition.words)));
  return matcher;
}

/** Reasons the condition holds (empty when it does not). */
function evaluateCondition(condition: Condition, facts: ResponseFacts, questions: Question[]): string[] {
  switch (condition.kind) {
    case 'score': {
      const op = OPS[condition.op];
      return questions
        .filter((q) => (condition.questionId ? q.id === condition.questionId : q.type === condition.questionType))
        .flatMap((q) => {
          const value = facts.answers[q.id];
          return typeof value === 'number' && op.test(value, condition.value) ? [`${q.id} = ${value} (${op.sign} ${condition.value})`] : [];
        });
    }
    case 'npsCategory':
      return questions
        .filter((q) => q.type === 'nps' && (!condition.questionId || q.id === condition.questionId))
        .flatMap((q) => {
          const value = facts.answers[q.id];
          return typeof value === 'number' && npsCategory(value) === condition.category ? [`${q.id} = ${value} (${condition.category})`] : [];
        });
    case 'choice': {
      const value = facts.answers[condition.questionId];
      const chosen = Array.isArray(value) ? value.includes(condition.optionId) : value === condition.optionId;
      return chosen && questions.some((q) => q.id === condition.questionId) ? [`${condition.questionId}: ${condition.optionId}`] : [];
    }
    case 'keywords':
      return questions
        .filter((q) => q.type === 'text' && (!condition.questionId || q.id === condition.questionId))
        .flatMap((q) => {
          const value = facts.answers[q.id];
          return typeof value === 'string' ? keywordMatcher(condition).find(value).map((w) => `keyword: ${w}`) : [];
        });
    case 'sentiment': {
      const { sentiment, confidence } = facts.analysis ?? {};
      return sentiment === condition.sentiment && (confidence ?? 0) >= condition.minConfidence
        ? [`sentiment ${sentiment.toLowerCase()} (${Math.round((confidence ?? 0) * 100)}%)`]
        : [];
    }
  }
}

/** Rules that match the new version of a response but did not match the old one (a first answer has no old one). */
export function newlyMatchingRules(
  rules: readonly AlertRule[],
  next: ResponseFacts,
  previous: ResponseFacts | undefined,
  survey: Survey,
  org: OrgTree,
): { rule: AlertRule; reasons: string[] }[] {
  return rules.flatMap((rule) => {
    const now = evaluateRule(rule, next, survey, org);
    if (!now.matched) return [];
    if (previous && evaluateRule(rule, previous, survey, org).matched) return [];
    return [{ rule, reasons: now.reasons }];
  });
}

/**
 * Checks a rule against the surveys and org it will run on: unknown references and conditions that can never hold
 * (e.g. a score above the question's scale) are reported with the field they concern.
 */
export function checkRule(rule: AlertRule, surveys: readonly Survey[], org: OrgTree): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const scoped = rule.scope.surveyId ? surveys.filter((s) => s.id === rule.scope.surveyId) : [...surveys];
  if (rule.scope.surveyId && scoped.length === 0) issues.push({ path: 'scope.surveyId', message: `unknown survey "${rule.scope.surveyId}"` });
  if (rule.scope.unitId && !org.get(rule.scope.unitId)) issues.push({ path: 'scope.unitId', message: `unknown org unit "${rule.scope.unitId}"` });
  if (rule.scope.nodeId && !scoped.some((s) => s.indicatorTree.some((n) => n.id === rule.scope.nodeId)))
    issues.push({ path: 'scope.nodeId', message: `no survey in scope has an indicator node "${rule.scope.nodeId}"` });
  const questions = scoped.flatMap((s) => questionsInScope(s, rule.scope.nodeId));

  rule.conditions.forEach((condition, i) => {
    const path = `conditions.${i}`;
    const byId = (id: string | undefined) => (id ? questions.filter((q) => q.id === id) : []);
    switch (condition.kind) {
      case 'score': {
        const targets = condition.questionId ? byId(condition.questionId) : questions.filter((q) => q.type === condition.questionType);
        if (condition.questionId && targets.length === 0) {
          issues.push({ path: `${path}.questionId`, message: `no question "${condition.questionId}" in the rule's scope` });
          break;
        }
        if (targets.length === 0) {
          issues.push({ path: `${path}.questionType`, message: `no ${condition.questionType} question in the rule's scope` });
          break;
        }
        for (const q of targets) {
          const range = scoreRange(q);
          if (!range) {
            issues.push({ path: `${path}.questionId`, message: `"${q.id}" is a ${q.type} question and has no score` });
            continue;
          }
          const problem = impossibleComparison(condition.op, condition.value, range);
          if (problem) issues.push({ path: `${path}.value`, message: `${q.id} (${q.type}, ${range.min}–${range.max}): ${problem}` });
        }
        break;
      }
      case 'npsCategory': {
        const targets = condition.questionId ? byId(condition.questionId) : questions.filter((q) => q.type === 'nps');
        if (targets.length === 0 || targets.some((q) => q.type !== 'nps'))
          issues.push({ path: `${path}.questionId`, message: 'needs an NPS question in the rule’s scope' });
        break;
      }
      case 'choice': {
        const [q] = byId(condition.questionId);
        if (!q || (q.type !== 'single' && q.type !== 'multi')) issues.push({ path: `${path}.questionId`, message: `no choice question "${condition.questionId}" in the rule's scope` });
        else if (!q.options.some((o) => o.id === condition.optionId)) issues.push({ path: `${path}.optionId`, message: `"${q.id}" has no option "${condition.optionId}"` });
        break;
      }
      case 'keywords': {
        const targets = condition.questionId ? byId(condition.questionId) : questions.filter((q) => q.type === 'text');
        if (targets.length === 0 || targets.some((q) => q.type !== 'text'))
          issues.push({ path: `${path}.questionId`, message: 'needs an open-text question in the rule’s scope' });
        break;
      }
      case 'sentiment':
        break;
    }
  });
  return issues;
}

/** Why `answer <op> value` can never hold, or always holds, on a scale; null when it is a real condition. */
function impossibleComparison(op: keyof typeof OPS, value: number, range: { min: number; max: number }): string | null {
  const possible = [];
  for (let v = range.min; v <= range.max; v++) if (OPS[op].test(v, value)) possible.push(v);
  if (possible.length === 0) return `"${OPS[op].sign} ${value}" can never match`;
  if (possible.length === range.max - range.min + 1) return `"${OPS[op].sign} ${value}" matches every answer`;
  return null;
}
