// Ctrl-C under load: the local runtime stops in order (HTTP drain, consumers, queues, database) within seconds, answers
// no request with a 500 on the way, logs no connection errors, and leaves no java behind.
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../functions/local/dynamodb-local.ts';
import { processTree } from '../support/processes.ts';
import { killRuntimeChild, startRuntimeChild, type RuntimeChild } from '../support/runtime-child.ts';

const TOKEN = 'shutdown-admin-token-0123456789';
let child: RuntimeChild | undefined;
afterAll(() => killRuntimeChild(child));

describe('Ctrl-C under load', () => {
  it('drains, stops consumers before the queues and the database, and exits within seconds while clients keep going', async () => {
    child = await startRuntimeChild({ OPENCEM_ADMIN_TOKEN: TOKEN });
    const descendants = processTree(child.pid).slice(1);
    expect(descendants.length).toBeGreaterThan(0); // java

    const statuses = new Map<number, number>();
    const failures = new Map<string, number>();
    let running = true;
    const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);
    // 16 clients on keep-alive connections (fetch pools them), reading and submitting as fast as they can; a third of
    // the responses are detractors, so the stream and queue consumers are busy too.
    const clients = Array.from({ length: 16 }, async (_, client) => {
      for (let i = 0; running; i++) {
        try {
          const submit = (client + i) % 2 === 0;
          const response = submit
            ? await fetch(`${child?.url}/api/v1/responses`, {
                method: 'POST',
                headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
                body: JSON.stringify({ surveyId: 'hotel-stay', unitId: 'sh-bund', answers: { nps: (client * 7 + i) % 11 } }),
              })
            : await fetch(`${child?.url}/healthz`);
          await response.arrayBuffer();
          count(statuses, response.status);
          if (response.status === 503) expect(response.headers.get('retry-after')).toBe('5');
        } catch (error) {
          // Refused or reset connections once the server is gone are fine; a client then just tries again.
          count(failures, ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code ?? (error as Error).message);
          await new Promise((done) => setTimeout(done, 5));
        }
      }
    });

    await expect.poll(() => (statuses.get(201) ?? 0) + (statuses.get(200) ?? 0), { timeout: 30_000, interval: 50 }).toBeGreaterThan(200);
    const signalledAt = Date.now();
    process.kill(-child.pid, 'SIGINT'); // the whole foreground group, as a terminal's Ctrl-C
    const exit = await Promise.race([child.exited, new Promise<null>((done) => setTimeout(() => done(null), 15_000))]);
    // Clients keep going for a moment after the exit, hitting a closed port.
    await new Promise((done) => setTimeout(done, 300));
    running = false;
    await Promise.all(clients);

    const output = child.output();
    const seconds = exit ? (exit.at - signalledAt) / 1000 : Number.POSITIVE_INFINITY;
    console.log(`stopped ${seconds.toFixed(1)} s after SIGINT; statuses ${JSON.stringify(Object.fromEntries(statuses))}; client errors ${JSON.stringify(Object.fromEntries(failures))}`);
    console.log(output.split('\n').filter((line) => /stopping|stopped|SIGINT/.test(line)).join('\n'));
    expect(exit).toMatchObject({ code: 0 });
    expect(seconds).toBeLessThan(8);
    expect([...statuses.keys()].filter((status) => status >= 500 && status !== 503)).toEqual([]);
    expect(output).not.toMatch(/ECONNREFUSED|ECONNRESET|exited unexpectedly/);
    // In order, each step once.
    const steps = ['stopping: HTTP server', 'stopping: consumers', 'stopping: queues', 'stopping: DynamoDB Local', 'stopped in'];
    const positions = steps.map((step) => output.indexOf(step));
    expect(positions.every((at) => at >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const pid of descendants) expect(isAlive(pid)).toBe(false);
  }, 180_000);
});
