// Sensitive-word matching across scripts: a word list compiled once into Aho–Corasick automata over normalised text
// (NFKC, case, invisible characters, lookalike letters, traditional Chinese), Chinese by substring tolerating degree
// adverbs, Latin and Cyrillic on word boundaries. Every step is a linear pass over the text: no regex sees user text
// with a quantifier, so no input can make matching backtrack.
import HKVariantsRev from 'opencc-js/dict/HKVariantsRev';
import TSCharacters from 'opencc-js/dict/TSCharacters';
import TWVariantsRev from 'opencc-js/dict/TWVariantsRev';
import { MAX_TEXT_LENGTH } from './answers.ts';

/** Answers are at most MAX_TEXT_LENGTH code points; longer text (e.g. from an import) is matched on its start only. */
export const MAX_MATCHED_TEXT_UNITS = MAX_TEXT_LENGTH * 2;
/** A response names at most this many words per condition (the first ones of the rule's list): enough for a manager. */
export const MAX_REPORTED_WORDS = 20;
/** Automaton hits and adverb checks per view of a text; beyond it, the words found so far are the answer. */
const MAX_WORK_PER_VIEW = 100_000;

// Words that intensify without changing meaning ("态度很差" is still "态度差"); negations such as 不 are not here.
const DEGREE_ADVERBS = ['非常', '特别', '十分', '极其', '相当', '有点', '有些', '比较', '超级', '很', '太', '真', '超', '极', '挺', '好', '也', '都'];

// Lookalike letters of Latin, Cyrillic and Greek in lower case, from Unicode's confusables data (test/unit/keywords
// checks each against it). In a word mixing scripts, letters of the minority scripts fold to the first letter of the
// word's own script in their group.
const LOOKALIKES = ['aаα', 'bвβϐ', 'cсϲ', 'dԁ', 'eеҽεϵ', 'fϝ', 'gԍ', 'hнһη', 'iіӏι', 'jјϳ', 'kкκϰ', 'mмμϻ', 'oоοσ', 'pрρϱ', 'qԛ', 'rг', 'sѕ', 'tтτ', 'uυ', 'vѵν', 'wԝѡ', 'xхχ', 'yуүγ', 'zζ'];
export const LOOKALIKE_GROUPS: readonly string[] = LOOKALIKES;

// Between Chinese (or Japanese) characters these separate nothing and only hide a word: "态 度 差", "态*度*差".
const CJK_FILLERS = new Set([...'*·・•.-_~|/\\+'].map((c) => c.codePointAt(0)!));

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
// Russian writes ё as е more often than not ("еще", "ещё"): both sides fold it.
const YO = 0x451;
const YE = 0x435;
const SPACE = 0x20;

// Character classes, looked up once per code point (a single-character test: nothing to backtrack).
const CJK = 1;
const WORD = 2; // letter or digit
const LETTER = 4; // letter or combining mark: part of a word for script folding
const BLANK = 8;
const LATIN = 16;
const CYRILLIC = 32;
const GREEK = 64;
const SPACELESS = 128; // Han and kana: scripts written without spaces between words (Hangul has them)
const SCRIPTS = [LATIN, CYRILLIC, GREEK] as const;

const KNOWN = 256;
// Basic Multilingual Plane: a 128 KB table filled as characters are first seen; other planes: a bounded map.
const bmpClasses = new Uint16Array(0x10000);
const astralClasses = new Map<number, number>();
function classOf(cp: number): number {
  const cached = cp < 0x10000 ? bmpClasses[cp]! : (astralClasses.get(cp) ?? 0);
  if (cached & KNOWN) return cached;
  const ch = String.fromCodePoint(cp);
  let c = KNOWN;
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(ch)) c |= CJK;
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch)) c |= SPACELESS;
  if (/[\p{L}\p{N}]/u.test(ch)) c |= WORD;
  if (/[\p{L}\p{M}]/u.test(ch)) c |= LETTER;
  if (/\s/u.test(ch)) c |= BLANK;
  if (/\p{Script=Latin}/u.test(ch)) c |= LATIN;
  else if (/\p{Script=Cyrillic}/u.test(ch)) c |= CYRILLIC;
  else if (/\p{Script=Greek}/u.test(ch)) c |= GREEK;
  if (cp < 0x10000) bmpClasses[cp] = c;
  else {
    if (astralClasses.size >= 4096) astralClasses.clear();
    astralClasses.set(cp, c);
  }
  return c;
}

