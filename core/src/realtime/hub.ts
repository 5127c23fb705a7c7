/**
 * The node's open event streams, by workspace, and the transport that feeds them (see
 * `transports.ts`). A message is written only to the streams of its own workspace; `note.created`
 * only to callers who may read notes. Registered in the root container as `realtimeHub`.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../kernel/logger.js';
import { sseFrame, type RealtimeMessage } from './messages.js';
import { LocalTransport, PgNotifyTransport, type Transport } from './transports.js';

/** One open stream, as the hub sees it. */
export interface StreamConnection {
  workspaceId: string;
  userId: string | null;
  /** Whether `note.created` events reach this stream. */
  includeNotes: boolean;
  /**
   * Writes an SSE frame (`position`: the domain event's, null for presence and heartbeats);
   * returns false when the client does not keep up (the hub then closes it).
   */
  write(frame: string, position?: string | null): boolean;
  /** Ends the stream (shutdown, slow client). */
  close(): void;
  /** True once the server stopped accepting connections (graceful shutdown under way). */
  serverClosing(): boolean;
}

export interface RealtimeHubOptions {
  orm: MikroORM;
  logger: Logger;
  /** Server mode: the database to LISTEN on. Absent: embedded mode (in-process fan-out). */
  databaseUrl: string | null;
  /** How often a comment line keeps idle streams (and proxies) alive. */
  heartbeatMs: number;
}

export class RealtimeHub {
  private readonly streams = new Map<string, Set<StreamConnection>>();
  private readonly transport: Transport;
  private timer: NodeJS.Timeout | null = null;
  private heartbeatDue = 0;

  constructor(private readonly options: RealtimeHubOptions) {
    const deliver = (message: RealtimeMessage) => this.deliver(message);
    this.transport = options.databaseUrl
      ? new PgNotifyTransport(options.databaseUrl, options.orm, deliver, options.logger)
      : new LocalTransport(options.orm, deliver, options.logger, () => this.size > 0);
  }

  get mode(): 'notify' | 'in-process' {
    return this.transport instanceof PgNotifyTransport ? 'notify' : 'in-process';
  }

  /** Open streams on this node. */
  get size(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  /**
   * Adds a stream; resolves once messages published from now on reach it. Returns the function
   * that removes it (call it when the client disconnects).
   */
  async add(connection: StreamConnection): Promise<() => void> {
    let set = this.streams.get(connection.workspaceId);
    if (!set) this.streams.set(connection.workspaceId, (set = new Set()));
    set.add(connection);
    this.ensureTimer();
    const remove = () => {
      const current = this.streams.get(connection.workspaceId);
      current?.delete(connection);
      if (current?.size === 0) this.streams.delete(connection.workspaceId);
      if (this.size === 0) this.stopTimer();
    };
    try {
      await this.transport.start();
    } catch (error) {
      remove();
      throw error;
    }
    return remove;
  }

  /** Sends to every node's streams of the message's workspace (this node's included). */
  publish(message: RealtimeMessage): Promise<void> {
    return this.transport.publish(message);
  }

  /** Writes a message to this node's streams of its workspace. */
  deliver(message: RealtimeMessage): void {
    const set = this.streams.get(message.workspaceId);
    if (!set) return;
    const isNote = message.kind === 'event' && message.name === 'note.created';
    const frame = sseFrame(message);
    for (const connection of set) {
      if (isNote && !connection.includeNotes) continue;
      if (!connection.write(frame, message.kind === 'event' ? message.position : null)) {
        this.options.logger.warn('realtime: closing a stream whose client does not keep up');
        connection.close();
      }
    }
  }

  /** Ends every stream (graceful shutdown): clients reconnect elsewhere with Last-Event-ID. */
  closeAll(): void {
    for (const set of [...this.streams.values()]) for (const c of [...set]) c.close();
  }

  async stop(): Promise<void> {
    this.closeAll();
    this.stopTimer();
    await this.transport.stop();
  }

  /** One timer for heartbeats and for noticing a server that stopped listening. */
  private ensureTimer(): void {
    if (this.timer) return;
    this.heartbeatDue = Date.now() + this.options.heartbeatMs;
    const tick = Math.min(500, this.options.heartbeatMs);
    this.timer = setInterval(() => this.tick(), tick);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const heartbeat = Date.now() >= this.heartbeatDue;
    if (heartbeat) this.heartbeatDue = Date.now() + this.options.heartbeatMs;
    for (const set of [...this.streams.values()]) {
      for (const connection of [...set]) {
        if (connection.serverClosing()) connection.close();
        else if (heartbeat && !connection.write(': heartbeat\n\n')) connection.close();
      }
    }
  }
}
