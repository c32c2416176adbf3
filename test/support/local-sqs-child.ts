// A local SQS in a process of its own, so that a test can end it with SIGKILL exactly as a crash would.
// argv[2]: JSON { dataDir, queues, compactJournalAtBytes? }; prints {"endpoint": …} once it listens, and its log lines.
import { startLocalSqs } from '../../functions/local/sqs-server.ts';
import type { QueueSpec } from '../../functions/topology.ts';

const settings = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; queues: Record<string, QueueSpec>; compactJournalAtBytes?: number };
const sqs = await startLocalSqs({ ...settings, log: (line) => process.stdout.write(`log: ${line}\n`) });
process.stdout.write(`${JSON.stringify({ endpoint: sqs.endpoint })}\n`);
// Kept alive until killed; a bounded wait, so that a forgotten child still goes away by itself.
setTimeout(() => process.exit(3), 120_000);
