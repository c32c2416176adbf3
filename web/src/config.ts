// Runtime configuration read from ./config.json beside the page: where the API is and how managers sign in.

export type AuthConfig =
  | { mode: 'token' }
  | { mode: 'cognito'; region: string; userPoolId: string; userPoolClientId: string; domain?: string };

export interface DashboardConfig {
  apiBaseUrl: string;
  auth: AuthConfig;
}

/** Same-origin API with the local admin token: what `npm start` serves, and the fallback when config.json is absent. */
export const LOCAL_CONFIG: DashboardConfig = { apiBaseUrl: '', auth: { mode: 'token' } };

export async function loadConfig(url = './config.json'): Promise<DashboardConfig> {
  const response = await fetch(url, { cache: 'no-store' });
  if (response.status === 404) return LOCAL_CONFIG;
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  return parseConfig(await response.json());
}

export function parseConfig(raw: unknown): DashboardConfig {
  const value = (raw ?? {}) as { apiBaseUrl?: unknown; auth?: Record<string, unknown> };
  const apiBaseUrl = typeof value.apiBaseUrl === 'string' ? value.apiBaseUrl : '';
  const auth = value.auth ?? { mode: 'token' };
  if (auth.mode === 'cognito') {
    const need = (name: string): string => {
      const field = auth[name];
      if (typeof field !== 'string' || !field) throw new Error(`auth.${name} is required for Cognito sign-in`);
      return field;
    };
    const config: AuthConfig = {
      mode: 'cognito',
      region: need('region'),
      userPoolId: need('userPoolId'),
      userPoolClientId: need('userPoolClientId'),
    };
    if (typeof auth.domain === 'string' && auth.domain) config.domain = auth.domain;
    return { apiBaseUrl, auth: config };
  }
  if (auth.mode !== undefined && auth.mode !== 'token') throw new Error(`unknown auth.mode "${String(auth.mode)}"`);
  return { apiBaseUrl, auth: { mode: 'token' } };
}
