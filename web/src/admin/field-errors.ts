// Server errors shown where they belong: each issue of a 400 next to the input its path names, the rest (and 409s,
// outages) in the form's summary. Inputs are found by `data-field="<dotted path>"` on the input or on its wrapper.
import { ApiError, type ApiIssue } from '../api.ts';
import { h } from '../dom.ts';
import { common } from './texts.ts';

const pathOf = (issue: ApiIssue): string => (Array.isArray(issue.path) ? issue.path.join('.') : issue.path);

/** Removes the messages shown by showErrors. */
export function clearErrors(root: HTMLElement): void {
  for (const el of root.querySelectorAll('.field-error')) el.remove();
  for (const el of root.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of root.querySelectorAll<HTMLElement>('.form-errors')) {
    el.replaceChildren();
    el.hidden = true;
  }
}

/**
 * Shows an error on a form. `prefix` is cut off issue paths first (e.g. "definition" when the form edits what the API
 * nests under it). Returns how many issues were placed by a field. The first invalid input gets focus.
 */
export function showErrors(root: HTMLElement, error: unknown, options: { prefix?: string; focus?: boolean } = {}): number {
  clearErrors(root);
  const summary = root.querySelector<HTMLElement>('.form-errors') ?? root.appendChild(h('div', { class: 'form-errors', role: 'alert' }));
  const unplaced: string[] = [];
  let placed = 0;
  let first: HTMLElement | null = null;
  const issues = error instanceof ApiError ? error.issues : [];
  for (const issue of issues) {
    let path = pathOf(issue);
    if (options.prefix && (path === options.prefix || path.startsWith(`${options.prefix}.`))) path = path.slice(options.prefix.length + 1);
    const target = fieldFor(root, path);
    const message = issue.message ?? '';
    if (!target) {
      unplaced.push(path ? `${path}: ${message}` : message);
      continue;
    }
    placed++;
    const input = target.matches('input, select, textarea') ? target : target.querySelector<HTMLElement>('input, select, textarea');
    input?.setAttribute('aria-invalid', 'true');
    const note = h('p', { class: 'field-error', role: 'alert' }, message);
    if (input?.id) {
      note.id = `${input.id}-error`;
      input.setAttribute('aria-describedby', note.id);
    }
    (input && input !== target ? target : target).insertAdjacentElement(target.matches('input, select, textarea') ? 'afterend' : 'beforeend', note);
    first ??= input ?? target;
  }
  if (issues.length === 0) unplaced.push(messageOf(error));
  if (unplaced.length) {
    summary.replaceChildren(h('p', {}, common('error.summary')), h('ul', {}, ...unplaced.map((text) => h('li', {}, text))));
    summary.hidden = false;
  }
  if (options.focus !== false) (first ?? (unplaced.length ? summary : null))?.focus?.();
  return placed;
}

/** The nearest element that names this path, or one of its parents ("questions.2.label.ru" → "questions.2.label"). */
function fieldFor(root: HTMLElement, path: string): HTMLElement | null {
  for (let candidate = path; candidate; candidate = candidate.includes('.') ? candidate.slice(0, candidate.lastIndexOf('.')) : '') {
    const found = root.querySelector<HTMLElement>(`[data-field="${CSS.escape(candidate)}"]`);
    if (found) return found;
  }
  return null;
}

/** A one-line message for any failure, in the manager's language where we know what it means. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) return common('error.offline');
  return common('error.generic', { message: error instanceof Error ? error.message : String(error) });
}
