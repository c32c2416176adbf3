// A local runtime in a process of its own, stopped the way `npm start` stops (shutdown.ts), for tests that send it
// signals or look at its sockets. Settings from the environment: OPENCEM_DATA_DIR (unset: in memory), HOST,
// OPENCEM_ADMIN_TOKEN. Prints one JSON line {"ready":true,…} on stdout once it answers.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { startLocalRuntime } from '../../functions/local/runtime.ts';
import { stopOnSignals } from '../../functions/local/shutdown.ts';

const log = (line: string) => console.log(`  ${line}`);
const runtime = await startLocalRuntime({
  dataDir: process.env.OPENCEM_DATA_DIR || null,
  port: 0,
  host: process.env.HOST || undefined,
  adminToken: process.env.OPENCEM_ADMIN_TOKEN,
  demo: true,
  demoResponseCount: 0,
  log,
});
stopOnSignals(runtime, { log });
console.log(JSON.stringify({ ready: true, url: runtime.url, port: runtime.port, host: runtime.host }));
