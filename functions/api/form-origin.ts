// Which pages may post the public survey forms: the survey's own origin, its configured public origin, and the web
// intercept sites allowed to frame it — so another site cannot make its visitors' browsers submit answers.
import type { Context, MiddlewareHandler } from 'hono';
import { commonEnv } from '../topology.ts';

export interface FormOriginPolicy {
  /** Origins the survey pages are served under when a proxy, CDN or custom domain shows another host than Lambda sees. */
  publicOrigins: readonly string[];
  /** Other sites allowed to post the form (web intercept embeds), exact origins only. */
  allowedOrigins: readonly string[];
}

export type OriginVerdict = { ok: true } | { ok: false; reason: 'foreign-origin' | 'cross-site' };

/** Environment variables read (SURVEY_FRAME_ANCESTORS is shared with the survey page's frame-ancestors policy). */
export const originEnv = { publicOrigin: 'SURVEY_PUBLIC_ORIGIN', frameAncestors: commonEnv.surveyFrameAncestors } as const;

/**
 * Reads the policy at cold start. Both settings are lists separated by spaces or commas. Only exact origins
 * (`https://shop.example.com`) count for posting forms: CSP keywords and wildcard hosts that frame-ancestors accepts
 * are ignored here, because a wildcard would let any subdomain (including a hijacked one) post answers.
 */
export function formOriginPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): FormOriginPolicy {
  return { publicOrigins: exactOrigins(env[originEnv.publicOrigin]), allowedOrigins: exactOrigins(env[originEnv.frameAncestors]) };
}

function exactOrigins(list: string | undefined): string[] {
  const origins: string[] = [];
  for (const entry of (list ?? '').split(/[\s,]+/).slice(0, 100)) {
    const candidate = entry.replace(/\/$/, '');
    if (!/^https?:\/\//i.test(candidate) || candidate.includes('*')) continue;
    try {
      const origin = new URL(candidate).origin;
      if (origin === candidate.toLowerCase()) origins.push(origin);
    } catch {
      // Not a URL: not an origin either.
    }
  }
  return origins;
}

/**
 * A form post is refused when its `Origin` is another site's, or, for a browser that sends no `Origin` (or
 * `Origin: null`), when `Sec-Fetch-Site` says `cross-site`. A post with neither header (old kiosk browsers, privacy proxies, scripts) is
 * let through: cross-site request forgery needs a browser, and every current browser sends `Origin` on a POST;
 * scripts are the rate limiter's business. The request's own origin comes from its URL — in Lambda the HTTP API's
 * domain name, locally the Host header — not from a header the client could choose freely.
 */
export function judgeFormOrigin(
  headers: { origin?: string | undefined; secFetchSite?: string | undefined },
  requestUrl: string,
  policy: FormOriginPolicy,
): OriginVerdict {
  const { origin, secFetchSite } = headers;
  // "null" says nothing about the site: browsers send it for every form post from a page under
  // `Referrer-Policy: no-referrer` (as ours are), and from sandboxed frames. Fetch metadata tells those apart.
  if (origin !== undefined && origin !== 'null') {
    const own = new URL(requestUrl).origin;
    const known = origin === own || policy.publicOrigins.includes(origin) || policy.allowedOrigins.includes(origin);
    return known ? { ok: true } : { ok: false, reason: 'foreign-origin' };
  }
  return secFetchSite === 'cross-site' ? { ok: false, reason: 'cross-site' } : { ok: true };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Guards every unsafe method under the routes it is mounted on; `refuse` renders the 403 page. */
export function sameOriginForms(policy: FormOriginPolicy, refuse: (c: Context, verdict: OriginVerdict) => Response | Promise<Response>): MiddlewareHandler {
  return async (c, next) => {
    if (safeMethods.has(c.req.method)) return next();
    const verdict = judgeFormOrigin({ origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site') }, c.req.url, policy);
    if (verdict.ok) return next();
    console.warn(JSON.stringify({ level: 'warn', message: 'cross-origin form post refused', reason: verdict.reason, path: c.req.path }));
    return refuse(c, verdict);
  };
}
