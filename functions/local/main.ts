// `npm start`: the whole of OpenCEM on this machine, with demo data on first start and a banner that says where to go.
// The lockfile pins AWS SDK releases that still run on Node 20; their notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import path from 'node:path';
import { z } from 'zod';
import { isLoopback, loopbackHost } from './http-server.ts';
import { projectRoot, startLocalRuntime } from './runtime.ts';
import { stopOnSignals } from './shutdown.ts';

const Settings = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Where the HTTP server listens. Only the HTTP server: DynamoDB Local and the queues never leave 127.0.0.1.
  HOST: z
    .union([z.ipv4(), z.ipv6(), z.literal('localhost')], { error: 'HOST must be an IP address of this machine (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost' })
    .default(loopbackHost),
  OPENCEM_DATA_DIR: z.string().min(1).default(path.join(projectRoot, '.opencem')),
  OPENCEM_ADMIN_TOKEN: z.string().min(16, 'OPENCEM_ADMIN_TOKEN must be at least 16 characters').optional(),
  OPENCEM_DEMO: z.enum(['0', '1']).default('1'),
});

async function main() {
  const parsed = Settings.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`✗ ${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  const settings = parsed.data;
  // Everything this process and its java child create (database, checkpoints, token) is for this user only.
  process.umask(0o077);
  const started = Date.now();
  const log = (line: string) => console.log(`  ${line}`);
  console.log('OpenCEM — starting the local runtime');
  const runtime = await startLocalRuntime({
    dataDir: path.resolve(settings.OPENCEM_DATA_DIR),
    port: settings.PORT,
    host: settings.HOST,
    adminToken: settings.OPENCEM_ADMIN_TOKEN,
    demo: settings.OPENCEM_DEMO === '1',
    log,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const u = runtime.url;
  const listening = isLoopback(runtime.host)
    ? `│ Listening on   ${runtime.host}:${runtime.port}, this machine only (HOST=0.0.0.0 opens it to the network)`
    : `│ Listening on   ${runtime.host}:${runtime.port}  ⚠ OPEN TO THE NETWORK (HOST=${runtime.host})`;
  const auth = `-H "Authorization: Bearer ${runtime.adminToken}"`;
  const { missing, surveys } = runtime.setup;
  const steps = [
    ['organisation', `│  1. Organisation  curl -X PUT ${auth} -H 'content-type: application/json' \\
│                     -d '{"name":{"en":"Acme Retail"},"timeZone":"Europe/London","locales":["en"],"defaultLocale":"en"}' \\
│                     ${u}/api/v1/organisation`],
    ['units', `│  2. Org units     curl -X POST ${auth} -H 'content-type: text/csv' --data-binary @units.csv ${u}/api/v1/org/units/import
│                     (columns id,parentId,kind,name_zh,name_en,name_ru; add ?dryRun=1 to preview)`],
    ['survey', `│  3. A survey      GET ${u}/api/v1/templates, then POST ${u}/api/v1/surveys {"id":"store-visit","templateId":"…"}
│                     and POST ${u}/api/v1/surveys/store-visit/publish`],
  ] as const;
  const firstMissing = steps.findIndex(([step]) => step === missing);
  const surveyLine = surveys.includes('hotel-stay')
    ? `│ Demo survey    ${u}/s/hotel-stay?unit=sh-bund&lang=zh   (also &lang=en, &lang=ru; answer NPS ≤ 6 to open a ticket)`
    : surveys.map((id, i) => `│ ${i === 0 ? 'Survey pages   ' : '               '}${u}/s/${encodeURIComponent(id)}?unit=<unit id>`).join('\n');
  const start =
    firstMissing < 0
      ? `│ Dashboard      ${u}/#token=${runtime.adminToken}
│ Ticket board   ${u}/?view=tickets#token=${runtime.adminToken}
│ Admin console  ${u}/?view=surveys#token=${runtime.adminToken}   (org tree, surveys, alert rules, managers)
${surveyLine}`
      : `│ Not set up yet: ${missing === 'organisation' ? 'the organisation is empty (OPENCEM_DEMO=0)' : `next, ${missing === 'units' ? 'the org units' : 'a published survey'}`}.
│ Set up in the browser  ${u}/?view=setup#token=${runtime.adminToken}
│  (organisation → org units → a survey from a template → its live links and QR codes → managers)
│ Or through the API, in this order:
${steps.slice(firstMissing).map(([, text]) => text).join('\n')}`;
  console.log(`
┌──────────────────────────────────────────────────────────────────────────────
│ OpenCEM is running (ready in ${seconds} s)
│
${start}
│ API reference  ${u}/api/docs   (OpenAPI: ${u}/api/openapi.json)
│ Notifications  ${u}/api/v1/outbox   (what SNS/SMS/e-mail would have sent; needs the token)
│ Health         ${u}/healthz
│
│ Admin token    ${runtime.adminToken}
│                (send "Authorization: Bearer <token>" to ${u}/api/v1/…)
│ Data           ${runtime.dataDir}   (delete it to start over${surveys.includes('hotel-stay') ? ' with fresh demo data' : ''})
${listening}
│
│ Ctrl-C stops everything, DynamoDB Local included.
└──────────────────────────────────────────────────────────────────────────────`);
  if (!isLoopback(runtime.host)) {
    console.warn(`
⚠⚠⚠ WARNING: HOST=${runtime.host} — the HTTP server answers anyone who can reach this machine on port ${runtime.port}.
⚠⚠⚠ The admin API behind it (guarded by one bearer token, sent in clear text over plain HTTP) serves respondents'
⚠⚠⚠ names, phones and e-mails. Use it only on a network you trust, or put a TLS proxy in front. DynamoDB Local and
⚠⚠⚠ the queues still listen on 127.0.0.1 only.
`);
  }

  stopOnSignals(runtime, { log: (line) => console.log(`\n${line}`) });
}

main().catch((error: unknown) => {
  console.error(`✗ OpenCEM could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
