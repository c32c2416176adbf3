import { describe, expect, it } from 'vitest';
import { captureResponse } from '../../functions/api/capture.ts';
import { type Answers, checkAnswers } from '../../functions/domain/answers.ts';
import { evaluate, isShown, type LogicContext, SINGLE_PAGE_ID, surveyFlow, surveyPages } from '../../functions/domain/logic.ts';
import type { Condition, ConditionGroup } from '../../functions/domain/logic-schema.ts';
import type { OrgUnit } from '../../functions/domain/org.ts';
import { Survey, type SurveyInput, type SurveyVersion } from '../../functions/domain/survey.ts';
import type { Catalog, CatalogStore, ResponseStore, StoredResponse } from '../../functions/ports.ts';

const en = (text: string) => ({ en: text });
const ctx: LogicContext = { touchpoint: 'checkin', unitLineage: ['store-7', 'north', 'hq'], locale: 'en' };
const all = (...conditions: Condition[]): ConditionGroup => ({ match: 'all', conditions });
const any = (...conditions: Condition[]): ConditionGroup => ({ match: 'any', conditions });
const score = (questionId: string, op: 'lte' | 'lt' | 'gte' | 'gt' | 'eq', value: number): Condition => ({ kind: 'score', questionId, op, value });

describe('evaluate: one leaf at a time', () => {
  const cases: [string, Condition, Answers, boolean][] = [
    ['lte holds at the bound', score('q', 'lte', 2), { q: 2 }, true],
    ['lte fails above the bound', score('q', 'lte', 2), { q: 3 }, false],
    ['lt is strict', score('q', 'lt', 2), { q: 2 }, false],
    ['gte holds at the bound', score('q', 'gte', 9), { q: 9 }, true],
    ['gt is strict', score('q', 'gt', 9), { q: 9 }, false],
    ['eq on the same number', score('q', 'eq', 0), { q: 0 }, true],
    // The complaint about other tools: a text "9" must never equal (or exceed) the number 9.
    ['a string is never compared with a number (eq)', score('q', 'eq', 9), { q: '9' }, false],
    ['a string is never compared with a number (gte)', score('q', 'gte', 1), { q: '10' }, false],
    ['a list is not a score', score('q', 'gte', 0), { q: ['9'] }, false],
    ['an unanswered score is false', score('q', 'lte', 10), {}, false],
    ['not of an unanswered score is true', { kind: 'not', condition: score('q', 'lte', 6) }, {}, true],
    ['not of a holding score is false', { kind: 'not', condition: score('q', 'lte', 6) }, { q: 3 }, false],
    ['choice on a single answer', { kind: 'choice', questionId: 'c', optionIds: ['a', 'b'] }, { c: 'b' }, true],
    ['choice on a single answer not listed', { kind: 'choice', questionId: 'c', optionIds: ['a'] }, { c: 'b' }, false],
    ['choice matches when ANY listed option is among a multi answer', { kind: 'choice', questionId: 'c', optionIds: ['x', 'b'] }, { c: ['a', 'b'] }, true],
    ['choice on a multi answer without a listed option', { kind: 'choice', questionId: 'c', optionIds: ['x'] }, { c: ['a', 'b'] }, false],
    ['choice on a number is false', { kind: 'choice', questionId: 'c', optionIds: ['1'] }, { c: 1 }, false],
    ['choice unanswered', { kind: 'choice', questionId: 'c', optionIds: ['a'] }, {}, false],
    ['answered: zero is an answer', { kind: 'answered', questionId: 'q' }, { q: 0 }, true],
    ['answered: text', { kind: 'answered', questionId: 'q' }, { q: 'ok' }, true],
    ['answered: blank text is not', { kind: 'answered', questionId: 'q' }, { q: '  ' }, false],
    ['answered: an empty list is not', { kind: 'answered', questionId: 'q' }, { q: [] }, false],
    ['answered: absent', { kind: 'answered', questionId: 'q' }, {}, false],
    ['answered: an inherited property is no answer', { kind: 'answered', questionId: 'constructor' }, {}, false],
    ['score: an inherited property is no answer', score('toString', 'gte', 0), {}, false],
    ['npsCategory 0 is a detractor', { kind: 'npsCategory', questionId: 'n', in: ['detractor'] }, { n: 0 }, true],
    ['npsCategory 6 is a detractor', { kind: 'npsCategory', questionId: 'n', in: ['detractor'] }, { n: 6 }, true],
    ['npsCategory 7 is passive', { kind: 'npsCategory', questionId: 'n', in: ['passive'] }, { n: 7 }, true],
    ['npsCategory 8 is passive, not a promoter', { kind: 'npsCategory', questionId: 'n', in: ['promoter'] }, { n: 8 }, false],
    ['npsCategory 9 is a promoter', { kind: 'npsCategory', questionId: 'n', in: ['promoter'] }, { n: 9 }, true],
    ['npsCategory 10 is a promoter', { kind: 'npsCategory', questionId: 'n', in: ['passive', 'promoter'] }, { n: 10 }, true],
    ['npsCategory: "9" is text, no category', { kind: 'npsCategory', questionId: 'n', in: ['promoter'] }, { n: '9' }, false],
    ['npsCategory: 11 is off the scale', { kind: 'npsCategory', questionId: 'n', in: ['promoter'] }, { n: 11 }, false],
    ['npsCategory: 6.5 is no score', { kind: 'npsCategory', questionId: 'n', in: ['detractor', 'passive'] }, { n: 6.5 }, false],
    ['npsCategory unanswered', { kind: 'npsCategory', questionId: 'n', in: ['detractor'] }, {}, false],
    ['touchpoint matches exactly', { kind: 'context', field: 'touchpoint', in: ['checkin'] }, {}, true],
    ['touchpoint is case-sensitive', { kind: 'context', field: 'touchpoint', in: ['Checkin'] }, {}, false],
    ['locale', { kind: 'context', field: 'locale', in: ['zh', 'en'] }, {}, true],
    ['locale not listed', { kind: 'context', field: 'locale', in: ['ru'] }, {}, false],
    ['unitId matches the unit itself', { kind: 'context', field: 'unitId', in: ['store-7'] }, {}, true],
    ['unitId matches a unit above (the region)', { kind: 'context', field: 'unitId', in: ['south', 'north'] }, {}, true],
    ['unitId does not match a sibling', { kind: 'context', field: 'unitId', in: ['store-8'] }, {}, false],
  ];
  it.each(cases)('%s', (_name, condition, answers, expected) => {
    expect(evaluate(condition, answers, ctx)).toBe(expected);
  });

  it('a response without touchpoint matches no touchpoint, and not(touchpoint) holds', () => {
    const noTouchpoint: LogicContext = { unitLineage: ['hq'], locale: 'en' };
    const touchpoint: Condition = { kind: 'context', field: 'touchpoint', in: ['checkin'] };
    expect(evaluate(touchpoint, {}, noTouchpoint)).toBe(false);
    expect(evaluate({ kind: 'not', condition: touchpoint }, {}, noTouchpoint)).toBe(true);
    expect(evaluate({ kind: 'context', field: 'unitId', in: ['hq'] }, {}, { ...noTouchpoint, unitLineage: [] })).toBe(false);
  });
});

