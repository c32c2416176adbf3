// Small DOM helpers: find the page's fixed elements, create elements, and update keyed lists in place (no flicker).

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Creates an element: `h('td', { class: 'num', 'data-kpi': 'nps' }, 'text', child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

/** Sets text only when it changed, so screen readers and selection are not disturbed by identical refreshes. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

export function setAttr(element: Element, name: string, value: string | null): void {
  if (value === null) element.removeAttribute(name);
  else if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/**
 * Makes `container`'s children match `items` by key: existing elements are updated in place, new ones created, missing
 * ones removed, and order fixed with as few moves as possible.
 */
export function syncList<T, E extends HTMLElement>(
  container: HTMLElement,
  items: readonly T[],
  key: (item: T) => string,
  create: (item: T) => E,
  update: (element: E, item: T, index: number) => void,
): void {
  const existing = new Map<string, E>();
  for (const child of Array.from(container.children) as E[]) {
    const k = child.dataset.key;
    if (k !== undefined) existing.set(k, child);
  }
  const wanted = new Set<string>();
  items.forEach((item, index) => {
    const k = key(item);
    wanted.add(k);
    let element = existing.get(k);
    if (!element) {
      element = create(item);
      element.dataset.key = k;
    }
    update(element, item, index);
    if (container.children[index] !== element) container.insertBefore(element, container.children[index] ?? null);
  });
  for (const [k, element] of existing) if (!wanted.has(k)) element.remove();
}
