// The dashboard's Content-Security-Policy header, one definition for the local server and the CloudFront distribution.
// The header (unlike index.html's <meta> policy) can carry frame-ancestors, so no other site can frame the dashboard.

/**
 * Scripts only from the dashboard's own origin (no inline script); inline styles are allowed because ECharts writes
 * style attributes into its tooltips. `connectOrigins` are where the API and sign-in live besides 'self'.
 */
export function dashboardContentSecurityPolicy(connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...connectOrigins].join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