describe('evaluate: groups', () => {
  const cases: [string, Condition, Answers, boolean][] = [
    ['all: every member holds', all(score('a', 'lte', 2), { kind: 'answered', questionId: 'b' }), { a: 1, b: 'x' }, true],
    ['all: one member fails', all(score('a', 'lte', 2), { kind: 'answered', questionId: 'b' }), { a: 1 }, false],
    ['any: one member holds', any(score('a', 'lte', 2), { kind: 'answered', questionId: 'b' }), { b: 'x' }, true],
    ['any: none holds', any(score('a', 'lte', 2), { kind: 'answered', questionId: 'b' }), { a: 5 }, false],
    ['nested: all of (any, not)', all(any(score('a', 'eq', 1), score('a', 'eq', 2)), { kind: 'not', condition: { kind: 'answered', questionId: 'b' } }), { a: 2 }, true],
    ['not of a group', { kind: 'not', condition: any(score('a', 'eq', 1), score('a', 'eq', 2)) }, { a: 3 }, true],
    ['context and answers together', all({ kind: 'context', field: 'unitId', in: ['north'] }, score('a', 'lte', 6)), { a: 6 }, true],
  ];
  it.each(cases)('%s', (_name, condition, answers, expected) => {
    expect(evaluate(condition, answers, ctx)).toBe(expected);
  });

  it('evaluates five levels of nesting and refuses a sixth rather than giving it a meaning', () => {
    let five: Condition = { kind: 'answered', questionId: 'a' };
    for (let i = 0; i < 5; i++) five = all(five);
    expect(evaluate(five, { a: 1 }, ctx)).toBe(true);
    expect(() => evaluate(all(five), { a: 1 }, ctx)).toThrow(RangeError);
    expect(() => evaluate({ kind: 'not', condition: five }, { a: 1 }, ctx)).toThrow(RangeError);
  });
});

