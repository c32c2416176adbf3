// DynamoDB Local's lifecycle (persistence, stale processes, signals, clear errors) and table creation from topology.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DescribeTableCommand, DescribeTimeToLiveCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isAlive, startDynamoDbLocal } from '../../functions/local/dynamodb-local.ts';
import { createTables, dynamoClient, localTableNames } from '../../functions/local/tables.ts';
import { tables, type TableName, type TableSpec } from '../../functions/topology.ts';

const root = resolve(fileURLToPath(import.meta.url), '../../..');
const scratch = await mkdtemp(join(tmpdir(), 'opencem-ddb-'));
const owners: ChildProcess[] = [];
afterAll(async () => {
  // A failed assertion must not leave owner processes (and their javas) behind.
  for (const owner of owners) if (owner.exitCode === null && owner.signalCode === null) owner.kill('SIGTERM');
  await rm(scratch, { recursive: true, force: true });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (condition()) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return condition();
}

/** A separate Node process that starts DynamoDB Local the way `npm start` does, so that we can kill it like a user would. */
async function startOwnerProcess(dataDir: string | null): Promise<{ owner: ChildProcess; javaPid: number; endpoint: string }> {
  const script = join(scratch, `owner-${randomUUID()}.mts`);
  const module = pathToFileURL(join(root, 'functions/local/dynamodb-local.ts')).href;
  await writeFile(
    script,
    `import { startDynamoDbLocal } from ${JSON.stringify(module)};
const local = await startDynamoDbLocal({ dataDir: ${JSON.stringify(dataDir)} });
console.log(JSON.stringify({ javaPid: local.pid, endpoint: local.endpoint }));
setInterval(() => {}, 60_000);
`,
  );
  const owner = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  owners.push(owner);
  let stderr = '';
  owner.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string>((done, fail) => {
    let stdout = '';
    owner.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      if (ready) done(ready);
    });
    owner.once('exit', (code) => fail(new Error(`owner process exited with ${code}: ${stderr}`)));
  });
  return { owner, ...(JSON.parse(line) as { javaPid: number; endpoint: string }) };
}

describe('startDynamoDbLocal', () => {
  it('keeps tables and items in its data directory across a restart, and cleans up on stop', async () => {
    const dataDir = join(scratch, 'persist', 'nested'); // created on demand
    const names = localTableNames('persist');
    const first = await startDynamoDbLocal({ dataDir });
    const client = dynamoClient(first.endpoint);
    await createTables(client, names);
    await client.send(new PutItemCommand({ TableName: names.responses, Item: { id: { S: 'kept' } } }));
    client.destroy();
    expect(existsSync(join(dataDir, 'dynamodb-local.pid'))).toBe(true);
    await first.stop();
    expect(isAlive(first.pid)).toBe(false);
    expect(existsSync(join(dataDir, 'dynamodb-local.pid'))).toBe(false);
    await first.stop(); // idempotent

    const second = await startDynamoDbLocal({ dataDir });
    try {
      const again = dynamoClient(second.endpoint);
      const { Item } = await again.send(new GetItemCommand({ TableName: names.responses, Key: { id: { S: 'kept' } } }));
      expect(Item).toEqual({ id: { S: 'kept' } });
      again.destroy();
    } finally {
      await second.stop();
    }
  });

  it('refuses a data directory in use, and kills the javas orphaned by crashed runs (on disk and in memory)', async () => {
    const dataDir = join(scratch, 'crashed');
    const [onDisk, inMemory] = await Promise.all([startOwnerProcess(dataDir), startOwnerProcess(null)]);
    // Two javas on one database file would corrupt it.
    await expect(startDynamoDbLocal({ dataDir })).rejects.toThrow(new RegExp(`in use by DynamoDB Local \\(pid ${onDisk.javaPid}\\)`));

    for (const crashed of [onDisk, inMemory]) {
      crashed.owner.kill('SIGKILL'); // no exit hooks run: java is orphaned, as after `kill -9` or an OOM kill
      await new Promise((done) => crashed.owner.once('exit', done));
      expect(isAlive(crashed.javaPid)).toBe(true);
    }

    const lines: string[] = [];
    const next = await startDynamoDbLocal({ dataDir, log: (line) => lines.push(line) });
    try {
      for (const crashed of [onDisk, inMemory]) {
        expect(await waitFor(() => !isAlive(crashed.javaPid), 5_000)).toBe(true);
        expect(lines.some((line) => line.includes(`DynamoDB Local (pid ${crashed.javaPid}`))).toBe(true);
      }
      const client = dynamoClient(next.endpoint);
      const { Item } = await client.send(new GetItemCommand({ TableName: 'none', Key: { id: { S: 'x' } } })).catch((error: Error) => ({ Item: error.name }));
      expect(Item).toBe('ResourceNotFoundException'); // answering, with its own (empty) database
      client.destroy();
    } finally {
      await next.stop();
    }
  });

  it('takes java down with it on SIGTERM and still dies of the signal', async () => {
    const { owner, javaPid } = await startOwnerProcess(null);
    const exit = new Promise<NodeJS.Signals | null>((done) => owner.once('exit', (_code, signal) => done(signal)));
    owner.kill('SIGTERM');
    expect(await exit).toBe('SIGTERM');
    expect(await waitFor(() => !isAlive(javaPid), 5_000)).toBe(true);
  });

  it('refuses a port that is taken, naming who holds it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, done));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startDynamoDbLocal({ dataDir: null, port })).rejects.toThrow(new RegExp(`port ${port} is already in use by pid ${process.pid}`));
    } finally {
      blocker.close();
    }
  });

  it('tells the user to install Java when there is none', async () => {
    const path = process.env.PATH;
    process.env.PATH = scratch; // no java in here
    try {
      await expect(startDynamoDbLocal({ dataDir: null })).rejects.toThrow(/Java 17/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('createTables', () => {
  it('creates every topology table with its keys, stream and TTL, and is idempotent', async () => {
    const client = dynamoClient(inject('dynamodbEndpoint'));
    const names = localTableNames(`tables-${Date.now().toString(36)}`);
    // topology.ts has no expiring table yet; give one a TTL to exercise that path.
    const specs: Record<TableName, TableSpec> = { ...tables, catalog: { ...tables.catalog, timeToLiveAttribute: 'expiresAt' } };
    await createTables(client, names, specs);
    await createTables(client, names, specs); // a second `npm start` on the same data

    const responses = (await client.send(new DescribeTableCommand({ TableName: names.responses }))).Table;
    expect(responses?.TableStatus).toBe('ACTIVE');
    expect(responses?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(responses?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(responses?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');

    const aggregates = (await client.send(new DescribeTableCommand({ TableName: names.aggregates }))).Table;
    expect(aggregates?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(aggregates?.StreamSpecification?.StreamEnabled ?? false).toBe(false);

    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.catalog }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    client.destroy();
  });

  it('rejects prefixes that would make invalid table names', () => {
    expect(localTableNames('dev')).toEqual(Object.fromEntries(Object.keys(tables).map((t) => [t, `dev-${t}`])));
    expect(localTableNames('dev').responses).toBe('dev-responses');
    expect(() => localTableNames('has space')).toThrow(/may only contain/);
  });
});
