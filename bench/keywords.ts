// Keyword matching figures: milliseconds per response for the compiled matcher on ordinary and pathological inputs,
// and the ratio to the regex-per-word matcher it replaced. `npm run bench:keywords` alone, or as part of `npm run bench`.
import { pathToFileURL } from 'node:url';
import { compileKeywords, type KeywordMatcher } from '../functions/domain/keywords.ts';

// The matcher before: a RegExp per word per call, an optional degree-adverb group between Chinese characters.
const LEGACY_ADVERB = `(?:${['非常', '特别', '十分', '极其', '相当', '有点', '有些', '比较', '超级', '很', '太', '真', '超', '极', '挺', '好', '也', '都'].join('|')})?`;
function legacyFindKeywords(text: string, words: readonly string[]): string[] {
  const normal = (s: string) => s.normalize('NFKC').toLowerCase();
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = (word: string) => {
    const w = normal(word.trim());
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(w)) return new RegExp([...w].map(escape).join(LEGACY_ADVERB), 'u');
    return new RegExp(`(?<![\\p{L}\\p{N}])${escape(w)}(?![\\p{L}\\p{N}])`, 'u');
  };
  const t = normal(text);
  return words.filter((w) => w.trim() !== '' && pattern(w).test(t));
}

/** Median milliseconds of `run` over enough repetitions to take about `targetMs` (at least one), after a warm-up run. */
function msPer(run: () => unknown, targetMs = 300): number {
  run();
  const samples: number[] = [];
  const started = performance.now();
  do {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  } while (performance.now() - started < targetMs && samples.length < 10_000);
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const round = (ms: number) => (ms >= 100 ? Math.round(ms) : Number(ms.toPrecision(3)));

export function benchKeywords(): Record<string, number | string> {
  const results: Record<string, number | string> = {};
  const step = (line: string) => console.log(`… keywords: ${line}`);
  /** `legacy`: 'warm' times the regex matcher's first call and then its median; 'first' only its first call (slow). */
  const compare = (name: string, words: string[], text: string, legacy: 'warm' | 'first' | 'none' = 'warm') => {
    let matcher: KeywordMatcher | undefined;
    const compileMs = msPer(() => (matcher = compileKeywords(words)), 100);
    const ms = msPer(() => matcher!.find(text));
    results[`keywords_${name}_compileMs`] = round(compileMs);
    results[`keywords_${name}_msPerResponse`] = round(ms);
    if (legacy === 'none') return;
    // V8 caches compiled regular expressions, so the regex matcher's first call with a list is its slow one.
    const t0 = performance.now();
    legacyFindKeywords(text, words);
    const firstMs = performance.now() - t0;
    results[`keywords_${name}_legacyFirstCallMs`] = round(firstMs);
    if (legacy === 'first') {
      results[`keywords_${name}_ratioToLegacyFirstCall`] = `${round(firstMs / ms)}×`;
      return;
    }
    const legacyMs = msPer(() => legacyFindKeywords(text, words));
    results[`keywords_${name}_legacyMsPerResponse`] = round(legacyMs);
    results[`keywords_${name}_legacyOverNew`] = `${round(legacyMs / ms)}×`;
  };

  const comment = '前台态度很差，房间不太干净，wifi slow and the staff was rude. Номер грязно. ';
  step('the demo rule (4 words) on a short comment');
  compare('demo4Words_shortComment', ['脏', '态度差', 'грязно', 'rude'], comment);

  const longComment = comment.repeat(Math.ceil(2000 / comment.length)).slice(0, 2000);
  const vocabulary = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? `word${i}` : `词${i}语`));
  step('500 words (a full condition) on a 2,000-character comment');
  compare('500Words_2000Chars', vocabulary(500), longComment);
  step('10,000 words on a 2,000-character comment (the regex matcher: one call, it takes seconds)');
  compare('10000Words_2000Chars', vocabulary(10_000), longComment, 'first');
  compare('1000Words_2000Chars', vocabulary(1_000), longComment);

  step("'超'×20+'差' against '超'×60 and '超'×5,000 (the regex matcher doubles per '超': shown at 10–16)");
  compare('adverbKeyword20_text60', ['超'.repeat(20) + '差'], '超'.repeat(60), 'none');
  compare('adverbKeyword20_text5000', ['超'.repeat(20) + '差'], '超'.repeat(5000), 'none');
  for (const n of [10, 12, 14, 16]) {
    results[`keywords_legacy_adverbKeyword${n}_text${3 * n}_ms`] = round(msPer(() => legacyFindKeywords('超'.repeat(3 * n), ['超'.repeat(n) + '差']), 1));
  }
  for (const n of [10, 16]) {
    results[`keywords_adverbKeyword${n}_text${3 * n}_ms`] = round(msPer(() => compileKeywords(['超'.repeat(n) + '差']).find('超'.repeat(3 * n)), 50));
  }

  step('an adverb stack: 态 + 很×4,998 + 度差 (the regex matcher allowed one adverb and finds nothing here)');
  compare('adverbStack_5000Chars', ['态度差', '脏'], `态${'很'.repeat(4998)}度差`);

  step("nested keywords: 'a', 'aa', … 'a'×100 against 'a'×5,000 (work budget per response)");
  compare('nested100_5000Chars', Array.from({ length: 100 }, (_, i) => 'a'.repeat(i + 1)), 'a'.repeat(5000), 'none');
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = benchKeywords();
  const width = Math.max(...Object.keys(results).map((k) => k.length));
  for (const [key, value] of Object.entries(results)) console.log(`  ${key.padEnd(width)}  ${value}`);
}