function survey(input: Partial<SurveyInput> & Pick<SurveyInput, 'questions'>): Survey {
  return Survey.parse({
    id: 'hotel',
    title: en('Hotel'),
    locales: ['en'],
    defaultLocale: 'en',
    indicatorTree: [{ id: 'overall', parentId: null, label: en('Overall') }],
    ...input,
  });
}
const nps = (id: string, extra: object = {}) => ({ id, type: 'nps' as const, nodeId: 'overall', label: en(id), ...extra });
const csat = (id: string, extra: object = {}) => ({ id, type: 'csat' as const, nodeId: 'overall', label: en(id), ...extra });
const text = (id: string, extra: object = {}) => ({ id, type: 'text' as const, nodeId: 'overall', label: en(id), ...extra });
const single = (id: string, options: string[], extra: object = {}) => ({
  id,
  type: 'single' as const,
  nodeId: 'overall',
  label: en(id),
  options: options.map((o) => ({ id: o, label: en(o) })),
  ...extra,
});

const shownIds = (flow: ReturnType<typeof surveyFlow>) => flow.pages.map((p) => p.shown.map((q) => q.id));

describe('surveyPages and surveyFlow', () => {
  it('a survey without pages is one page with every question in order', () => {
    const s = survey({ questions: [nps('nps'), text('why')] });
    expect(surveyPages(s).map((p) => [p.id, p.questions.map((q) => q.id)])).toEqual([[SINGLE_PAGE_ID, ['nps', 'why']]]);
    expect(surveyFlow(s, {}, ctx)).toEqual({ pages: [{ id: SINGLE_PAGE_ID, shown: s.questions }], endedAfter: null });
  });

  it('pages list their questions in page order, whatever the order of `questions`', () => {
    const s = survey({
      questions: [text('why'), nps('nps')],
      pages: [
        { id: 'first', questionIds: ['nps'] },
        { id: 'second', questionIds: ['why'] },
      ],
    });
    expect(surveyPages(s).map((p) => p.questions.map((q) => q.id))).toEqual([['nps'], ['why']]);
  });

  it('a page whose questions are all hidden has shown: [] (the form skips it)', () => {
    const s = survey({
      questions: [nps('nps'), text('bad', { showIf: all(score('nps', 'lte', 6)) }), text('more')],
      pages: [
        { id: 'p1', questionIds: ['nps'] },
        { id: 'p2', questionIds: ['bad'] },
        { id: 'p3', questionIds: ['more'] },
      ],
    });
    expect(shownIds(surveyFlow(s, { nps: 10 }, ctx))).toEqual([['nps'], [], ['more']]);
    expect(shownIds(surveyFlow(s, { nps: 3 }, ctx))).toEqual([['nps'], ['bad'], ['more']]);
  });

  // The complaint about other tools: B hidden, yet C (shown if B answered) still appears because a stale B was posted.
  it('chained conditions cascade: a hidden answer never shows what depends on it', () => {
    const s = survey({
      questions: [
        nps('a'),
        text('b', { showIf: all(score('a', 'lte', 6)) }),
        text('c', { showIf: all({ kind: 'answered', questionId: 'b' }) }),
        text('d', { showIf: all({ kind: 'not', condition: { kind: 'answered', questionId: 'c' } }) }),
      ],
    });
    const stale = { a: 10, b: 'left over from a 3', c: 'left over too' };
    expect(shownIds(surveyFlow(s, stale, ctx))).toEqual([['a', 'd']]);
    expect(shownIds(surveyFlow(s, { a: 3, b: 'why', c: 'more' }, ctx))).toEqual([['a', 'b', 'c']]);
    // isShown alone reads exactly what it is given: it is surveyFlow that removes the hidden answers.
    expect(isShown(s.questions[2]!, stale, ctx)).toBe(true);
  });

  it('cascades across pages too', () => {
    const s = survey({
      questions: [nps('a'), single('b', ['x', 'y'], { showIf: all({ kind: 'npsCategory', questionId: 'a', in: ['detractor'] }) }), text('c', { showIf: all({ kind: 'choice', questionId: 'b', optionIds: ['x'] }) })],
      pages: [
        { id: 'p1', questionIds: ['a'] },
        { id: 'p2', questionIds: ['b'] },
        { id: 'p3', questionIds: ['c'] },
      ],
    });
    expect(shownIds(surveyFlow(s, { a: 9, b: 'x' }, ctx))).toEqual([['a'], [], []]);
    expect(shownIds(surveyFlow(s, { a: 2, b: 'x' }, ctx))).toEqual([['a'], ['b'], ['c']]);
  });

  it('logic on the last question works', () => {
    const s = survey({ questions: [nps('nps'), csat('room'), text('last', { showIf: any(score('room', 'lte', 2), { kind: 'context', field: 'touchpoint', in: ['checkout'] }) })] });
    expect(shownIds(surveyFlow(s, { nps: 9, room: 1 }, ctx))).toEqual([['nps', 'room', 'last']]);
    expect(shownIds(surveyFlow(s, { nps: 9, room: 4 }, ctx))).toEqual([['nps', 'room']]);
    expect(shownIds(surveyFlow(s, { nps: 9, room: 4 }, { ...ctx, touchpoint: 'checkout' }))).toEqual([['nps', 'room', 'last']]);
  });

  it('endIf ends the survey after the page where it first holds; later pages show nothing', () => {
    const s = survey({
      questions: [single('guest', ['yes', 'no']), nps('nps'), text('why')],
      pages: [
        { id: 'screen', questionIds: ['guest'] },
        { id: 'score', questionIds: ['nps'] },
        { id: 'why', questionIds: ['why'] },
      ],
      endIf: all({ kind: 'choice', questionId: 'guest', optionIds: ['no'] }),
    });
    const screened = surveyFlow(s, { guest: 'no', nps: 5, why: 'x' }, ctx);
    expect(screened.endedAfter).toBe(0);
    expect(shownIds(screened)).toEqual([['guest'], [], []]);
    expect(surveyFlow(s, { guest: 'yes' }, ctx).endedAfter).toBeNull();
  });

  it('endIf reads only the answers shown so far, and may refer to the last question', () => {
    const s = survey({
      questions: [nps('nps'), text('why', { showIf: all(score('nps', 'lte', 6)) }), nps('last')],
      pages: [
        { id: 'p1', questionIds: ['nps'] },
        { id: 'p2', questionIds: ['why'] },
        { id: 'p3', questionIds: ['last'] },
      ],
      endIf: any({ kind: 'answered', questionId: 'why' }, score('last', 'gte', 9)),
    });
    // "why" is hidden for a 10, so its stale answer does not end the survey; "last" ends it after the last page.
    expect(surveyFlow(s, { nps: 10, why: 'stale', last: 3 }, ctx).endedAfter).toBeNull();
    expect(surveyFlow(s, { nps: 10, last: 10 }, ctx).endedAfter).toBe(2);
    expect(surveyFlow(s, { nps: 2, why: 'slow', last: 3 }, ctx).endedAfter).toBe(1);
  });
});

