// Owns what Ctrl-C does to a running local runtime: one ordered stop, a second Ctrl-C to force, and a deadline.
import type { Runtime } from './runtime.ts';

export interface ShutdownOptions {
  log: (line: string) => void;
  /** Ends the process; `process.exit` outside tests. */
  exit?: (code: number) => void;
  /** The stop is forced after this long even if some step hangs (default 15 s; the steps' own bounds add up to ~10 s). */
  deadlineMs?: number;
}

const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Installs the signal handlers: the first signal stops the runtime in order (see stopInOrder) and exits 0; a second
 * one, or the deadline, exits at once (130); the exit hooks of dynamodb-local.ts still take java down then.
 */
export function stopOnSignals(runtime: Runtime, options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log(`${signal} again: exiting now, without waiting for the rest of the stop`);
      exit(130);
      return;
    }
    stopping = true;
    options.log(`${signal}: stopping (${signal === 'SIGINT' ? 'Ctrl-C' : 'the same signal'} again to force)…`);
    const deadline = setTimeout(() => {
      options.log(`the stop took longer than ${(options.deadlineMs ?? 15_000) / 1000} s: exiting now`);
      exit(130);
    }, options.deadlineMs ?? 15_000);
    deadline.unref();
    runtime.stop().then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (error: unknown) => {
        options.log(`✗ the stop failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  for (const signal of stopSignals) process.on(signal, onSignal);
}
