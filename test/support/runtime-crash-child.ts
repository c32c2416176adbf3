// The whole local runtime in a process of its own, as `npm start` runs it, so that a test can kill it with SIGKILL.
// argv[2]: the data dir; OPENCEM_ADMIN_TOKEN: the admin token. Prints {"url", "sqsEndpoint", "ticketsQueueUrl"} once it serves, and its log lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startLocalRuntime } = await import('../../functions/local/runtime.ts');

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: runtime-crash-child.ts <data dir>');
const runtime = await startLocalRuntime({
  dataDir,
  port: 0,
  adminToken: process.env.OPENCEM_ADMIN_TOKEN,
  demo: true,
  demoResponseCount: 0,
  log: (line) => process.stdout.write(`log: ${line}\n`),
});
process.stdout.write(`${JSON.stringify({ url: runtime.url, sqsEndpoint: process.env.SQS_ENDPOINT, ticketsQueueUrl: process.env.QUEUE_TICKETS })}\n`);
process.on('SIGTERM', () => void runtime.stop().then(() => process.exit(0)));
// A bounded life, so that a child a test forgot still goes away by itself.
setTimeout(() => void runtime.stop().then(() => process.exit(3)), 300_000).unref();
