// Owns starting test/support/runtime-process.ts as a child process and collecting its output, for signal and socket tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { processTree } from './processes.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../..');

export interface RuntimeChild {
  process: ChildProcess;
  pid: number;
  url: string;
  port: number;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * Starts the runtime in a process group of its own, like a terminal's foreground job, so that a test can send a
 * signal to the whole group exactly as Ctrl-C does (`process.kill(-pid, 'SIGINT')`).
 */
export async function startRuntimeChild(env: Record<string, string>, timeoutMs = 120_000): Promise<RuntimeChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/runtime-process.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, at: Date.now() })),
  );
  const ready = await new Promise<{ url: string; port: number }>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the runtime did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"ready":true'));
      if (!line) return;
      clearTimeout(timer);
      done(JSON.parse(line) as { url: string; port: number });
    };
    child.stdout?.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      fail(new Error(`the runtime exited during start-up (code ${code}):\n${output}`));
    });
  });
  return { process: child, pid: child.pid as number, ...ready, output: () => output, exited };
}

/** Ends a child that a failed test left running, and its java (which runs in a process group of its own). */
export function killRuntimeChild(child: RuntimeChild | undefined): void {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  for (const pid of processTree(child.pid).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
