/**
 * The SMTP listener (smtp-server): recipients are checked against the routing table at RCPT time
 * (unknown → 550 5.1.1), the size limit is announced (SIZE) and enforced while the data arrives
 * (552), and the 250 after DATA is given only once the message is stored in every recipient
 * inbox's workspace (otherwise 451, and the sender retries). STARTTLS when a certificate is
 * configured.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { ensureDefaultInbox } from './default-inbox.js';
import { acceptRaw } from './inbound.js';
import type { EmailRuntime, InboxRoute } from './runtime.js';

const pem = (value: string) => (existsSync(value) ? readFileSync(value) : Buffer.from(value));

interface SessionState {
  routes: Map<string, InboxRoute>;
}

export class SmtpListener {
  private server: SMTPServer | null = null;
  private readonly sessions = new WeakMap<SMTPServerSession, SessionState>();

  constructor(private readonly rt: EmailRuntime) {}

  get port(): number | null {
    const address = (
      this.server as unknown as { server?: { address(): AddressInfo | null } }
    )?.server?.address();
    return address ? address.port : null;
  }

  async start(): Promise<void> {
    const { smtp } = this.rt.options;
    const tls = smtp.tls ? { key: pem(smtp.tls.key), cert: pem(smtp.tls.cert) } : null;
    const state = (session: SMTPServerSession): SessionState => {
      let s = this.sessions.get(session);
      if (!s) this.sessions.set(session, (s = { routes: new Map() }));
      return s;
    };
    this.server = new SMTPServer({
      name: smtp.hostname,
      banner: 'NovumDesk',
      size: smtp.maxMessageBytes,
      authOptional: true,
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      hideSTARTTLS: !tls,
      ...(tls ? { key: tls.key, cert: tls.cert } : {}),
      maxClients: smtp.maxClients,
      logger: false,
      onMailFrom: (address, session, callback) => {
        if (tls && smtp.requireTls && !session.secure) {
          const err = new Error('Must issue a STARTTLS command first') as Error & {
            responseCode: number;
          };
          err.responseCode = 530;
          return callback(err);
        }
        state(session).routes.clear();
        callback();
      },
      onRcptTo: (address, session, callback) => {
        this.rt.routeForDelivery(address.address, ensureDefaultInbox).then(
          (route) => {
            if (!route) {
              const err = new Error('5.1.1 No such mailbox here') as Error & {
                responseCode: number;
              };
              err.responseCode = 550;
              return callback(err);
            }
            state(session).routes.set(`${route.workspaceId}:${route.inboxId}`, route);
            callback();
          },
          (error: Error) => {
            this.rt.logger.error({ err: error }, 'smtp: recipient lookup failed');
            const err = new Error('4.3.0 Temporary lookup failure') as Error & {
              responseCode: number;
            };
            err.responseCode = 451;
            callback(err);
          },
        );
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', (error) => callback(error));
        stream.on('end', () => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            const err = new Error(
              `5.3.4 Message exceeds the ${smtp.maxMessageBytes} byte limit`,
            ) as Error & {
              responseCode: number;
            };
            err.responseCode = 552;
            return callback(err);
          }
          const raw = Buffer.concat(chunks);
          const routes = [...state(session).routes.values()];
          const envelope = {
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            remoteAddress: session.remoteAddress,
          };
          Promise.all(
            routes.map((route) =>
              acceptRaw(this.rt, {
                workspaceId: route.workspaceId,
                inboxId: route.inboxId,
                source: 'smtp',
                raw,
                envelope,
              }),
            ),
          ).then(
            () => callback(null, 'Stored'),
            (error: Error) => {
              this.rt.logger.error({ err: error }, 'smtp: storing a message failed');
              const err = new Error(
                '4.3.0 Could not store the message, try again later',
              ) as Error & {
                responseCode: number;
              };
              err.responseCode = 451;
              callback(err);
            },
          );
        });
      },
    });
    this.server.on('error', (error) => this.rt.logger.warn({ err: error }, 'smtp listener error'));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server!.server.once('error', onError);
      this.server!.listen(smtp.port, smtp.host, () => {
        this.server!.server.off('error', onError);
        resolve();
      });
    });
    this.rt.logger.info(
      { port: this.port, host: smtp.host, tls: Boolean(tls) },
      'smtp listener started',
    );
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
