// The admin console's views, known to the boss view so that ?view=… can load the console's code only when asked for.

export const ADMIN_VIEWS = ['setup', 'org', 'surveys', 'survey', 'rules', 'managers'] as const;
export type AdminView = (typeof ADMIN_VIEWS)[number];

export function isAdminView(value: unknown): value is AdminView {
  return typeof value === 'string' && (ADMIN_VIEWS as readonly string[]).includes(value);
}

/** The address of an admin view (or of the boss view), keeping the chosen language if the address names one. */
export function viewHref(view: AdminView | 'overview' | 'tickets', params: Record<string, string> = {}): string {
  const query = new URLSearchParams({ view, ...params });
  const lang = new URLSearchParams(location.search).get('lang');
  if (lang) query.set('lang', lang);
  return `${location.pathname}?${query.toString()}`;
}