describe('checkAnswers with display logic', () => {
  const s = survey({
    questions: [
      nps('nps', { required: true }),
      text('why', { required: true, showIf: all(score('nps', 'lte', 6)) }),
      text('north', { showIf: all({ kind: 'context', field: 'unitId', in: ['north'] }) }),
      csat('stay', { required: true }),
    ],
    pages: [
      { id: 'p1', questionIds: ['nps'] },
      { id: 'p2', questionIds: ['why', 'north'] },
      { id: 'p3', questionIds: ['stay'] },
    ],
    endIf: all({ kind: 'context', field: 'touchpoint', in: ['test-link'] }),
  });
  const refuse = { context: ctx, hidden: 'refuse' as const };
  const drop = { context: ctx, hidden: 'drop' as const };

  // The complaint about other tools: the answer to a question the respondent never saw ends up in the data.
  it('never keeps an answer to a hidden question: refused by the API, dropped by the form', () => {
    const raw = { nps: 10, why: 'typed before changing my score', stay: 5 };
    const refused = checkAnswers(s, raw, refuse);
    expect(refused).toEqual({ ok: false, issues: [{ path: 'answers.why', message: expect.stringMatching(/^hidden by the survey's logic/) }] });
    expect(checkAnswers(s, raw, drop)).toEqual({ ok: true, answers: { nps: 10, stay: 5 } });
  });

  it('a required question is required only when shown', () => {
    expect(checkAnswers(s, { nps: 9, stay: 4 }, refuse)).toEqual({ ok: true, answers: { nps: 9, stay: 4 } });
    const missing = checkAnswers(s, { nps: 3, stay: 4 }, refuse);
    expect(missing.ok ? [] : missing.issues).toEqual([{ path: 'answers.why', message: 'an answer is required' }]);
    expect(checkAnswers(s, { nps: 3, why: 'noise', stay: 4 }, refuse)).toEqual({ ok: true, answers: { nps: 3, why: 'noise', stay: 4 } });
  });

  it('reads the context: a question for one region is hidden elsewhere', () => {
    const south: LogicContext = { ...ctx, unitLineage: ['store-9', 'south', 'hq'] };
    expect(checkAnswers(s, { nps: 9, north: 'hi', stay: 4 }, refuse)).toEqual({ ok: true, answers: { nps: 9, north: 'hi', stay: 4 } });
    const elsewhere = checkAnswers(s, { nps: 9, north: 'hi', stay: 4 }, { context: south, hidden: 'refuse' });
    expect(elsewhere.ok ? [] : elsewhere.issues.map((i) => i.path)).toEqual(['answers.north']);
  });

  it('questions after the end rule count as hidden: not required, and their answers refused or dropped', () => {
    const ended = { ...ctx, touchpoint: 'test-link' };
    expect(checkAnswers(s, { nps: 9 }, { context: ended, hidden: 'refuse' })).toEqual({ ok: true, answers: { nps: 9 } });
    const late = checkAnswers(s, { nps: 9, stay: 5 }, { context: ended, hidden: 'refuse' });
    expect(late.ok ? [] : late.issues.map((i) => i.path)).toEqual(['answers.stay']);
    expect(checkAnswers(s, { nps: 9, stay: 5 }, { context: ended, hidden: 'drop' })).toEqual({ ok: true, answers: { nps: 9 } });
  });

  it('a malformed answer to a hidden question is dropped by the form and refused (as hidden) by the API', () => {
    expect(checkAnswers(s, { nps: 10, why: 42, stay: 5 }, drop)).toEqual({ ok: true, answers: { nps: 10, stay: 5 } });
    const refused = checkAnswers(s, { nps: 10, why: 42, stay: 5 }, refuse);
    expect(refused.ok ? [] : refused.issues.map((i) => i.message)).toEqual([expect.stringMatching(/hidden by the survey's logic/)]);
  });

  it('a malformed answer to a shown question is named, and a malformed score hides nothing by accident', () => {
    const bad = checkAnswers(s, { nps: '3', why: 'x', stay: 5 }, refuse);
    // "3" is not a score, so the logic reads no nps answer: "why" is hidden, and both are reported.
    expect(bad.ok ? [] : bad.issues.map((i) => i.path).sort()).toEqual(['answers.nps', 'answers.why']);
    const dropped = checkAnswers(s, { nps: '3', why: 'x', stay: 5 }, drop);
    expect(dropped.ok ? [] : dropped.issues.map((i) => i.path)).toEqual(['answers.nps']);
  });

  it('unknown questions are still refused in both modes', () => {
    for (const options of [refuse, drop]) {
      const result = checkAnswers(s, { nps: 9, stay: 5, ghost: 1 }, options);
      expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['answers.ghost']);
    }
  });

  it('a question id that names an Object.prototype property is refused, and such an answer key is an unknown question', () => {
    expect(() => survey({ questions: [nps('constructor', { required: true })] })).toThrow(/reserved word/);
    const plain = survey({ questions: [nps('nps', { required: true })] });
    const result = checkAnswers(plain, { nps: 5, constructor: 5, toString: 'x' }, refuse);
    expect(result.ok ? [] : result.issues.map((i) => i.path).sort()).toEqual(['answers.constructor', 'answers.toString']);
  });
});

describe('capture enforces the logic with the response context', () => {
  const units: OrgUnit[] = [
    { id: 'hq', parentId: null, kind: 'hq', name: en('HQ') },
    { id: 'north', parentId: 'hq', kind: 'region', name: en('North') },
    { id: 'store-7', parentId: 'north', kind: 'store', name: en('Store 7') },
    { id: 'south', parentId: 'hq', kind: 'region', name: en('South') },
  ];
  const version: SurveyVersion = {
    ...survey({
      questions: [
        nps('nps', { required: true }),
        text('north', { required: true, showIf: all({ kind: 'context', field: 'unitId', in: ['north'] }, { kind: 'context', field: 'touchpoint', in: ['checkin'] }) }),
      ],
    }),
    version: 1,
  };
  function deps() {
    const stored: StoredResponse[] = [];
    const liveState = { id: version.id, status: 'live' as const, liveVersion: version.version, updatedAt: '2026-01-01T00:00:00.000Z', hasResponses: true };
    const catalog: Partial<Catalog> = { units, surveys: [version], surveyStates: { [version.id]: liveState }, rules: [], managers: {}, version: 1 };
    const catalogStore = { load: async () => catalog as Catalog, surveyVersion: async () => version, version: async () => 1 } as unknown as CatalogStore;
    const responses = {
      putIfAbsent: async (r: StoredResponse) => {
        stored.push(r);
        return { created: true as const };
      },
    } as unknown as ResponseStore;
    return { stored, deps: { catalog: catalogStore, responses, clock: { now: () => new Date('2026-01-05T10:00:00Z') } } };
  }

  it('the unit lineage and touchpoint decide what is shown: required in the north at check-in, hidden elsewhere', async () => {
    const north = deps();
    const missing = await captureResponse({ surveyId: 'hotel', unitId: 'store-7', touchpoint: 'checkin', answers: { nps: 9 }, channel: 'api' }, north.deps);
    expect(missing).toEqual({ kind: 'invalid', issues: [{ path: 'answers.north', message: 'an answer is required' }] });
    const south = deps();
    expect((await captureResponse({ surveyId: 'hotel', unitId: 'south', touchpoint: 'checkin', answers: { nps: 9 }, channel: 'api' }, south.deps)).kind).toBe('created');
    expect(south.stored[0]?.answers).toEqual({ nps: 9 });
  });

  it('an answer to a hidden question: the API refuses it, the form drops it, and it is never stored', async () => {
    const api = deps();
    const refused = await captureResponse({ surveyId: 'hotel', unitId: 'south', answers: { nps: 9, north: 'x' }, channel: 'api' }, api.deps);
    expect(refused.kind === 'invalid' ? refused.issues.map((i) => i.path) : []).toEqual(['answers.north']);
    expect(api.stored).toEqual([]);
    const web = deps();
    expect((await captureResponse({ surveyId: 'hotel', unitId: 'south', answers: { nps: 9, north: 'x' }, channel: 'web' }, web.deps)).kind).toBe('created');
    expect(web.stored.map((r) => r.answers)).toEqual([{ nps: 9 }]);
  });
});