/** Traditional (and Hong Kong / Taiwan variant) characters → simplified, one code point for one (OpenCC's tables). */
const SIMPLIFIED: ReadonlyMap<number, number> = (() => {
  const pairs = (dict: string) =>
    dict.split('|').map((entry) => entry.split(' ').map((c) => c.codePointAt(0)!) as [number, number]);
  const variants = new Map([...pairs(HKVariantsRev), ...pairs(TWVariantsRev)]);
  const simplified = new Map(pairs(TSCharacters));
  const fold = new Map<number, number>();
  for (const [from, to] of simplified) fold.set(from, to);
  for (const [from, to] of variants) fold.set(from, simplified.get(to) ?? to);
  return fold;
})();

/** For each script, what a lookalike letter of another script becomes inside a word of that script. */
const FOLD_INTO: ReadonlyMap<number, ReadonlyMap<number, number>> = (() => {
  const into = new Map(SCRIPTS.map((s) => [s, new Map<number, number>()]));
  for (const group of LOOKALIKES) {
    const letters = [...group].map((c) => c.codePointAt(0)!);
    const head = new Map<number, number>();
    for (const cp of letters) {
      const script = classOf(cp) & (LATIN | CYRILLIC | GREEK);
      if (!head.has(script)) head.set(script, cp);
    }
    for (const cp of letters) {
      const own = classOf(cp) & (LATIN | CYRILLIC | GREEK);
      for (const [script, target] of head) if (script !== own) into.get(script as (typeof SCRIPTS)[number])!.set(cp, target);
    }
  }
  return into;
})();
const LOOKALIKE_LETTERS = new Set([...LOOKALIKES.join('')].map((c) => c.codePointAt(0)!));

/** Folds the minority-script letters of each word that mixes Latin, Cyrillic and Greek into the word's own script. */
function foldMixedScriptWords(cps: number[]): void {
  for (let start = 0; start < cps.length; ) {
    if (!(classOf(cps[start]!) & LETTER) || classOf(cps[start]!) & CJK) {
      start++;
      continue;
    }
    let end = start;
    const letters = [0, 0, 0];
    const distinctive = [0, 0, 0];
    while (end < cps.length && classOf(cps[end]!) & LETTER && !(classOf(cps[end]!) & CJK)) {
      const c = classOf(cps[end]!);
      const s = c & LATIN ? 0 : c & CYRILLIC ? 1 : c & GREEK ? 2 : -1;
      if (s >= 0) {
        letters[s]!++;
        if (!LOOKALIKE_LETTERS.has(cps[end]!)) distinctive[s]!++;
      }
      end++;
    }
    if (letters.filter((n) => n > 0).length > 1) {
      // The script with most letters; on a tie the one with more letters that have no lookalike; then Latin first.
      let own = 0;
      for (let s = 1; s < 3; s++) {
        if (letters[s]! > letters[own]! || (letters[s] === letters[own] && distinctive[s]! > distinctive[own]!)) own = s;
      }
      const fold = FOLD_INTO.get(SCRIPTS[own]!)!;
      for (let i = start; i < end; i++) cps[i] = fold.get(cps[i]!) ?? cps[i]!;
    }
    start = end;
  }
}

/**
 * Separators between two Chinese or Japanese characters are dropped; other runs of white space become one space, so "very  rude"
 * and "very rude" are the same and a word boundary stays a boundary.
 */
function joinSeparators(cps: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < cps.length; ) {
    const cp = cps[i]!;
    const blank = (classOf(cp) & BLANK) !== 0;
    if (!blank && !CJK_FILLERS.has(cp)) {
      out.push(cp);
      i++;
      continue;
    }
    let j = i;
    while (j < cps.length && (classOf(cps[j]!) & BLANK || CJK_FILLERS.has(cps[j]!))) j++;
    const before = out[out.length - 1];
    const after = cps[j];
    const hiding = before !== undefined && after !== undefined && classOf(before) & SPACELESS && classOf(after) & SPACELESS;
    if (!hiding) {
      for (let k = i; k < j; k++) {
        if (!(classOf(cps[k]!) & BLANK)) out.push(cps[k]!);
        else if (out.length > 0 && out[out.length - 1] !== SPACE && j < cps.length) out.push(SPACE);
      }
    }
    i = j;
  }
  return out;
}

/** The text as matched, as code points: both keywords and comments go through this. */
function normalise(text: string): number[] {
  const flat = text.normalize('NFKC').toLowerCase().replace(IGNORABLE, '');
  const cps: number[] = [];
  // An index loop: a string iterator allocates a string per character, ten times slower here.
  for (let i = 0; i < flat.length; i++) {
    const cp = flat.codePointAt(i)!;
    if (cp > 0xffff) i++;
    cps.push(cp === YO ? YE : (SIMPLIFIED.get(cp) ?? cp));
  }
  foldMixedScriptWords(cps);
  return joinSeparators(cps);
}

