// Who may call the admin API: locally a static bearer token; in AWS the API Gateway JWT authorizer has already checked
// the Cognito token, and the handler only confirms that the gateway passed claims along.
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorBody } from './errors.ts';

export type AuthConfig = { mode: 'token'; adminToken: string } | { mode: 'gateway' };

export interface AdminEnv {
  Bindings: { event?: { requestContext?: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } } } };
  /** Who is acting, for ticket history: the signed-in user's e-mail or name, or "admin" with the local token. */
  Variables: { actor: string };
}

export function requireAdmin(config: AuthConfig): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    if (config.mode === 'gateway') {
      const claims = c.env?.event?.requestContext?.authorizer?.jwt?.claims;
      if (claims && typeof claims.sub === 'string') {
        const name = [claims.email, claims['cognito:username'], claims.sub].find((v): v is string => typeof v === 'string');
        c.set('actor', name ?? claims.sub);
        return next();
      }
    } else {
      const header = c.req.header('authorization') ?? '';
      const presented = header.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
      if (presented && sameSecret(presented, config.adminToken)) {
        c.set('actor', 'admin');
        return next();
      }
    }
    c.header('WWW-Authenticate', 'Bearer');
    return c.json(errorBody('unauthorized', 'Send "Authorization: Bearer <token>" with a valid admin token.'), 401);
  };
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Reads the auth mode at cold start; a missing setting fails fast with its name. */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const mode = env.AUTH_MODE;
  if (mode === 'gateway') return { mode };
  if (mode === 'token') {
    const adminToken = env.OPENCEM_ADMIN_TOKEN;
    if (!adminToken || adminToken.length < 16) throw new Error('OPENCEM_ADMIN_TOKEN must be set (at least 16 characters) when AUTH_MODE=token');
    return { mode, adminToken };
  }
  throw new Error(`AUTH_MODE must be "gateway" or "token", got ${JSON.stringify(mode)}`);
}
