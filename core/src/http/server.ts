/**
 * The Node server around the Koa callback: plain HTTP, or HTTPS when cert and key files are
 * given, and a graceful close for deploys (finish what is in flight, accept nothing new).
 * Embedders skip this module and mount `app` in their own server.
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface HttpServerOptions {
  tls?: TlsFiles;
  /**
   * Idle keep-alive time. Behind a load balancer make it longer than the balancer's idle
   * timeout, or the balancer may reuse a socket we are closing (sporadic 502s).
   */
  keepAliveTimeoutMs?: number;
  /** Whole-request deadline (Node's default is 300 s). */
  requestTimeoutMs?: number;
}

export type HttpServer = http.Server | https.Server;

// Servers being closed: their responses ask clients to drop keep-alive connections.
const closing = new WeakSet<HttpServer>();

export function createHttpServer(
  handler: RequestListener,
  options: HttpServerOptions = {},
): HttpServer {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (closing.has(server)) res.setHeader('Connection', 'close');
    handler(req, res);
  };
  const server: HttpServer = options.tls
    ? https.createServer(
        { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
        listener,
      )
    : http.createServer(listener);
  if (options.keepAliveTimeoutMs !== undefined) {
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
    // Headers must be allowed to arrive for at least as long as a socket may idle.
    server.headersTimeout = Math.max(server.headersTimeout, options.keepAliveTimeoutMs + 1000);
  }
  if (options.requestTimeoutMs !== undefined) server.requestTimeout = options.requestTimeoutMs;
  return server;
}

/** Resolves with the bound address once listening (port 0 picks a free port). */
export function listen(server: HttpServer, port: number, host?: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

export interface CloseOptions {
  /** How long in-flight requests may take before their sockets are destroyed; default 10 s. */
  timeoutMs?: number;
  /** How often idle keep-alive sockets are swept while waiting; default 50 ms. */
  sweepIntervalMs?: number;
}

/**
 * Stops accepting connections, lets in-flight requests finish, closes keep-alive sockets as
 * they go idle, and after `timeoutMs` destroys whatever is left. `forced` tells whether any
 * request was cut off.
 */
export function close(
  server: HttpServer,
  options: CloseOptions = {},
): Promise<{ forced: boolean }> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!server.listening) return Promise.resolve({ forced: false });
  closing.add(server);
  return new Promise((resolve) => {
    let forced = false;
    // A socket finishing its last response becomes idle but stays open for keep-alive:
    // sweep them until every socket is gone.
    const sweep = setInterval(() => server.closeIdleConnections(), options.sweepIntervalMs ?? 50);
    const deadline = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve({ forced });
    });
    server.closeIdleConnections();
  });
}
