// What both event-source-mapping emulators (table streams, queues) need: Lambda-like timeouts, stoppable sleeps, error text.
import { setTimeout as delay } from 'node:timers/promises';

/** Fails like a Lambda timeout when the work takes longer than `seconds` (the work itself keeps running). */
export async function withTimeout<T>(work: Promise<T>, seconds: number | undefined): Promise<T> {
  if (seconds === undefined) return work;
  const timer = new AbortController();
  try {
    return await Promise.race([
      work,
      delay(seconds * 1000, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`Task timed out after ${seconds} seconds`);
      }),
    ]);
  } finally {
    timer.abort();
  }
}

/** Resolves after `ms`, or at once when the mapping stops. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch {
    // aborted: the mapping is stopping
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
}
