import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Condition } from '../../functions/domain/logic-schema.ts';
import { MAX_CONDITION_DEPTH, MAX_CONDITIONS_PER_TREE } from '../../functions/domain/logic-schema.ts';
import { Survey, type SurveyInput } from '../../functions/domain/survey.ts';

type QuestionInput = SurveyInput['questions'][number];
const en = (text: string) => ({ en: text, ru: text });
const q = {
  nps: (id: string, extra: Partial<QuestionInput> = {}) => ({ id, type: 'nps', nodeId: 'overall', label: en(id), ...extra }) as QuestionInput,
  csat: (id: string, extra: Partial<QuestionInput> = {}) => ({ id, type: 'csat', nodeId: 'overall', label: en(id), ...extra }) as QuestionInput,
  ces: (id: string, extra: Partial<QuestionInput> = {}) => ({ id, type: 'ces', nodeId: 'overall', label: en(id), ...extra }) as QuestionInput,
  rating: (id: string, scale: number, extra: Partial<QuestionInput> = {}) => ({ id, type: 'rating', scale, nodeId: 'overall', label: en(id), ...extra }) as QuestionInput,
  text: (id: string, extra: Partial<QuestionInput> = {}) => ({ id, type: 'text', nodeId: 'overall', label: en(id), ...extra }) as QuestionInput,
  single: (id: string, extra: Partial<QuestionInput> = {}) =>
    ({ id, type: 'single', nodeId: 'overall', label: en(id), options: ['a', 'b', 'c'].map((o) => ({ id: o, label: en(o) })), ...extra }) as QuestionInput,
  multi: (id: string, extra: Partial<QuestionInput> = {}) =>
    ({ id, type: 'multi', nodeId: 'overall', label: en(id), options: ['a', 'b', 'c'].map((o) => ({ id: o, label: en(o) })), ...extra }) as QuestionInput,
};
const all = (...conditions: Condition[]) => ({ match: 'all' as const, conditions });
const any = (...conditions: Condition[]) => ({ match: 'any' as const, conditions });
const score = (questionId: string, op: 'lte' | 'lt' | 'gte' | 'gt' | 'eq', value: number): Condition => ({ kind: 'score', questionId, op, value });

/** nps (0), csat (1), single (2), multi (3), text (4), rating 1–4 (5); the last question has no logic. */
function base(): SurveyInput {
  return {
    id: 'logic',
    title: en('Logic'),
    locales: ['en', 'ru'],
    defaultLocale: 'en',
    indicatorTree: [{ id: 'overall', parentId: null, label: en('Overall') }],
    questions: [q.nps('nps'), q.csat('csat'), q.single('one'), q.multi('many'), q.text('why'), q.rating('stars', 4)],
  };
}
function withLogic(change: (s: SurveyInput) => void): SurveyInput {
  const s = base();
  change(s);
  return s;
}
function issues(input: SurveyInput): string[] {
  const result = Survey.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}
const showIf = (index: number, condition: { match: 'all' | 'any'; conditions: Condition[] }) => (s: SurveyInput) => {
  s.questions[index]!.showIf = condition;
};
const threePages = (s: SurveyInput) => {
  s.pages = [
    { id: 'p1', questionIds: ['nps', 'csat'] },
    { id: 'p2', questionIds: ['one', 'many'] },
    { id: 'p3', questionIds: ['why', 'stars'] },
  ];
};

