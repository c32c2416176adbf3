// Piped text: each placeholder resolved for one respondent, everything else left exactly as the author typed it.
import { describe, expect, it } from 'vitest';
import { MAX_PIPED_LENGTH, pipeText, type PipingContext } from '../../functions/domain/piping.ts';
import { Question } from '../../functions/domain/survey.ts';

const questions = [
  Question.parse({ id: 'nps', type: 'nps', nodeId: 'o', label: { en: 'NPS' } }),
  Question.parse({ id: 'visit', type: 'single', nodeId: 'o', label: { en: 'Why' }, options: [{ id: 'biz', label: { en: 'Business', zh: '商务', ru: 'Работа' } }, { id: 'fun', label: { en: 'Leisure', zh: '休闲' } }] }),
  Question.parse({ id: 'liked', type: 'multi', nodeId: 'o', label: { en: 'Liked' }, options: [{ id: 'room', label: { en: 'Room', zh: '房间' } }, { id: 'food', label: { en: 'Food', zh: '早餐' } }] }),
  Question.parse({ id: 'note', type: 'text', nodeId: 'o', label: { en: 'Note' } }),
];

const base: PipingContext = {
  locale: 'en',
  fallback: 'en',
  unitName: 'Shanghai Bund',
  organisationName: 'Cloudstay Hotels',
  answers: { nps: 9, visit: 'biz', liked: ['food', 'room'], note: '  <script>alert(1)</script>  ' },
  questions,
};

describe('pipeText', () => {
  const cases: [string, string, Partial<PipingContext>, string][] = [
    ['no placeholder', 'How was your stay?', {}, 'How was your stay?'],
    ['the unit', 'How was your stay at {unit.name}?', {}, 'How was your stay at Shanghai Bund?'],
    ['the organisation', 'Thank you from {organisation.name}', {}, 'Thank you from Cloudstay Hotels'],
    ['a score as its number', 'You gave us {answer:nps}.', {}, 'You gave us 9.'],
    ['a choice as its label', 'Trip: {answer:visit}', {}, 'Trip: Business'],
    ['a choice in the page’s language', '目的：{answer:visit}', { locale: 'zh' }, '目的：商务'],
    ['a missing translation falls back', '{answer:visit}', { locale: 'ru', answers: { visit: 'fun' } }, 'Leisure'],
    ['several choices in option order', '{answer:liked}', {}, 'Room, Food'],
    ['several choices, Chinese list comma', '{answer:liked}', { locale: 'zh' }, '房间、早餐'],
    ['text trimmed, not escaped here (the page escapes it)', '“{answer:note}”', {}, '“<script>alert(1)</script>”'],
    ['an unanswered question becomes empty', 'Because of {answer:visit}.', { answers: {} }, 'Because of .'],
    ['an unknown option id becomes empty', '[{answer:visit}]', { answers: { visit: 'nope' } }, '[]'],
    ['a string given to a scale is not piped', '[{answer:nps}]', { answers: { nps: '9' } }, '[]'],
    ['no unit name: empty', 'At {unit.name}.', { unitName: undefined }, 'At .'],
    ['an unknown question is left as typed', 'See {answer:nope}', {}, 'See {answer:nope}'],
    ['a typo is left as typed', 'At {unit.nmae}', {}, 'At {unit.nmae}'],
    ['literal braces are left alone', 'Use {braces} and } and {', {}, 'Use {braces} and } and {'],
    ['an unclosed brace before a placeholder', '{ {unit.name}', {}, '{ Shanghai Bund'],
    ['a brace inside a placeholder-looking text', '{a {unit.name}}', {}, '{a Shanghai Bund}'],
    ['several placeholders', '{unit.name}/{organisation.name}/{answer:nps}', {}, 'Shanghai Bund/Cloudstay Hotels/9'],
    ['adjacent placeholders', '{answer:nps}{answer:nps}', {}, '99'],
    ['a value is not piped again', '{answer:note}', { answers: { note: '{unit.name}' } }, '{unit.name}'],
  ];
  it.each(cases)('%s', (_name, text, overrides, expected) => {
    expect(pipeText(text, { ...base, ...overrides })).toBe(expected);
  });

  it('cuts a long text answer', () => {
    const piped = pipeText('{answer:note}', { ...base, answers: { note: '长'.repeat(MAX_PIPED_LENGTH + 50) } });
    expect([...piped]).toHaveLength(MAX_PIPED_LENGTH + 1);
    expect(piped.endsWith('…')).toBe(true);
  });

  it('runs in linear time on hostile text', () => {
    for (const hostile of ['{'.repeat(200_000), '{a'.repeat(100_000) + '}', '{}'.repeat(100_000), `{${'x'.repeat(200_000)}}`]) {
      const started = performance.now();
      const out = pipeText(hostile, base);
      expect(out.length).toBe(hostile.length);
      expect(performance.now() - started).toBeLessThan(200);
    }
  });
});
