// Security headers on the dashboard's static files in the local runtime (CloudFront's response headers policy does the
// same in AWS); responses of the API app already carry their own policy and keep it.
import type { MiddlewareHandler } from 'hono';
import { dashboardContentSecurityPolicy } from '../../web/content-security-policy.ts';

export function dashboardHeaders(): MiddlewareHandler {
  const policy = dashboardContentSecurityPolicy();
  return async (c, next) => {
    await next();
    if (c.res.headers.has('Content-Security-Policy')) return;
    c.res.headers.set('Content-Security-Policy', policy);
    c.res.headers.set('X-Frame-Options', 'DENY');
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
  };
}