describe('valid logic is accepted', () => {
  const cases: [string, (s: SurveyInput) => void][] = [
    ['a follow-up on a low CSAT', showIf(4, all(score('csat', 'lte', 2)))],
    ['NPS category and options chosen', showIf(4, any({ kind: 'npsCategory', questionId: 'nps', in: ['detractor', 'passive'] }, { kind: 'choice', questionId: 'many', optionIds: ['a', 'c'] }))],
    ['answered, not, nested groups and context', showIf(5, all(any({ kind: 'answered', questionId: 'why' }, { kind: 'not', condition: score('nps', 'gte', 9) }), { kind: 'context', field: 'locale', in: ['ru'] }, { kind: 'context', field: 'unitId', in: ['any-unit'] }))],
    ['score bounds that leave a range (7–8)', showIf(4, all(score('nps', 'gte', 7), score('nps', 'lte', 8)))],
    ['a fractional bound that still leaves answers', showIf(4, all(score('csat', 'lt', 2.5)))],
    ['a bound at the end of the scale (gte 10 on NPS, lte 1 on CSAT)', showIf(4, any(score('nps', 'gte', 10), score('csat', 'lte', 1)))],
    ['two options of a multiple choice in one "all" (they can co-occur)', showIf(4, all({ kind: 'choice', questionId: 'many', optionIds: ['a'] }, { kind: 'choice', questionId: 'many', optionIds: ['b'] }))],
    ['two single-choice conditions that share an option', showIf(4, all({ kind: 'choice', questionId: 'one', optionIds: ['a', 'b'] }, { kind: 'choice', questionId: 'one', optionIds: ['b', 'c'] }))],
    ['contradictions only inside an "any" are fine', showIf(4, any(score('nps', 'lte', 3), score('nps', 'gte', 9)))],
    ['a question after one that is sometimes shown', (s) => {
      showIf(1, all(score('nps', 'lte', 6)))(s);
      showIf(4, all(score('csat', 'lte', 2)))(s);
    }],
    ['pages with logic on earlier pages', (s) => {
      threePages(s);
      showIf(2, all(score('csat', 'lte', 2)))(s);
      showIf(4, all({ kind: 'choice', questionId: 'one', optionIds: ['a'] }, score('nps', 'lte', 6)))(s);
    }],
    ['logic ON the last question', showIf(5, all({ kind: 'answered', questionId: 'why' }))],
    ['an end rule referring to the last question', (s) => {
      s.endIf = all(score('stars', 'lte', 1));
    }],
    ['an end rule on a question of the first page, with pages', (s) => {
      threePages(s);
      s.endIf = any({ kind: 'choice', questionId: 'one', optionIds: ['c'] }, { kind: 'npsCategory', questionId: 'nps', in: ['promoter'] });
    }],
    ['questions listed in another order than the pages', (s) => {
      s.questions.reverse();
      threePages(s);
      showIf(0, all(score('nps', 'lte', 6)))(s); // "stars", first in `questions`, last on the pages
    }],
    ['an explicit group tag', showIf(4, { kind: 'group', match: 'all', conditions: [score('nps', 'lte', 6)] } as never)],
  ];
  it.each(cases)('%s', (_name, change) => {
    expect(issues(withLogic(change))).toEqual([]);
  });
});

