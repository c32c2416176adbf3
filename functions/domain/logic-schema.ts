// The shape of display logic, stored as data: a condition tree over earlier answers and the response's context.
// Evaluated by one pure function (logic.ts); there are no string expressions and nothing is ever eval'ed.
import { z } from 'zod';

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'use letters, digits, "-" and "_" only');

/** Deepest nesting of condition groups: plenty for real screening logic, and it bounds evaluation. */
export const MAX_CONDITION_DEPTH = 5;
/** Conditions one group may list. */
export const MAX_CONDITIONS_PER_GROUP = 20;

export const SCORE_OPS = ['lte', 'lt', 'gte', 'gt', 'eq'] as const;
export const CONTEXT_FIELDS = ['touchpoint', 'unitId', 'locale'] as const;
export const NPS_CATEGORIES = ['detractor', 'passive', 'promoter'] as const;

export type LeafCondition =
  | { kind: 'score'; questionId: string; op: (typeof SCORE_OPS)[number]; value: number }
  | { kind: 'choice'; questionId: string; optionIds: string[] }
  | { kind: 'answered'; questionId: string }
  /** An NPS question's category (detractor 0–6, passive 7–8, promoter 9–10). */
  | { kind: 'npsCategory'; questionId: string; in: (typeof NPS_CATEGORIES)[number][] }
  /** `unitId` matches the response's unit or any unit above it, so a condition on a region covers its stores. */
  | { kind: 'context'; field: (typeof CONTEXT_FIELDS)[number]; in: string[] }
  | { kind: 'not'; condition: Exclude<LeafCondition, { kind: 'not' }> };

export interface ConditionGroup {
  match: 'all' | 'any';
  conditions: Condition[];
}

export type Condition = LeafCondition | ConditionGroup;

const leafShapes = [
  z.object({ kind: z.literal('score'), questionId: Id, op: z.enum(SCORE_OPS), value: z.number().finite() }).strict(),
  z.object({ kind: z.literal('choice'), questionId: Id, optionIds: z.array(Id).min(1).max(50) }).strict(),
  z.object({ kind: z.literal('answered'), questionId: Id }).strict(),
  z.object({ kind: z.literal('npsCategory'), questionId: Id, in: z.array(z.enum(NPS_CATEGORIES)).min(1).max(3) }).strict(),
  z.object({ kind: z.literal('context'), field: z.enum(CONTEXT_FIELDS), in: z.array(z.string().min(1).max(64)).min(1).max(100) }).strict(),
] as const;
const positiveLeaf = z.discriminatedUnion('kind', [...leafShapes]);
/** `not` negates one leaf; a negated group is written with De Morgan (any ↔ all over negated leaves). */
const leaf = z.discriminatedUnion('kind', [...leafShapes, z.object({ kind: z.literal('not'), condition: positiveLeaf }).strict()]);

// The tree is built level by level instead of recursively: its depth is bounded by construction, and the schema stays
// an ordinary finite one that the OpenAPI and JSON Schema generators can walk (recursive zod schemas overflow them).
function groupOf(inner: z.ZodType) {
  return z.object({ match: z.enum(['all', 'any']), conditions: z.array(inner).min(1).max(MAX_CONDITIONS_PER_GROUP) }).strict();
}
let level: z.ZodType = groupOf(leaf);
for (let depth = 2; depth <= MAX_CONDITION_DEPTH; depth++) level = groupOf(z.union([leaf, level]));

/** One condition: a leaf or a group (nested at most MAX_CONDITION_DEPTH groups deep, counting the top one). */
export const Condition = z.union([leaf, level]) as unknown as z.ZodType<Condition>;
/** `showIf` and `endIf`: always a group at the top, as the contract fixes. */
export const ConditionGroup = level as unknown as z.ZodType<ConditionGroup>;
