// Use case: the rebuilds queue — each message carries one segment of a rebuild a few pages further (rebuild.ts).
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { ZodError } from 'zod';
import { RebuildMessage } from '../domain/rebuild.ts';
import { queues } from '../topology.ts';
import { failRebuild, rebuildStep, type RebuildDeps } from './rebuild.ts';

export async function handleRebuildMessages(records: SQSRecord[], deps: RebuildDeps): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  // Messages are segments of their own (each saves its own item), so a batch is worked on concurrently.
  await Promise.all(
    records.map(async (record) => {
      let message: RebuildMessage;
      try {
        message = RebuildMessage.parse(JSON.parse(record.body));
      } catch (error) {
        // A message no retry can fix: say so and drop it rather than let it cycle to the dead-letter queue.
        const reason = error instanceof ZodError ? error.issues.map((i) => i.path.join('.') || '(body)').join(', ') : String(error);
        deps.log?.(`rebuild: dropped a message that is not a rebuild step (${reason})`);
        return;
      }
      try {
        await rebuildStep(message, deps);
      } catch (error) {
        // Only this message comes back (its segment resumes from the last saved page). On its last receive, end the job
        // so that it does not block new rebuilds forever; the message still goes to the dead-letter queue, whose alarm
        // tells an operator.
        const receives = Number(record.attributes.ApproximateReceiveCount ?? '1');
        deps.log?.(`rebuild ${message.rebuildId}: segment ${message.segment} failed (receive ${receives}): ${String(error)}`);
        if (receives >= queues.rebuilds.maxReceiveCount) {
          await failRebuild(message.rebuildId, `segment ${message.segment} kept failing: ${String(error)}`, deps).catch(() => false);
        }
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}