describe('refused logic names the field', () => {
  const cases: [string, (s: SurveyInput) => void, string][] = [
    // missing questions and options: also what removing a question or option that logic uses looks like
    ['a condition on a missing question', showIf(4, all(score('gone', 'lte', 2))), 'questions.4.showIf.conditions.0.questionId: question "gone" is used by the logic of "why" but is not in the survey'],
    ['a removed option', showIf(4, all({ kind: 'choice', questionId: 'one', optionIds: ['a', 'zz'] })), 'questions.4.showIf.conditions.0.optionIds.1: option "zz" of question "one" is used by the logic of "why" but is not one of its options'],
    ['a condition on a later question', showIf(1, all(score('stars', 'lte', 2))), 'questions.1.showIf.conditions.0.questionId: question "stars" comes after "csat"; logic may only read earlier questions'],
    ['a condition on the question itself', showIf(1, all(score('csat', 'lte', 2))), 'questions.1.showIf.conditions.0.questionId: the logic of "csat" cannot read its own answer'],
    ['a condition on the same page', (s) => {
      threePages(s);
      showIf(1, all(score('nps', 'lte', 6)))(s);
    }, 'questions.1.showIf.conditions.0.questionId: question "nps" is on the same page as "csat"; logic may only read questions on earlier pages, because the form is sent page by page'],
    ['a condition on a later page, even if earlier in `questions`', (s) => {
      s.pages = [
        { id: 'p1', questionIds: ['why', 'stars'] },
        { id: 'p2', questionIds: ['nps', 'csat', 'one', 'many'] },
      ];
      showIf(4, all(score('nps', 'lte', 6)))(s);
    }, 'questions.4.showIf.conditions.0.questionId: question "nps" comes after "why"; logic may only read earlier questions'],
    ['deep in a nested group', showIf(4, all(any(score('nps', 'lte', 6), { kind: 'not', condition: score('ghost', 'eq', 1) }))), 'questions.4.showIf.conditions.0.conditions.1.condition.questionId: question "ghost" is used by the logic of "why" but is not in the survey'],
    // type mismatches
    ['NPS ≥ 11', showIf(4, all(score('nps', 'gte', 11))), 'questions.4.showIf.conditions.0.value: "gte 11" can never hold: "nps" is answered with whole numbers from 0 to 10'],
    ['NPS > 10', showIf(4, all(score('nps', 'gt', 10))), 'questions.4.showIf.conditions.0.value: "gt 10" can never hold: "nps" is answered with whole numbers from 0 to 10'],
    ['CSAT 0', showIf(4, all(score('csat', 'eq', 0))), 'questions.4.showIf.conditions.0.value: "eq 0" can never hold: "csat" is answered with whole numbers from 1 to 5'],
    ['CSAT < 1', showIf(4, all(score('csat', 'lt', 1))), 'questions.4.showIf.conditions.0.value: "lt 1" can never hold: "csat" is answered with whole numbers from 1 to 5'],
    ['a fractional eq', showIf(4, all(score('csat', 'eq', 2.5))), 'questions.4.showIf.conditions.0.value: "eq 2.5" can never hold: "csat" is answered with whole numbers from 1 to 5'],
    ['a rating above its own scale (1–4)', (s) => {
      s.endIf = all(score('stars', 'gte', 5));
    }, 'endIf.conditions.0.value: "gte 5" can never hold: "stars" is answered with whole numbers from 1 to 4'],
    ['a score condition on a choice question', showIf(4, all(score('one', 'lte', 2))), 'questions.4.showIf.conditions.0.questionId: question "one" is a single-choice question; a score condition needs an NPS, CSAT, CES or rating question'],
    ['a score condition on a text question', showIf(5, all(score('why', 'gte', 1))), 'questions.5.showIf.conditions.0.questionId: question "why" is an open-text question; a score condition needs an NPS, CSAT, CES or rating question'],
    ['a choice condition on a score question', showIf(4, all({ kind: 'choice', questionId: 'csat', optionIds: ['a'] })), 'questions.4.showIf.conditions.0.questionId: question "csat" is a CSAT question; a choice condition needs a single- or multiple-choice question'],
    ['an NPS category on a CSAT question', showIf(4, all({ kind: 'npsCategory', questionId: 'csat', in: ['detractor'] })), 'questions.4.showIf.conditions.0.questionId: question "csat" is a CSAT question; an NPS category needs an NPS question'],
    ['a locale the survey is not offered in', showIf(4, all({ kind: 'context', field: 'locale', in: ['en', 'zh'] })), 'questions.4.showIf.conditions.0.in.1: "zh" is not one of the survey\'s locales (en, ru)'],
    // never shown
    ['contradictory score bounds', showIf(4, all(score('nps', 'gte', 9), score('nps', 'lte', 6))), 'questions.4.showIf: "why" can never be shown: its conditions on the score of "nps" exclude each other'],
    ['a score bound against an NPS category', showIf(4, all({ kind: 'npsCategory', questionId: 'nps', in: ['promoter'] }, score('nps', 'lt', 9))), 'questions.4.showIf: "why" can never be shown: its conditions on the score of "nps" exclude each other'],
    ['contradictions through a nested "all"', showIf(4, all(score('csat', 'gt', 3), all({ kind: 'answered', questionId: 'one' }, score('csat', 'lt', 4)))), 'questions.4.showIf: "why" can never be shown: its conditions on the score of "csat" exclude each other'],
    ['two options of one single choice', showIf(4, all({ kind: 'choice', questionId: 'one', optionIds: ['a'] }, { kind: 'choice', questionId: 'one', optionIds: ['b'] })), 'questions.4.showIf: "why" can never be shown: "one" is a single choice, and no one option meets all its conditions'],
    ['answered and not answered', showIf(4, all({ kind: 'answered', questionId: 'csat' }, { kind: 'not', condition: { kind: 'answered', questionId: 'csat' } })), 'questions.4.showIf: "why" can never be shown: it needs "csat" both answered and not answered'],
    ['two locales at once', showIf(4, all({ kind: 'context', field: 'locale', in: ['en'] }, { kind: 'context', field: 'locale', in: ['ru'] })), 'questions.4.showIf: "why" can never be shown: its locale conditions exclude each other'],
    ['two touchpoints at once', showIf(4, all({ kind: 'context', field: 'touchpoint', in: ['checkin'] }, { kind: 'context', field: 'touchpoint', in: ['checkout'] })), 'questions.4.showIf: "why" can never be shown: its touchpoint conditions exclude each other'],
    ['an "any" group where nothing can hold', showIf(4, all(any(all(score('nps', 'gte', 9), score('nps', 'lte', 3)), all(score('csat', 'eq', 1), score('csat', 'eq', 2))))), 'questions.4.showIf: "why" can never be shown: no condition of an "any" group can hold (its conditions on the score of "nps" exclude each other; its conditions on the score of "csat" exclude each other)'],
    // end rule
    ['an end rule on a missing question', (s) => {
      s.endIf = all({ kind: 'answered', questionId: 'gone' });
    }, 'endIf.conditions.0.questionId: question "gone" is used by the end rule but is not in the survey'],
    ['an end rule with NPS ≥ 11', (s) => {
      s.endIf = all(score('nps', 'gte', 11));
    }, 'endIf.conditions.0.value: "gte 11" can never hold: "nps" is answered with whole numbers from 0 to 10'],
    ['an end rule with an unknown option', (s) => {
      s.endIf = any({ kind: 'choice', questionId: 'many', optionIds: ['nope'] });
    }, 'endIf.conditions.0.optionIds.0: option "nope" of question "many" is used by the end rule but is not one of its options'],
    // pages
    ['a question on no page', (s) => {
      threePages(s);
      s.pages![2]!.questionIds = ['why'];
    }, 'questions.5.id: question "stars" is on no page; every question must be on exactly one page'],
    ['a question on two pages', (s) => {
      threePages(s);
      s.pages![2]!.questionIds.push('nps');
    }, 'pages.2.questionIds.2: question "nps" is already on page "p1"; a question is on exactly one page'],
    ['a question twice on one page', (s) => {
      threePages(s);
      s.pages![0]!.questionIds.push('nps');
    }, 'pages.0.questionIds.2: question "nps" is listed twice on this page; a question is on exactly one page'],
    ['an unknown question on a page', (s) => {
      threePages(s);
      s.pages![1]!.questionIds.push('ghost');
    }, 'pages.1.questionIds.2: unknown question "ghost"'],
    ['duplicate page ids', (s) => {
      threePages(s);
      s.pages![2]!.id = 'p1';
    }, 'pages.2.id: duplicate page "p1"'],
    ['an empty page', (s) => {
      threePages(s);
      s.pages!.push({ id: 'p4', questionIds: [] });
    }, 'pages.3.questionIds: Too small: expected array to have >=1 items'],
  ];
  it.each(cases)('%s', (_name, change, expected) => {
    expect(issues(withLogic(change))).toContain(expected);
  });

  it('a question that depends on a question that can never be shown can never be shown either (and so on down the chain)', () => {
    const found = issues(
      withLogic((s) => {
        showIf(1, all(score('nps', 'gte', 9), score('nps', 'lte', 6)))(s);
        showIf(4, any({ kind: 'answered', questionId: 'csat' }, score('csat', 'lte', 2)))(s);
        showIf(5, all({ kind: 'answered', questionId: 'why' }))(s);
      }),
    );
    expect(found).toEqual([
      'questions.1.showIf: "csat" can never be shown: its conditions on the score of "nps" exclude each other',
      'questions.4.showIf: "why" can never be shown: it depends on "csat", which can never be shown',
      'questions.5.showIf: "stars" can never be shown: it depends on "why", which can never be shown',
    ]);
  });

  it('a condition that only might fail is no reason to refuse: "not" of a never-shown question holds', () => {
    const found = issues(
      withLogic((s) => {
        showIf(1, all(score('nps', 'gte', 9), score('nps', 'lte', 6)))(s);
        showIf(4, all({ kind: 'not', condition: { kind: 'answered', questionId: 'csat' } }))(s);
      }),
    );
    expect(found).toEqual(['questions.1.showIf: "csat" can never be shown: its conditions on the score of "nps" exclude each other']);
  });

  it('a malformed condition is reported once, not again as "never shown"', () => {
    expect(issues(withLogic(showIf(4, all(score('nps', 'gte', 11)))))).toEqual([
      'questions.4.showIf.conditions.0.value: "gte 11" can never hold: "nps" is answered with whole numbers from 0 to 10',
    ]);
  });
});

