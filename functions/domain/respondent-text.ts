// Respondent text made safe to show a manager: no line of it can pose as a field of the notification around it.
// Whatever a respondent typed (comments, names, phones, e-mails) is flattened, bounded and quoted here, once.
import type { Locale } from './survey.ts';

/** Lines and characters of one comment excerpt in a notification. */
export const EXCERPT_LINES = 5;
export const EXCERPT_CHARS = 200;
/** Characters of a name, phone or e-mail address. */
export const FIELD_CHARS = 80;
/** Only this much of the input is looked at: the output is far shorter, so the work stays bounded whatever arrives. */
const INPUT_CHARS = 4_000;

/** Prefix of every quoted line: a line that starts with it is the respondent speaking, never a field. */
export const QUOTE_PREFIX = '> ';

const NAME_QUOTES: Record<Locale, [string, string]> = { zh: ['「', '」'], en: ['“', '”'], ru: ['«', '»'] };

const LINE_BREAKS = new Set(['\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029']);
// One code point at a time, so nothing can backtrack: controls (C0, DEL, C1), format characters (bidi embeddings,
// overrides and isolates, zero-width spaces and joiners, soft hyphen, BOM, tags), private-use and lone surrogates.
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cs}]$/u;
const SPACE = /^\s$/u;

/** Splits text into its visible lines: every kind of line break ends a line, every invisible character is a space. */
function visibleLines(text: string, maxLines: number, maxChars: number): { lines: string[]; cut: boolean } {
  const lines: string[] = [];
  let line = '';
  let chars = 0;
  let pendingSpace = false;
  let cut = text.length > INPUT_CHARS;
  const endLine = () => {
    if (line) lines.push(line);
    line = '';
    pendingSpace = false;
  };
  for (const ch of text.slice(0, INPUT_CHARS)) {
    if (LINE_BREAKS.has(ch)) {
      endLine();
      continue;
    }
    if (INVISIBLE.test(ch) || SPACE.test(ch)) {
      pendingSpace = line.length > 0;
      continue;
    }
    if (lines.length >= maxLines || chars >= maxChars) {
      cut = true;
      break;
    }
    if (pendingSpace) {
      line += ' ';
      pendingSpace = false;
    }
    line += ch;
    chars += 1;
  }
  endLine();
  return { lines, cut };
}

/**
 * A respondent's comment as quoted lines ("> …"): at most five lines and 200 characters, "…" where it was shortened.
 * Empty when nothing visible is left.
 */
export function quotedExcerpt(text: string, maxLines = EXCERPT_LINES, maxChars = EXCERPT_CHARS): string[] {
  const { lines, cut } = visibleLines(text, maxLines, maxChars);
  if (cut && lines.length) lines[lines.length - 1] += '…';
  return lines.map((line) => `${QUOTE_PREFIX}${line}`);
}

/** Any text on one line: line breaks and invisible characters become single spaces; shortened with "…". */
export function oneLine(text: string, maxChars = FIELD_CHARS): string {
  const { lines, cut } = visibleLines(text, Number.POSITIVE_INFINITY, maxChars);
  return `${lines.join(' ')}${cut ? '…' : ''}`;
}

/** A respondent's name on one line, in the locale's quotation marks, so where it starts and ends is plain to see. */
export function quotedName(name: string, locale: Locale): string {
  const [open, close] = NAME_QUOTES[locale];
  return `${open}${oneLine(name)}${close}`;
}

/** A customer's contact (name quoted, phone and e-mail on the same line), or undefined when nothing is left of it. */
export function contactLine(contact: { name?: string | undefined; phone?: string | undefined; email?: string | undefined }, locale: Locale): string | undefined {
  const name = contact.name && oneLine(contact.name) ? quotedName(contact.name, locale) : '';
  const parts = [name, oneLine(contact.phone ?? ''), oneLine(contact.email ?? '')].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}
