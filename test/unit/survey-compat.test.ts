// Which survey versions may follow which: question ids keep their type, and a node's counter keeps one scale.
import { describe, expect, it } from 'vitest';
import { counterScale, versionIssues } from '../../functions/domain/survey-compat.ts';
import { Survey, type SurveyInput } from '../../functions/domain/survey.ts';

const text = (en: string) => ({ en });
type Q = SurveyInput['questions'][number];
const nps = (id: string, nodeId = 'overall'): Q => ({ id, type: 'nps', nodeId, label: text(id) });
const csat = (id: string, nodeId: string): Q => ({ id, type: 'csat', nodeId, label: text(id) });
const ces = (id: string, nodeId: string): Q => ({ id, type: 'ces', nodeId, label: text(id) });
const rating = (id: string, nodeId: string, scale: number): Q => ({ id, type: 'rating', nodeId, scale, label: text(id) });
const comment = (id: string, nodeId = 'overall'): Q => ({ id, type: 'text', nodeId, label: text(id) });
const choice = (id: string, nodeId: string): Q => ({ id, type: 'single', nodeId, label: text(id), options: [{ id: 'a', label: text('a') }, { id: 'b', label: text('b') }] });

/** A survey over a small tree; any other node a question names is added under the root. */
function survey(questions: Q[], version?: number) {
  const base = ['overall', 'checkin', 'room'];
  const extra = [...new Set(questions.map((q) => q.nodeId).filter((id) => !base.includes(id)))];
  const parsed = Survey.parse({
    id: 'stay',
    title: text('Stay'),
    locales: ['en'],
    defaultLocale: 'en',
    indicatorTree: [
      { id: 'overall', parentId: null, label: text('Overall') },
      { id: 'checkin', parentId: 'overall', label: text('Check-in') },
      { id: 'room', parentId: 'overall', label: text('Room') },
      ...extra.map((id) => ({ id, parentId: 'overall', label: text(id) })),
    ],
    questions,
  });
  return version === undefined ? parsed : { ...parsed, version };
}

const v1 = survey([nps('nps'), csat('checkin-csat', 'checkin'), rating('room-clean', 'room', 5), comment('comment')], 1);

describe('versionIssues', () => {
  const cases: { name: string; previous: ReturnType<typeof survey>[]; candidate: Q[]; issues: { path: string; match: RegExp }[] }[] = [
    { name: 'the same questions again', previous: [v1], candidate: [nps('nps'), csat('checkin-csat', 'checkin'), rating('room-clean', 'room', 5), comment('comment')], issues: [] },
    { name: 'a question dropped', previous: [v1], candidate: [nps('nps'), comment('comment')], issues: [] },
    { name: 'a question added on a fresh node', previous: [v1], candidate: [nps('nps'), csat('checkin-csat', 'checkin'), ces('room-effort', 'overall-x')], issues: [] },
    { name: 'a CSAT moved to a node that counted a 5-point rating (same 1–5 scale)', previous: [v1], candidate: [nps('nps'), csat('checkin-csat', 'room')], issues: [] },
    { name: 'choices and text may go anywhere (no counter sums them)', previous: [v1], candidate: [nps('nps'), choice('why', 'checkin'), comment('more', 'room')], issues: [] },
    {
      name: 'a question id reused with another type',
      previous: [v1],
      candidate: [nps('nps'), ces('checkin-csat', 'checkin-new')],
      issues: [{ path: 'questions.1.type', match: /was a csat question in version 1/ }],
    },
    {
      name: 'a text question turned into a score',
      previous: [v1],
      candidate: [nps('nps'), rating('comment', 'room', 5)],
      issues: [{ path: 'questions.1.type', match: /was a text question/ }],
    },
    {
      name: 'a rating id reused with another scale',
      previous: [v1],
      candidate: [nps('nps'), rating('room-clean', 'room-new', 10)],
      issues: [{ path: 'questions.1.scale', match: /5 points in version 1/ }],
    },
    {
      name: 'a CES put on a node that counted CSAT answers',
      previous: [v1],
      candidate: [nps('nps'), ces('checkin-effort', 'checkin')],
      issues: [{ path: 'questions.1.nodeId', match: /"checkin" counts a csat question \("checkin-csat"\) in version 1 on a 1-5 scale/ }],
    },
    {
      name: 'an NPS question put on a CSAT node',
      previous: [v1],
      candidate: [nps('nps'), nps('checkin-nps', 'checkin')],
      issues: [{ path: 'questions.1.nodeId', match: /1-5 scale/ }],
    },
    {
      name: 'a 7-point rating on a node that counted a 5-point rating',
      previous: [v1],
      candidate: [nps('nps'), rating('room-7', 'room', 7)],
      issues: [{ path: 'questions.1.nodeId', match: /"room"/ }],
    },
    {
      name: 'a node that held CSAT in version 1 only, given CES in version 3 (every earlier version counts)',
      previous: [survey([nps('nps')], 2), v1],
      candidate: [nps('nps'), ces('effort', 'checkin')],
      issues: [{ path: 'questions.1.nodeId', match: /in version 1/ }],
    },
    {
      name: 'two scales mixed in one node within the new version itself',
      previous: [],
      candidate: [nps('nps'), csat('a', 'room'), ces('b', 'room')],
      issues: [{ path: 'questions.2.nodeId', match: /in this version/ }],
    },
    {
      name: 'both problems on one question: reported each',
      previous: [v1],
      candidate: [nps('nps'), ces('checkin-csat', 'checkin')],
      issues: [
        { path: 'questions.1.type', match: /csat/ },
        { path: 'questions.1.nodeId', match: /checkin/ },
      ],
    },
  ];

  it.each(cases)('$name', ({ previous, candidate, issues }) => {
    const found = versionIssues(previous, survey(candidate));
    expect(found.map((i) => i.path)).toEqual(issues.map((i) => i.path));
    issues.forEach((expected, i) => expect(found[i]?.message).toMatch(expected.match));
  });

  it('finds nothing to refuse in a first version without mixed scales', () => {
    expect(versionIssues([], v1)).toEqual([]);
  });
});

describe('counterScale', () => {
  it.each([
    [nps('a'), 'nps 0-10'],
    [csat('a', 'n'), '1-5'],
    [rating('a', 'n', 5), '1-5'],
    [ces('a', 'n'), '1-7'],
    [rating('a', 'n', 7), '1-7'],
    [rating('a', 'n', 10), '1-10'],
    [comment('a'), null],
    [choice('a', 'n'), null],
  ] as const)('%j → %s', (question, scale) => {
    const parsed = survey([nps('nps'), { ...question, id: 'q', nodeId: 'room' }]).questions[1]!;
    expect(counterScale(parsed)).toBe(scale);
  });
});
