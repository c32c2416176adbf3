// Sensitive-word matching across scripts: Chinese by substring (tolerating degree adverbs inside a phrase),
// Latin and Cyrillic on word boundaries; everything case- and width-insensitive after Unicode NFKC.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

// Words that intensify without changing meaning ("态度很差" is still "态度差"); negations such as 不 are not here.
const DEGREE_ADVERBS = ['非常', '特别', '十分', '极其', '相当', '有点', '有些', '比较', '超级', '很', '太', '真', '超', '极', '挺', '好', '也', '都'];
const ADVERB = `(?:${DEGREE_ADVERBS.join('|')})?`;

export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function patternFor(word: string): RegExp {
  const normal = normalizeText(word.trim());
  if (CJK.test(normal)) {
    return new RegExp([...normal].map(escape).join(ADVERB), 'u');
  }
  return new RegExp(`(?<![\\p{L}\\p{N}])${escape(normal)}(?![\\p{L}\\p{N}])`, 'u');
}

/** The words of the list that occur in the text. */
export function findKeywords(text: string, words: readonly string[]): string[] {
  const normal = normalizeText(text);
  return words.filter((word) => word.trim() !== '' && patternFor(word).test(normal));
}
