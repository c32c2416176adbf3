// Owns the local runtime's HTTP server: where it listens (loopback unless HOST says otherwise) and how it drains on stop.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { errorBody } from '../api/errors.ts';

export const loopbackHost = '127.0.0.1';

type Fetch = (request: Request, env: unknown) => Response | Promise<Response>;

export interface LocalHttpServer {
  host: string;
  port: number;
  /** Requests whose response has not been sent completely yet. */
  inFlight(): number;
  /**
   * Stops accepting connections, closes idle keep-alive ones, answers requests that still arrive on open connections
   * with 503 and `Connection: close`, waits for the requests in flight (at most `timeoutMs`), then closes whatever is
   * left. Resolves with how many requests were still unfinished when it gave up waiting (0 = drained).
   */
  drain(timeoutMs: number): Promise<{ abandoned: number }>;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, ::ffff:127.x, and the name localhost. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The URL people on this machine open: localhost when the server listens on loopback or on every interface. */
export function browserUrl(host: string, port: number): string {
  const wildcard = host === '0.0.0.0' || host === '::';
  if (wildcard || isLoopback(host)) return `http://localhost:${port}`;
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

const retryAfterSeconds = 5;

export function listenLocal(fetch: Fetch, options: { host: string; port: number }): Promise<LocalHttpServer> {
  let draining = false;
  const open = new Set<ServerResponse>();
  let settled: (() => void) | undefined;

  const guarded: Fetch = (request, env) => {
    if (!draining) return fetch(request, env);
    // Not a 500: the server is fine, it is going away; a client may retry elsewhere or in a moment.
    return Response.json(errorBody('shutting_down', 'The server is shutting down; retry in a moment.'), {
      status: 503,
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  };

  return new Promise((resolve, reject) => {
    const server = serve({ fetch: guarded, port: options.port, hostname: options.host }, (info) => {
      resolve({ host: options.host, port: info.port, inFlight: () => open.size, drain });
    }) as Server;
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${options.port} is in use: stop the other program or start with PORT=<another port>.`)
          : error.code === 'EADDRNOTAVAIL'
            ? new Error(`HOST=${options.host} is not an address of this machine.`)
            : error,
      ),
    );
    // Before hono's own listener, so that the header is in place before it writes the response head.
    server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
      open.add(response);
      if (draining) response.setHeader('connection', 'close');
      response.once('close', () => {
        open.delete(response);
        if (open.size === 0) settled?.();
      });
    });

    async function drain(timeoutMs: number): Promise<{ abandoned: number }> {
      draining = true;
      // Node then closes each of these connections once its response is sent, instead of keeping it alive.
      for (const response of open) if (!response.headersSent) response.setHeader('connection', 'close');
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      if (open.size > 0) {
        const timer = new AbortController();
        await Promise.race([new Promise<void>((done) => (settled = done)), sleep(timeoutMs, undefined, { signal: timer.signal }).catch(() => {})]);
        timer.abort();
      }
      const abandoned = open.size;
      // Connections whose response went out with keep-alive just before the drain began are idle now.
      server.closeIdleConnections();
      if (abandoned > 0) server.closeAllConnections();
      const timer = new AbortController();
      const done = await Promise.race([closed.then(() => true), sleep(500, false, { signal: timer.signal }).catch(() => false)]);
      timer.abort();
      if (!done) server.closeAllConnections();
      await closed;
      return { abandoned };
    }
  });
}
