/**
 * A PostgreSQL wire-protocol bridge in front of one in-process PGlite instance.
 *
 * Why our own instead of `@electric-sql/pglite-socket`: PGlite is a single session, and
 * pglite-socket queues *individual protocol messages*. Two connections sending extended-protocol
 * queries (Parse/Bind/Execute/Sync) concurrently get their messages interleaved on that one
 * session and hang or bind each other's statements (reproduced here with 2,000 concurrent
 * parameterised queries over a pool of 4). This bridge instead:
 *  - buffers each connection's messages up to a synchronisation point (Sync, simple Query,
 *    Flush, Terminate) and runs that whole batch exclusively;
 *  - after a batch, if PGlite is inside a transaction, only the connection that opened it may
 *    run until it ends (owner-aware lock), so one client's BEGIN never swallows another's work;
 *  - rolls back an open transaction when its owner disconnects.
 * With that, the ordinary `pg` driver (MikroORM's postgresql driver, pg-boss) works unchanged
 * in embedded mode: one code path for both modes.
 */
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const PROTOCOL_V3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
/** Message types after which the client waits for the server (sync, query, flush, password,
 * function call, copy done/fail): the end of a batch. */
const BATCH_END = new Set(['S', 'Q', 'H', 'X', 'p', 'F', 'c', 'f']);

export interface PgliteServerOptions {
  db: PGlite;
  /** Unix socket path (preferred: no port to collide) or a TCP port on 127.0.0.1. */
  path?: string;
  port?: number;
}

export class PgliteServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private nextId = 1;
  /** Connection id that owns the open transaction, if any. */
  private owner: number | null = null;
  private running = false;
  private readonly waiting: { id: number; run: () => Promise<void> }[] = [];

  constructor(private readonly options: PgliteServerOptions) {}

  async start(): Promise<void> {
    await this.options.db.waitReady;
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (this.options.path) server.listen(this.options.path, resolve);
      else server.listen(this.options.port ?? 0, '127.0.0.1', resolve);
    });
  }

  /** The TCP port when listening on TCP (useful with port 0). */
  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const id = this.nextId++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let started = false;
    let pending: Buffer[] = [];
    let chain = Promise.resolve();

    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const length = buffer.readInt32BE(0);
          if (buffer.length < length) return;
          const code = buffer.readInt32BE(4);
          const message = buffer.subarray(0, length);
          buffer = buffer.subarray(length);
          if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
            socket.write('N');
            continue;
          }
          if (code === PROTOCOL_V3) started = true;
          const batch = [Buffer.from(message)];
          // The handshake (startup, then the password reply) must not be interleaved with
          // another connection's queries: hold the session until this client authenticates.
          chain = chain.then(() => this.execute(id, socket, batch));
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (buffer.length < length) return;
        const type = String.fromCharCode(buffer[0]!);
        pending.push(Buffer.from(buffer.subarray(0, length)));
        buffer = buffer.subarray(length);
        if (type === 'X') {
          socket.end();
          return;
        }
        if (BATCH_END.has(type)) {
          const batch = pending;
          pending = [];
          chain = chain.then(() => this.execute(id, socket, batch));
        }
      }
    });
    const cleanup = () => {
      if (!this.sockets.delete(socket)) return;
      void chain.then(() => this.releaseIfOwner(id));
    };
    socket.on('close', cleanup);
    socket.on('error', cleanup);
  }

  /** Runs one batch for connection `id` once the session is free for it. */
  private execute(id: number, socket: net.Socket, batch: Buffer[]): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push({
        id,
        run: async () => {
          try {
            const responses: Uint8Array[] = [];
            for (const message of batch) {
              responses.push(await this.options.db.execProtocolRaw(new Uint8Array(message)));
            }
            // The session stays this connection's until the server says it is idle again:
            // ReadyForQuery's status byte is 'I' outside a transaction block. Anything else —
            // in a transaction ('T'), in a failed one ('E'), or no ReadyForQuery yet (the rest
            // of an extended-protocol sequence, COPY, the start-up handshake) — keeps it held.
            // (PGlite's own isInTransaction() is not used: in 0.3.16 it reports false after
            // ROLLBACK TO SAVEPOINT while the transaction is still open.)
            this.owner = transactionStatus(responses) === IDLE ? null : id;
            if (!socket.destroyed) for (const r of responses) if (r.length) socket.write(r);
          } catch (error) {
            socket.destroy(error as Error);
          } finally {
            resolve();
          }
        },
      });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.waiting.findIndex((w) => w.id === this.owner);
        if (index < 0 || this.waiting.length === 0) return;
        const [next] = this.waiting.splice(index, 1);
        await next!.run();
      }
    } finally {
      this.running = false;
    }
  }

  /** A client that vanished inside its transaction must not keep the session locked. */
  private async releaseIfOwner(id: number): Promise<void> {
    if (this.owner !== id) return;
    await this.options.db.exec('ROLLBACK').catch(() => undefined);
    this.owner = null;
    await this.pump();
  }
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'

/**
 * The transaction status byte of the ReadyForQuery that ends the server's reply ('Z', length 5,
 * status), or null when the reply does not end with one.
 */
function transactionStatus(responses: Uint8Array[]): number | null {
  const last = [...responses].reverse().find((r) => r.length > 0);
  if (!last || last.length < 6 || last[last.length - 6] !== READY_FOR_QUERY) return null;
  return last[last.length - 1]!;
}
