// The local runtime's stop order: HTTP drain, consumers, their clients, queues, database — each after the one before.
import { describe, expect, it } from 'vitest';
import { stopInOrder, type RunningParts } from '../../functions/local/runtime.ts';

function recordingParts(events: string[], options: { slowConsumer?: boolean } = {}): RunningParts {
  const step = (name: string) => async () => {
    events.push(`${name} begins`);
    await new Promise((done) => setTimeout(done, 5));
    events.push(`${name} ends`);
  };
  return {
    http: {
      inFlight: () => 2,
      drain: async (timeoutMs) => {
        events.push(`http drain ${timeoutMs}`);
        await step('http')();
        return { abandoned: 0 };
      },
    },
    consumers: [
      { name: 'aggregate', stop: step('aggregate') },
      { name: 'tickets', stop: options.slowConsumer ? () => new Promise<void>(() => {}) : step('tickets') },
    ],
    clients: [{ destroy: () => void events.push('client destroyed') }],
    queues: { stop: step('queues') },
    database: { stop: step('database') },
  };
}

describe('stopInOrder', () => {
  it('drains HTTP, then stops the consumers, then the queues, then the database, logging each step', async () => {
    const events: string[] = [];
    const log: string[] = [];
    await stopInOrder(recordingParts(events), (line) => log.push(line));
    expect(events.indexOf('http ends')).toBeLessThan(events.indexOf('aggregate begins'));
    expect(Math.max(events.indexOf('aggregate ends'), events.indexOf('tickets ends'))).toBeLessThan(events.indexOf('client destroyed'));
    expect(events.indexOf('client destroyed')).toBeLessThan(events.indexOf('queues begins'));
    expect(events.indexOf('queues ends')).toBeLessThan(events.indexOf('database begins'));
    expect(events.at(-1)).toBe('database ends');
    expect(events[0]).toBe('http drain 5000');
    expect(log.slice(0, 4)).toEqual([
      'stopping: HTTP server (2 request(s) in flight)…',
      'stopping: consumers (aggregate, tickets)…',
      'stopping: queues…',
      'stopping: DynamoDB Local…',
    ]);
    expect(log[4]).toMatch(/^stopped in \d+\.\d s \(HTTP \d+\.\d s, consumers \d+\.\d s, queues \d+\.\d s, DynamoDB Local \d+\.\d s\)$/);
  });

  it('goes on to the queues and the database when a consumer does not finish within its bound', async () => {
    const events: string[] = [];
    const log: string[] = [];
    await stopInOrder(recordingParts(events, { slowConsumer: true }), (line) => log.push(line), { drainMs: 100, consumersMs: 50 });
    expect(events.at(-1)).toBe('database ends');
    expect(log).toContain('stopping: tickets still busy after 0.05 s; stopping the rest anyway');
  });
});
