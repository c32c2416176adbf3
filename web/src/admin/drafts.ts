// What an admin has typed and not yet saved, kept in localStorage per form, so that neither a server error nor a
// reload nor closing the tab loses it. A draft is dropped once the server has accepted what it held.

const PREFIX = 'opencem.draft.';

export interface Draft<T> {
  load(): T | undefined;
  save(value: T): void;
  clear(): void;
}

/** A draft under `key` (e.g. "org-settings", "survey:hotel-stay"); values are JSON. */
export function draft<T>(key: string): Draft<T> {
  const name = PREFIX + key;
  return {
    load() {
      try {
        const raw = localStorage.getItem(name);
        return raw === null ? undefined : (JSON.parse(raw) as T);
      } catch {
        return undefined;
      }
    },
    save(value) {
      try {
        localStorage.setItem(name, JSON.stringify(value));
      } catch {
        // storage full or refused (private mode): the form still holds the input
      }
    },
    clear() {
      try {
        localStorage.removeItem(name);
      } catch {
        // nothing kept then
      }
    },
  };
}
