// The shape of display logic, stored as data: a condition tree over earlier answers and the response's context.
// Evaluated by one pure function (logic.ts); there are no string expressions and nothing is ever eval'ed.
import { z } from 'zod';
import { Id } from './ids.ts';



/**
 * Deepest nesting of condition groups and `not`s (the top group counts 1): plenty for real screening logic, and it
 * bounds evaluation.
 */
export const MAX_CONDITION_DEPTH = 5;
/** Conditions one group may list. */
export const MAX_CONDITIONS_PER_GROUP = 20;
/** Conditions (groups, `not`s and leaves) in one `showIf` or `endIf` tree: bounds validation and evaluation work. */
export const MAX_CONDITIONS_PER_TREE = 200;

export const SCORE_OPS = ['lte', 'lt', 'gte', 'gt', 'eq'] as const;
export type ScoreOp = (typeof SCORE_OPS)[number];
export const CONTEXT_FIELDS = ['touchpoint', 'unitId', 'locale'] as const;
export const NPS_CATEGORIES = ['detractor', 'passive', 'promoter'] as const;
export type NpsCategory = (typeof NPS_CATEGORIES)[number];
export const LEAF_KINDS = ['score', 'choice', 'answered', 'npsCategory', 'context', 'not'] as const;

export type LeafCondition =
  | { kind: 'score'; questionId: string; op: ScoreOp; value: number }
  /** True when ANY of the listed options is chosen (single or multi choice). */
  | { kind: 'choice'; questionId: string; optionIds: string[] }
  | { kind: 'answered'; questionId: string }
  /** An NPS question's category (detractor 0–6, passive 7–8, promoter 9–10). */
  | { kind: 'npsCategory'; questionId: string; in: NpsCategory[] }
  /** `unitId` matches the response's unit or any unit above it, so a condition on a region covers its stores. */
  | { kind: 'context'; field: (typeof CONTEXT_FIELDS)[number]; in: string[] }
  | { kind: 'not'; condition: Condition };

export interface ConditionGroup {
  /** Optional tag: a group is recognised by `match`, and `kind: "group"` may be written to say so. */
  kind?: 'group';
  match: 'all' | 'any';
  conditions: Condition[];
}

export type Condition = LeafCondition | ConditionGroup;

/** A group (`all`/`any`) rather than a leaf. */
export function isGroup(condition: Condition): condition is ConditionGroup {
  return 'conditions' in condition;
}

const groupSchema = z
  .object({
    kind: z.literal('group').optional(),
    match: z.enum(['all', 'any'], { error: 'expected "all" or "any" (a single condition names its "kind" instead)' }),
    get conditions() {
      return z.array(ConditionSchema).min(1).max(MAX_CONDITIONS_PER_GROUP);
    },
  })
  .strict()
  // Named, so that generators that follow references (JSON Schema $defs, the OpenAPI document's components) can
  // describe the recursion instead of expanding it for ever.
  .meta({ id: 'ConditionGroup', description: 'Conditions joined by "all" or "any"; groups nest.' });

// One discriminated union on `kind`, with the group as the member that may leave `kind` out: zod then picks the member
// from the input and reports the member's own fields ("op", "value", …) instead of a bare "Invalid input" from a union
// that tried every member. It stays a plain oneOf in JSON Schema.
const ConditionSchema = z.discriminatedUnion(
  'kind',
  [
    groupSchema,
    z.object({ kind: z.literal('score'), questionId: Id, op: z.enum(SCORE_OPS), value: z.number().finite() }).strict(),
    z.object({ kind: z.literal('choice'), questionId: Id, optionIds: z.array(Id).min(1).max(50) }).strict(),
    z.object({ kind: z.literal('answered'), questionId: Id }).strict(),
    z.object({ kind: z.literal('npsCategory'), questionId: Id, in: z.array(z.enum(NPS_CATEGORIES)).min(1).max(3) }).strict(),
    z.object({ kind: z.literal('context'), field: z.enum(CONTEXT_FIELDS), in: z.array(z.string().min(1).max(64)).min(1).max(100) }).strict(),
    z
      .object({
        kind: z.literal('not'),
        get condition() {
          return ConditionSchema;
        },
      })
      .strict(),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `unknown condition kind; expected one of ${LEAF_KINDS.join(', ')}, or a group with "match" and "conditions"`
        : issue.code === 'invalid_type'
          ? 'a condition must be an object'
          : undefined,
  },
).meta({ id: 'Condition', description: 'One condition: a leaf with a "kind", or a nested group.' });

/**
 * Refuses trees nested deeper than MAX_CONDITION_DEPTH or larger than MAX_CONDITIONS_PER_TREE before zod walks them,
 * so a hostile body cannot make parsing (or later evaluation) recurse without bound. Iterative, and it stops at the
 * first excess. Returns the input unchanged.
 */
function boundTree(input: unknown, ctx: z.RefinementCtx): unknown {
  const stack: { node: unknown; depth: number; path: (string | number)[] }[] = [{ node: input, depth: 0, path: [] }];
  let count = 0;
  while (stack.length) {
    const { node, depth, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    count += 1;
    if (count > MAX_CONDITIONS_PER_TREE) {
      ctx.addIssue({ code: 'custom', path, message: `too many conditions: at most ${MAX_CONDITIONS_PER_TREE} in one rule` });
      return input;
    }
    const record = node as Record<string, unknown>;
    const children = Array.isArray(record.conditions) ? record.conditions : record.kind === 'not' ? [record.condition] : null;
    if (!children) continue;
    if (depth + 1 > MAX_CONDITION_DEPTH) {
      ctx.addIssue({ code: 'custom', path, message: `conditions nest too deep: at most ${MAX_CONDITION_DEPTH} levels of groups and "not"` });
      return input;
    }
    if (Array.isArray(record.conditions)) {
      // Past the per-group limit zod reports the array's size; no need to walk the excess.
      const n = Math.min(record.conditions.length, MAX_CONDITIONS_PER_GROUP + 1);
      for (let i = 0; i < n; i++) stack.push({ node: record.conditions[i], depth: depth + 1, path: [...path, 'conditions', i] });
    } else {
      stack.push({ node: record.condition, depth: depth + 1, path: [...path, 'condition'] });
    }
  }
  return input;
}

export const Condition = z.preprocess(boundTree, ConditionSchema) as unknown as z.ZodType<Condition, Condition>;
/** `showIf` and `endIf`: always a group at the top, as the contract fixes. */
export const ConditionGroup = z.preprocess(boundTree, groupSchema) as unknown as z.ZodType<ConditionGroup, ConditionGroup>;