describe('malformed conditions name the field, not "Invalid input"', () => {
  const cases: [string, unknown, string][] = [
    ['a bad operator', { kind: 'score', questionId: 'nps', op: 'le', value: 3 }, 'questions.4.showIf.conditions.0.op: Invalid option: expected one of "lte"|"lt"|"gte"|"gt"|"eq"'],
    ['a score given as text', { kind: 'score', questionId: 'nps', op: 'lte', value: '3' }, 'questions.4.showIf.conditions.0.value: Invalid input: expected number, received string'],
    ['an unknown kind', { kind: 'regex', questionId: 'nps' }, 'questions.4.showIf.conditions.0.kind: unknown condition kind; expected one of score, choice, answered, npsCategory, context, not, or a group with "match" and "conditions"'],
    ['a leaf without kind', { questionId: 'nps', op: 'lte', value: 3 }, 'questions.4.showIf.conditions.0.match: expected "all" or "any" (a single condition names its "kind" instead)'],
    ['an extra field', { kind: 'answered', questionId: 'nps', expression: 'x' }, 'questions.4.showIf.conditions.0: Unrecognized key: "expression"'],
    ['an empty option list', { kind: 'choice', questionId: 'one', optionIds: [] }, 'questions.4.showIf.conditions.0.optionIds: Too small: expected array to have >=1 items'],
    ['an unknown NPS category', { kind: 'npsCategory', questionId: 'nps', in: ['fan'] }, 'questions.4.showIf.conditions.0.in.0: Invalid option: expected one of "detractor"|"passive"|"promoter"'],
    ['an unknown context field', { kind: 'context', field: 'city', in: ['x'] }, 'questions.4.showIf.conditions.0.field: Invalid option: expected one of "touchpoint"|"unitId"|"locale"'],
    ['inside a not', { kind: 'not', condition: { kind: 'score', questionId: 'nps', op: 'lte' } }, 'questions.4.showIf.conditions.0.condition.value: Invalid input: expected number, received undefined'],
    ['not an object', 'nps <= 6', 'questions.4.showIf.conditions.0: a condition must be an object'],
  ];
  it.each(cases)('%s', (_name, condition, expected) => {
    const input = base();
    (input.questions[4] as { showIf: unknown }).showIf = { match: 'all', conditions: [condition] };
    expect(issues(input)).toContain(expected);
  });

  it('refuses a top-level showIf that is not a group', () => {
    const input = base();
    (input.questions[4] as { showIf: unknown }).showIf = { kind: 'answered', questionId: 'nps' };
    expect(issues(input)).toContain('questions.4.showIf.match: expected "all" or "any" (a single condition names its "kind" instead)');
  });

  it(`refuses nesting deeper than ${MAX_CONDITION_DEPTH} levels, before walking it, even when very deep`, () => {
    const nest = (levels: number) => {
      let tree: unknown = { kind: 'answered', questionId: 'nps' };
      for (let i = 1; i < levels; i++) tree = i % 2 ? { kind: 'not', condition: tree } : { match: 'any', conditions: [tree] };
      return { match: 'all', conditions: [tree] };
    };
    const at = (levels: number) => {
      const input = base();
      (input.questions[4] as { showIf: unknown }).showIf = nest(levels);
      return issues(input);
    };
    expect(at(MAX_CONDITION_DEPTH)).toEqual([]);
    expect(at(MAX_CONDITION_DEPTH + 1)).toEqual([
      'questions.4.showIf.conditions.0.condition.conditions.0.condition.conditions.0: conditions nest too deep: at most 5 levels of groups and "not"',
    ]);
    // 100,000 levels: refused with one issue, no stack overflow.
    expect(at(100_000)).toHaveLength(1);
  });

  it(`refuses more than ${MAX_CONDITIONS_PER_TREE} conditions in one rule`, () => {
    const input = base();
    const group = (n: number) => ({ match: 'any' as const, conditions: Array.from({ length: n }, () => score('nps', 'lte', 6)) });
    input.questions[4]!.showIf = all(...Array.from({ length: 11 }, () => group(19)));
    expect(issues(input)).toEqual([expect.stringMatching(/^questions\.4\.showIf\.conditions\.\d+\.conditions\.\d+: too many conditions: at most 200 in one rule$/)]);
    input.questions[4]!.showIf = all(...Array.from({ length: 9 }, () => group(19)));
    expect(issues(input)).toEqual([]);
  });
});

