// Owns the local queues' durability: an append-only, fsync'd journal of every queue state change, replayed on start
// and compacted into a snapshot of what is live, so a `kill -9` loses no message that SQS has acknowledged.
/**
 * One file, `<dir>/journal.jsonl`, one JSON record per line. The engine appends a record for each change (a queue made
 * or reconfigured, a message sent, received, its visibility changed, deleted, moved to its DLQ, a queue purged) and
 * awaits `commit()` before it answers: the change is written and fdatasync'd by then. Every change appended while one
 * write is on its way shares the next write and sync (group commit), so durable throughput grows with concurrency.
 *
 * On open the file is read and handed back as records; a torn last line (a write cut off by a crash) is ignored, as
 * is any line that does not parse. `compact()` writes a snapshot (the records that rebuild the live state) to a new
 * file, syncs it, renames it over the journal and syncs the directory, so a crash at any point leaves either the old
 * journal or the new one. The journal compacts itself again whenever what was appended since outgrows a bound.
 * The directory is 0700 and the file 0600: message bodies carry respondents' contact details.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** A message as the journal keeps it: binary attribute values as base64, no receipt (handles die with the process). */
export interface StoredMessage {
  id: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  traceHeader?: string;
  groupId?: string;
  senderId: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  deadLetterSourceArn?: string;
}

export interface StoredQueueConfig {
  DelaySeconds: number;
  MaximumMessageSize: number;
  MessageRetentionPeriod: number;
  ReceiveMessageWaitTimeSeconds: number;
  VisibilityTimeout: number;
  RedrivePolicy?: { deadLetterTargetArn: string; maxReceiveCount: number };
  /** Attributes we store and report but do not act on (Policy, KMS settings, RedriveAllowPolicy, …). */
  passive: Record<string, string>;
}

export type JournalRecord =
  | { op: 'queue'; name: string; config: StoredQueueConfig; createdAt: number; lastModifiedAt: number }
  | { op: 'drop-queue'; name: string }
  | { op: 'send'; queue: string; message: StoredMessage }
  | { op: 'receive'; queue: string; id: string; receiveCount: number; firstReceivedAt: number; visibleAt: number }
  | { op: 'visibility'; queue: string; id: string; visibleAt: number }
  | { op: 'delete'; queue: string; id: string }
  | { op: 'move'; from: string; to: string; id: string; visibleAt: number; deadLetterSourceArn: string }
  | { op: 'purge'; queue: string };

export interface JournalOptions {
  /** Compact once this many bytes were appended since the last snapshot (and at least twice the snapshot's size). */
  compactAtBytes?: number;
  log?: (line: string) => void;
}

export interface OpenedJournal {
  journal: QueueJournal;
  /** What the file held, in order; empty for a new journal. */
  records: JournalRecord[];
  /** True when a journal existed: the queues resume what a previous process left. */
  resumed: boolean;
  /** Lines that were dropped because they did not parse (a torn tail after a crash). */
  skippedLines: number;
}

const fileName = 'journal.jsonl';
const defaultCompactAtBytes = 16 * 1024 * 1024;

interface Batch {
  lines: string[];
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => {}); // a batch nobody awaited must not become an unhandled rejection; awaiting callers still see it
  return { lines: [], done, resolve, reject };
}

export async function openJournal(dir: string, options: JournalOptions = {}): Promise<OpenedJournal> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = path.join(dir, fileName);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const records: JournalRecord[] = [];
  let skippedLines = 0;
  if (text !== undefined) {
    const lines = text.split('\n');
    // Every complete record ends with a newline, so the last piece is either empty or a write the crash cut off.
    if (lines.pop() !== '') skippedLines++;
    for (const line of lines) {
      if (line === '') continue;
      try {
        const record = JSON.parse(line) as unknown;
        if (isRecord(record)) records.push(record);
        else skippedLines++;
      } catch {
        skippedLines++;
      }
    }
  }
  const handle = await open(file, 'a', 0o600);
  await handle.chmod(0o600);
  const journal = new QueueJournal(dir, file, handle, options.compactAtBytes ?? defaultCompactAtBytes, options.log ?? (() => {}));
  return { journal, records, resumed: text !== undefined, skippedLines };
}