/** The text as the matcher sees it (for tests and for explaining a match). */
export function normalizeText(text: string): string {
  return normalise(text)
    .map((cp) => String.fromCodePoint(cp))
    .join('');
}

interface TrieNode {
  next: Map<number, TrieNode>;
  adverb?: string;
}
const ADVERB_TRIE: TrieNode = (() => {
  const root: TrieNode = { next: new Map() };
  for (const adverb of DEGREE_ADVERBS) {
    let node = root;
    for (const ch of adverb) {
      const cp = ch.codePointAt(0)!;
      let child = node.next.get(cp);
      if (!child) node.next.set(cp, (child = { next: new Map() }));
      node = child;
    }
    node.adverb = adverb;
  }
  return root;
})();

/** The text without degree adverbs (longest first, left to right), and what was removed before each position. */
interface WithoutAdverbs {
  cps: number[];
  /** `removed[i]` are the adverbs removed just before `cps[i]`; `removed[cps.length]` those at the end. */
  removed: string[];
}
function withoutAdverbs(cps: readonly number[]): WithoutAdverbs {
  const out: number[] = [];
  const removed: string[] = [];
  let run = '';
  for (let i = 0; i < cps.length; ) {
    // The trie is as deep as the longest adverb (2): a bounded look-ahead per position.
    let node: TrieNode | undefined = ADVERB_TRIE;
    let longest: string | undefined;
    for (let j = i; j < cps.length && node; j++) {
      node = node.next.get(cps[j]!);
      if (node?.adverb) longest = node.adverb;
    }
    if (longest) {
      run += longest;
      i += longest.length; // every adverb is in the BMP: one code unit per code point
      continue;
    }
    out.push(cps[i]!);
    removed.push(run);
    run = '';
    i++;
  }
  removed.push(run);
  return { cps: out, removed };
}

/** The text as written, and the text without degree adverbs (for Chinese words). */
const AS_WRITTEN = 1;
const WITHOUT_ADVERBS = 2;

/** One way a word can occur in the views of a text. */
interface Pattern {
  word: number;
  length: number;
  views: number;
  /** Letters or digits may not touch the match on this side (Latin, Cyrillic, digits; never CJK). */
  boundedStart: boolean;
  boundedEnd: boolean;
  /** Adverbs that are part of the word itself, before each of its remaining characters and after the last. */
  ownAdverbs?: string[];
}

/** Aho–Corasick over code points: every occurrence of every pattern in one pass, in time linear in text and hits. */
class Automaton {
  // A state's edges: one in (edgeCp, edgeTo) while it has a single child, as most states of long words do, else a map.
  // A condition may hold 500 words of 100 characters: a map per state would cost hundreds of bytes each.
  private readonly edgeCp: number[] = [-1];
  private readonly edgeTo: number[] = [0];
  private readonly edges: (Map<number, number> | undefined)[] = [undefined];
  private readonly fail: number[] = [0];
  /** The nearest state on the fail chain that ends a pattern (-1: none), so hits cost nothing to look for. */
  private readonly link: number[] = [-1];
  private readonly out: (number[] | undefined)[] = [undefined];
  readonly patterns: Pattern[] = [];

  private step(state: number, cp: number): number {
    const map = this.edges[state];
    if (map) return map.get(cp) ?? -1;
    return this.edgeCp[state] === cp ? this.edgeTo[state]! : -1;
  }

  private children(state: number): Iterable<[number, number]> {
    const map = this.edges[state];
    if (map) return map;
    return this.edgeCp[state] === -1 ? [] : [[this.edgeCp[state]!, this.edgeTo[state]!]];
  }

  add(cps: readonly number[], pattern: Pattern): void {
    let state = 0;
    for (const cp of cps) {
      let to = this.step(state, cp);
      if (to === -1) {
        to = this.fail.length;
        this.edgeCp.push(-1);
        this.edgeTo.push(0);
        this.edges.push(undefined);
        this.fail.push(0);
        this.link.push(-1);
        this.out.push(undefined);
        const map = this.edges[state];
        if (map) map.set(cp, to);
        else if (this.edgeCp[state] === -1) {
          this.edgeCp[state] = cp;
          this.edgeTo[state] = to;
        } else this.edges[state] = new Map([[this.edgeCp[state]!, this.edgeTo[state]!], [cp, to]]);
      }
      state = to;
    }
    (this.out[state] ??= []).push(this.patterns.length);
    this.patterns.push(pattern);
  }