describe('the survey JSON Schema', () => {
  it('is generated from the zod schema, logic and pages included', () => {
    for (const io of ['output', 'input'] as const) {
      const generated = z.toJSONSchema(Survey, { io });
      // The recursion is described by named definitions (the OpenAPI generator needs the same names to terminate).
      expect(Object.keys(generated.$defs ?? {})).toEqual(expect.arrayContaining(['Condition', 'ConditionGroup']));
      const schema = JSON.stringify(generated);
      for (const word of ['"showIf"', '"endIf"', '"pages"', '"npsCategory"', '"questionIds"', '"lte"', '"oneOf"']) expect(schema).toContain(word);
    }
  });
});

describe('what every response answers decides what can never be shown', () => {
  const requiredNps = (s: SurveyInput) => {
    s.questions[0] = q.nps('nps', { required: true });
  };
  const refused: [string, (s: SurveyInput) => void, RegExp][] = [
    ['"not answered" of a required question shown to everyone', (s) => (requiredNps(s), showIf(4, all({ kind: 'not', condition: { kind: 'answered', questionId: 'nps' } }))(s)), /questions\.4\.showIf: "why" can never be shown/],
    ['"not (nps ≥ 0)" of a required NPS', (s) => (requiredNps(s), showIf(4, any({ kind: 'not', condition: score('nps', 'gte', 0) }))(s)), /questions\.4\.showIf: "why" can never be shown/],
    ['answered and "not (csat ≥ 1)" together (every CSAT answer is ≥ 1)', showIf(4, all({ kind: 'not', condition: score('csat', 'gte', 1) }, { kind: 'answered', questionId: 'csat' })), /questions\.4\.showIf: "why" can never be shown/],
    ['an end rule every response meets, before the last page', (s) => (requiredNps(s), threePages(s), (s.endIf = all(score('nps', 'gte', 0)))), /^endIf: the end rule holds for every response/],
  ];
  it.each(refused)('refuses %s', (_what, change, expected) => {
    expect(issues(withLogic(change))).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  const accepted: [string, (s: SurveyInput) => void][] = [
    ['"not answered" of an optional question', showIf(4, all({ kind: 'not', condition: { kind: 'answered', questionId: 'nps' } }))],
    ['"not (nps ≥ 9)" of a required NPS', (s) => (requiredNps(s), showIf(4, all({ kind: 'not', condition: score('nps', 'gte', 9) }))(s))],
    ['a screening end rule (detractors stop after page 1)', (s) => (requiredNps(s), threePages(s), (s.endIf = all(score('nps', 'lte', 6))))],
    ['an end rule every response meets, read on the last page', (s) => (threePages(s), (s.questions[5] = q.rating('stars', 4, { required: true })), (s.endIf = all({ kind: 'answered', questionId: 'stars' })))],
  ];
  it.each(accepted)('accepts %s', (_what, change) => {
    expect(issues(withLogic(change))).toEqual([]);
  });
});