function isRecord(value: unknown): value is JournalRecord {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';
}

export class QueueJournal {
  /** Changes appended and not yet on their way to the disk. */
  private pending = newBatch();
  /** The write (or compaction) on its way, if any. */
  private writing: Promise<void> | undefined;
  private appendedBytes = 0;
  private snapshotBytes = 0;
  private closed = false;
  /** The records that rebuild the live state; set by the engine before the first compaction. */
  snapshot: () => JournalRecord[] = () => [];

  constructor(
    private readonly dir: string,
    private readonly file: string,
    private handle: FileHandle,
    private readonly compactAtBytes: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Records a change; it is durable once the next `commit()` resolves. */
  append(record: JournalRecord): void {
    if (this.closed) return;
    this.pending.lines.push(`${JSON.stringify(record)}\n`);
    this.kick();
  }

  /** Resolves when everything appended so far is on the disk; rejects when writing it failed. */
  commit(): Promise<void> {
    if (this.pending.lines.length > 0) return this.pending.done;
    return this.writing ?? Promise.resolve();
  }

  /** Replaces the journal with a snapshot of the live state (atomic: the old file stays until the new one is synced). */
  async compact(): Promise<void> {
    await this.idle();
    this.writing = this.rewrite();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
      this.kick();
    }
  }

  /** Writes what is pending and closes the file; later appends are dropped. */
  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    await this.handle.close();
  }

  private async idle(): Promise<void> {
    while (this.writing || this.pending.lines.length > 0) {
      this.kick();
      await this.writing?.catch(() => {});
    }
  }

  /** Starts the next write unless one is on its way; that one starts the next when it is done. */
  private kick(): void {
    if (this.writing || this.pending.lines.length === 0) return;
    const due = this.appendedBytes > Math.max(this.compactAtBytes, 2 * this.snapshotBytes);
    const work = due ? this.rewrite() : this.write();
    this.writing = work.finally(() => {
      this.writing = undefined;
      this.kick();
    });
    this.writing.catch(() => {});
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = newBatch();
    const bytes = Buffer.from(batch.lines.join(''), 'utf8');
    try {
      await this.handle.write(bytes);
      await this.handle.datasync();
      this.appendedBytes += bytes.length;
      batch.resolve();
    } catch (error) {
      this.log(`journal write failed: ${String(error)}`);
      batch.reject(error);
    }
  }

  /** The snapshot covers every change appended so far, so the pending batch is done once the snapshot is durable. */
  private async rewrite(): Promise<void> {
    const batch = this.pending;
    this.pending = newBatch();
    const started = Date.now();
    const bytes = Buffer.from(this.snapshot().map((record) => `${JSON.stringify(record)}\n`).join(''), 'utf8');
    const temporary = `${this.file}.compacting`;
    try {
      const next = await open(temporary, 'w', 0o600);
      try {
        await next.chmod(0o600);
        await next.write(bytes);
        await next.sync();
      } finally {
        await next.close();
      }
      await rename(temporary, this.file);
      syncDirectory(this.dir);
      const old = this.handle;
      this.handle = await open(this.file, 'a', 0o600);
      await old.close();
      this.snapshotBytes = bytes.length;
      this.appendedBytes = 0;
      this.log(`journal compacted to ${bytes.length} bytes in ${Date.now() - started} ms`);
      batch.resolve();
    } catch (error) {
      this.log(`journal compaction failed: ${String(error)}`);
      this.appendedBytes = 0; // try again after another bound's worth of appends, not in a loop
      // The old journal is intact; its pending changes still have to reach it.
      this.pending.lines.unshift(...batch.lines);
      void this.pending.done.then(batch.resolve, batch.reject);
      throw error;
    }
  }

  /** Bytes in the journal file now (for tests and logs). */
  async size(): Promise<number> {
    return (await stat(this.file)).size;
  }
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
