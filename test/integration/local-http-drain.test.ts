// The local HTTP server's drain: requests in flight finish with `Connection: close`, requests that still arrive on an
// open connection get 503 with Retry-After (not a 500), and requests that never finish are cut off at the bound.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { browserUrl, isLoopback, listenLocal } from '../../functions/local/http-server.ts';

/** Sends raw bytes on one connection and collects everything the server writes until it closes the connection. */
function rawExchange(port: number, request: string): { written: Promise<void>; reply: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let reply = '';
  socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
  return {
    written: new Promise((done) => socket.write(request, () => done())),
    reply: new Promise((done) => socket.on('close', () => done(reply))),
  };
}

describe('listenLocal drain', () => {
  it('lets a request in flight finish, with Connection: close on a keep-alive connection', async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const slowStarted = new Promise<void>((done) => (started = done));
    const server = await listenLocal(
      async () => {
        started();
        await new Promise<void>((done) => (release = done));
        return new Response('slow done');
      },
      { host: '127.0.0.1', port: 0 },
    );
    const exchange = rawExchange(server.port, 'GET /slow HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await slowStarted;
    expect(server.inFlight()).toBe(1);
    const drained = server.drain(5_000);
    release();
    expect(await drained).toEqual({ abandoned: 0 });
    const reply = await exchange.reply; // resolves only when the server closes the connection
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply.toLowerCase()).toContain('connection: close');
    expect(reply).toContain('slow done');
  });

  it('answers a request arriving on an open connection during the drain with 503, Retry-After and Connection: close', async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const slowStarted = new Promise<void>((done) => (started = done));
    const server = await listenLocal(
      async (request) => {
        if (new URL(request.url).pathname === '/slow') {
          started();
          await new Promise<void>((done) => (release = done));
        }
        return new Response('ok');
      },
      { host: '127.0.0.1', port: 0 },
    );
    const slow = rawExchange(server.port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    // A second connection with a request whose head is still arriving when the drain begins (not idle, so not closed).
    const late = connect(server.port, '127.0.0.1');
    let lateReply = '';
    late.on('data', (chunk: Buffer) => (lateReply += chunk.toString()));
    const lateClosed = new Promise<void>((done) => late.on('close', () => done()));
    await new Promise<void>((done) => late.write('GET /fast HTTP/1.1\r\nHost: x\r\n', () => done()));
    await slowStarted;

    const drained = server.drain(5_000);
    await new Promise<void>((done) => late.write('\r\n', () => done()));
    await new Promise((done) => setTimeout(done, 100));
    release();
    await drained;
    await lateClosed;
    expect(await slow.reply).toMatch(/^HTTP\/1\.1 200/);
    // A connection with a request half received is not idle, so the drain keeps it and answers that request.
    expect(lateReply).toMatch(/^HTTP\/1\.1 503/);
    expect(lateReply.toLowerCase()).toContain('retry-after: 5');
    expect(lateReply.toLowerCase()).toContain('connection: close');
    expect(lateReply).toContain('shutting_down');
  });

  it('cuts off requests that do not finish within the bound', async () => {
    const server = await listenLocal(() => new Promise<Response>(() => {}), { host: '127.0.0.1', port: 0 });
    const stuck = rawExchange(server.port, 'GET /forever HTTP/1.1\r\nHost: x\r\n\r\n');
    await stuck.written;
    await expect.poll(() => server.inFlight()).toBe(1);
    expect(await server.drain(100)).toEqual({ abandoned: 1 });
    expect(await stuck.reply).toBe('');
  });
});

describe('where the server listens', () => {
  it('knows loopback addresses and gives the URL people open', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost']) expect(isLoopback(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'fe80::1', '128.0.0.1']) expect(isLoopback(host)).toBe(false);
    expect(browserUrl('127.0.0.1', 3000)).toBe('http://localhost:3000');
    expect(browserUrl('0.0.0.0', 3000)).toBe('http://localhost:3000');
    expect(browserUrl('192.168.1.5', 3000)).toBe('http://192.168.1.5:3000');
    expect(browserUrl('fe80::1', 3000)).toBe('http://[fe80::1]:3000');
  });
});