  build(): void {
    const queue = [0];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [cp, to] of this.children(state)) {
        if (state !== 0) {
          let f = this.fail[state]!;
          let target = this.step(f, cp);
          while (target === -1 && f !== 0) target = this.step((f = this.fail[f]!), cp);
          this.fail[to] = target === -1 ? 0 : target;
        }
        const fail = this.fail[to]!;
        this.link[to] = this.out[fail] ? fail : this.link[fail]!;
        queue.push(to);
      }
    }
  }

  /** Calls `hit(end, pattern)` for each occurrence, in text order, until it returns false or the budget is spent. */
  scan(cps: readonly number[], hit: (end: number, pattern: Pattern) => boolean, budget = MAX_WORK_PER_VIEW): void {
    let state = 0;
    let work = 0;
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i]!;
      let next = this.step(state, cp);
      while (next === -1 && state !== 0) next = this.step((state = this.fail[state]!), cp);
      state = next === -1 ? 0 : next;
      for (let s = this.out[state] ? state : this.link[state]!; s > 0; s = this.link[s]!) {
        for (const p of this.out[s]!) {
          if (++work > budget || !hit(i + 1, this.patterns[p]!)) return;
        }
      }
    }
  }
}

export interface KeywordMatcher {
  /** The words of the list that occur in the text, in list order, at most MAX_REPORTED_WORDS of them. */
  find(text: string): string[];
}

/** Compiles a word list once; matching a text then costs time linear in the text, whatever the list. */
export function compileKeywords(words: readonly string[]): KeywordMatcher {
  const automaton = new Automaton();
  let anyChinese = false;
  words.forEach((word, index) => {
    const cps = normalise(word.trim());
    if (cps.length === 0) return;
    const isWord = (cp: number) => (classOf(cp) & (WORD | CJK)) === WORD;
    const pattern = { word: index, length: cps.length, views: AS_WRITTEN, boundedStart: isWord(cps[0]!), boundedEnd: isWord(cps[cps.length - 1]!) };
    if (!cps.some((cp) => classOf(cp) & CJK)) return automaton.add(cps, pattern);
    anyChinese = true;
    // The word without its own adverbs, matched against the text without adverbs; its own ones are checked after.
    const bare = withoutAdverbs(cps);
    if (bare.cps.length === cps.length) return automaton.add(cps, { ...pattern, views: AS_WRITTEN | WITHOUT_ADVERBS });
    automaton.add(cps, pattern);
    // A word made only of adverbs is matched as written.
    if (bare.cps.length > 0) automaton.add(bare.cps, { ...pattern, length: bare.cps.length, views: WITHOUT_ADVERBS, ownAdverbs: bare.removed });
  });
  automaton.build();

  return {
    find(text) {
      const cps = normalise(text.slice(0, MAX_MATCHED_TEXT_UNITS));
      const found = new Set<number>();
      const enough = () => found.size >= MAX_REPORTED_WORDS;
      const bounded = (view: readonly number[], at: number) => at < 0 || at >= view.length || (classOf(view[at]!) & (WORD | CJK)) !== WORD;

      automaton.scan(cps, (end, p) => {
        if (!(p.views & AS_WRITTEN) || found.has(p.word)) return true;
        const start = end - p.length;
        if ((!p.boundedStart || bounded(cps, start - 1)) && (!p.boundedEnd || bounded(cps, end))) found.add(p.word);
        return !enough();
      });
      if (enough() || !anyChinese) return report(found);

      const view = withoutAdverbs(cps);
      if (view.cps.length === cps.length) return report(found);
      let work = 0;
      automaton.scan(view.cps, (end, p) => {
        if (!(p.views & WITHOUT_ADVERBS) || found.has(p.word)) return true;
        const start = end - p.length;
        if ((p.boundedStart && !bounded(view.cps, start - 1)) || (p.boundedEnd && !bounded(view.cps, end))) return true;
        if (p.ownAdverbs) {
          const own = p.ownAdverbs;
          const removed = view.removed;
          for (let j = 0; j <= p.length; j++) work += removed[start + j]!.length;
          if (work > MAX_WORK_PER_VIEW) return false;
          // Written before the word's first character, between two, or after its last: the text has them there
          // (among other adverbs, which it may add as anywhere else: "好很差" is still "好差").
          for (let j = 0; j <= p.length; j++) if (!removed[start + j]!.includes(own[j]!)) return true;
        }
        found.add(p.word);
        return !enough();
      });
      return report(found);
    },
  };

  function report(found: Set<number>): string[] {
    return [...found].sort((a, b) => a - b).map((i) => words[i]!);
  }
}

/** The words of the list that occur in the text (compiles the list: for one-off use; rules cache their matchers). */
export function findKeywords(text: string, words: readonly string[]): string[] {
  return compileKeywords(words).find(text);
}
