// Piped text: the placeholders {unit.name}, {organisation.name} and {answer:QUESTION_ID} in a survey's texts, resolved
// for one respondent. The result is plain text; the page escapes it like any other text (never as raw HTML).
import type { Answers } from './answers.ts';
import { localize, scoreRange, type Locale, type Question } from './survey.ts';

export interface PipingContext {
  locale: Locale;
  /** The survey's default locale: the fallback for texts missing in `locale`. */
  fallback: Locale;
  /** The unit the response is about, in `locale`. */
  unitName?: string | undefined;
  organisationName?: string | undefined;
  /** The answers given so far (those of hidden questions already left out) and the questions they answer. */
  answers: Answers;
  questions: readonly Question[];
}

/** Longest text between braces that can be a placeholder: "answer:" and a 64-character question id. */
const MAX_PLACEHOLDER_LENGTH = 7 + 64;
/** A piped answer is a phrase in a sentence; a long comment is cut so it cannot swamp the question. */
export const MAX_PIPED_LENGTH = 200;

/**
 * Replaces each placeholder in one left-to-right scan (no regular expression, so no backtracking on the author's
 * text). A placeholder whose value is not there — a question not answered (or hidden), a unit without a name — becomes
 * empty, so the respondent never sees braces; text in braces that is no placeholder at all ("{sic}", a typo such as
 * "{unit.nmae}") is left as typed, so the author sees the mistake on the page instead of a silent gap.
 */
export function pipeText(text: string, context: PipingContext): string {
  if (!text.includes('{')) return text;
  let out = '';
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('{', at);
    if (open < 0) break;
    const close = text.indexOf('}', open + 1);
    if (close < 0) break;
    const inner = text.slice(open + 1, close);
    // A nested "{" means this one did not open a placeholder: keep it and look again from the inner one.
    const nested = inner.lastIndexOf('{');
    if (nested >= 0) {
      out += text.slice(at, open + 1 + nested);
      at = open + 1 + nested;
      continue;
    }
    const value = inner.length <= MAX_PLACEHOLDER_LENGTH ? resolve(inner, context) : undefined;
    out += text.slice(at, open) + (value ?? text.slice(open, close + 1));
    at = close + 1;
  }
  return out + text.slice(at);
}

/** The value of one placeholder ('' when it has none yet), or undefined when `name` is no placeholder. */
function resolve(name: string, context: PipingContext): string | undefined {
  if (name === 'unit.name') return context.unitName ?? '';
  if (name === 'organisation.name') return context.organisationName ?? '';
  if (!name.startsWith('answer:')) return undefined;
  const question = context.questions.find((q) => q.id === name.slice('answer:'.length));
  if (!question) return undefined;
  return pipedAnswer(question, context.answers[question.id], context) ?? '';
}

/** An answer as words in a sentence: a score as its number, a choice as its option's label in the page's language. */
function pipedAnswer(question: Question, value: unknown, context: PipingContext): string | undefined {
  if (scoreRange(question)) return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  if (question.type === 'single' || question.type === 'multi') {
    const ids = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    const labels = question.options.filter((o) => ids.includes(o.id)).map((o) => localize(o.label, context.locale, context.fallback));
    return labels.length ? labels.join(context.locale === 'zh' ? '、' : ', ') : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const chars = [...text];
  return chars.length > MAX_PIPED_LENGTH ? `${chars.slice(0, MAX_PIPED_LENGTH).join('')}…` : text;
}
