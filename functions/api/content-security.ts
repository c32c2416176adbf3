// Content-Security-Policy (and X-Frame-Options) on every response of the API app: survey pages may be framed only by
// the origins configured for web intercept, the API reference and JSON answers by nobody. Pages run no script at all,
// and their one inline stylesheet (in the organisation's colour) and logo are allowed by name, nothing else.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { commonEnv } from '../topology.ts';
import { DOCS_STYLE } from './docs.ts';
import { surveyStyle } from './survey-page.tsx';

/** Space-separated origins (e.g. "https://www.hotel.example https://*.hotel.example") allowed to frame survey pages. */
export const SURVEY_FRAME_ANCESTORS_ENV = commonEnv.surveyFrameAncestors;

// Scheme, host (optionally a leading "*." wildcard) and port: what CSP calls a host-source; no paths, no quotes.
const Origin = z
  .string()
  .max(253)
  .regex(/^https?:\/\/(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?$/i, 'must be an origin such as https://www.example.com');

/** Reads SURVEY_FRAME_ANCESTORS at cold start; unset or empty means no framing ('none'). A bad origin fails fast. */
export function surveyFrameAncestorsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const tokens = (env[SURVEY_FRAME_ANCESTORS_ENV] ?? '').split(/\s+/).filter(Boolean);
  const parsed = z.array(Origin).max(50).safeParse(tokens);
  if (!parsed.success) {
    const bad = parsed.error.issues.map((i) => JSON.stringify(tokens[Number(i.path[0])] ?? '')).join(', ');
    throw new Error(`${SURVEY_FRAME_ANCESTORS_ENV} must be space-separated origins such as https://www.example.com; got ${bad}`);
  }
  return parsed.data;
}

const hashOf = (css: string) => `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;

/** What a survey page shows of the organisation's brand, which its policy must allow; set by the respondent routes. */
export interface SurveyPageLook {
  primaryColor?: string | undefined;
  logoUrl?: string | undefined;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The brand the survey page of this request was rendered with (absent: the default look). */
    surveyPageLook: SurveyPageLook;
  }
}

/** The origin of an https logo URL, as a CSP host-source; undefined for anything else (then no logo is allowed). */
export function logoOrigin(logoUrl: string | undefined): string | undefined {
  if (!logoUrl) return undefined;
  try {
    const url = new URL(logoUrl);
    return url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export function surveyPagePolicy(frameAncestors: readonly string[], look: SurveyPageLook = {}): string {
  const logo = logoOrigin(look.logoUrl);
  return [
    "default-src 'none'",
    `style-src ${hashOf(surveyStyle(look.primaryColor))}`,
    `img-src 'self' data:${logo ? ` ${logo}` : ''}`,
    "form-action 'self'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

export const DOCS_POLICY = ["default-src 'none'", `style-src ${hashOf(DOCS_STYLE)}`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"].join('; ');

/** For JSON and anything else: nothing may load or frame it. */
export const API_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface ContentSecurityConfig {
  /** Origins that may frame the respondent pages (/s/…); empty: none may. */
  surveyFrameAncestors: readonly string[];
}

/** Register before secureHeaders(): it sets the policy last, so no later middleware overrides it. */
export function contentSecurity(config: ContentSecurityConfig): MiddlewareHandler {
  const plainSurvey = surveyPagePolicy(config.surveyFrameAncestors);
  const framable = config.surveyFrameAncestors.length > 0;
  return async (c, next) => {
    await next();
    const path = c.req.path;
    const isSurvey = path === '/s' || path.startsWith('/s/');
    // A branded page's stylesheet differs only in its colour; hashing ~3 KB per request costs microseconds.
    const look = isSurvey ? (c.get('surveyPageLook') as SurveyPageLook | undefined) : undefined;
    const survey = look && (look.primaryColor || look.logoUrl) ? surveyPagePolicy(config.surveyFrameAncestors, look) : plainSurvey;
    c.res.headers.set('Content-Security-Policy', isSurvey ? survey : path === '/api/docs' ? DOCS_POLICY : API_POLICY);
    // X-Frame-Options for browsers without frame-ancestors; it cannot list origins, so framable pages go without it.
    if (isSurvey && framable) c.res.headers.delete('X-Frame-Options');
    else c.res.headers.set('X-Frame-Options', 'DENY');
  };
}
