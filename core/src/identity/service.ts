import type { PermissionCatalog } from '../kernel/plugins/permission-catalog.js';
/**
 * The identity layer's services, assembled once per process from the config, and registered in
 * the root container as `identity` (plus `mailer` and `authenticate`; see identity.module.ts).
 * Request handlers reach them through `scope.cradle.identity`.
 */
import type Koa from 'koa';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../kernel/clock.js';
import type { ResolvedConfig } from '../kernel/config/schema.js';
import type { Logger } from '../kernel/logger.js';
import type { Authenticate } from '../http/scope.js';
import { ApiKeys } from './api-keys.js';
import { AuditLog } from './audit.js';
import { createAuthenticate } from './authenticate.js';
import { LoginService } from './login.js';
import type { Mailer } from './mailer.js';
import type { IdentityOptions } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { SessionStore } from './refresh.js';
import { CookieSessions } from './sessions.js';
import { TokenService } from './tokens.js';

declare module '../kernel/contract.js' {
  interface CoreCradle {
    /** Registered by the identity module. */
    identity: IdentityService;
    /** Service messages; the identity module's default stores them (`mailer.ts`). */
    mailer: Mailer;
    /** The request authenticator createHelpdesk uses unless the embedder passes its own. */
    authenticate: Authenticate;
  }
}

export interface IdentityServiceDeps {
  orm: MikroORM;
  config: ResolvedConfig;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  options: IdentityOptions;
  /** Every permission of the loaded modules and plugins: what a workspace owner holds. */
  permissionCatalog?: PermissionCatalog;
}

/** `iss` and `aud` of access tokens: the public URL when configured. */
export function tokenAudience(config: ResolvedConfig): string {
  return config.publicUrl ?? 'novumdesk';
}

export class IdentityService {
  readonly tokens: TokenService;
  readonly audit: AuditLog;
  readonly limiter: RateLimiter;
  readonly sessions: SessionStore;
  readonly login: LoginService;
  readonly apiKeys: ApiKeys;
  readonly cookies: CookieSessions;
  readonly authenticate: Authenticate;
  readonly orm: MikroORM;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly mailer: Mailer;
  readonly options: IdentityOptions;
  readonly config: ResolvedConfig;

  constructor(deps: IdentityServiceDeps) {
    const { orm, config, clock, logger, options } = deps;
    this.orm = orm;
    this.config = config;
    this.clock = clock;
    this.logger = logger;
    this.options = options;
    this.mailer = deps.mailer;
    this.tokens = new TokenService({
      secret: config.secret,
      previousSecrets: config.previousSecrets,
      issuer: tokenAudience(config),
      audience: tokenAudience(config),
      ttlSeconds: options.accessTokenTtlSeconds,
      clockToleranceSeconds: options.clockToleranceSeconds,
      clock,
    });
    this.audit = new AuditLog(orm, clock, logger);
    this.limiter = new RateLimiter(orm, clock, config.secret);
    this.sessions = new SessionStore(orm, this.tokens, clock, this.audit, {
      absoluteSeconds: options.sessionAbsoluteSeconds,
      idleSeconds: options.sessionIdleSeconds,
      graceSeconds: options.refreshGraceSeconds,
    });
    this.login = new LoginService(orm, this.limiter, this.audit, options, logger);
    this.apiKeys = new ApiKeys(orm, clock);
    this.cookies = new CookieSessions(config.secret, {
      insecureDevelopment: config.cookies.insecureDevelopment,
      publicUrl: config.publicUrl,
    });
    this.authenticate = createAuthenticate({
      orm,
      clock,
      tokens: this.tokens,
      apiKeys: this.apiKeys,
      cookies: this.cookies,
      idleSeconds: options.sessionIdleSeconds,
      catalog: deps.permissionCatalog?.permissions ?? [],
    });
  }

  /** Where links in service messages point: never the request's Host header, which a client sets. */
  get publicBaseUrl(): string {
    if (this.config.publicUrl) return this.config.publicUrl.replace(/\/+$/, '');
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    return `${this.config.tls ? 'https' : 'http'}://${host}:${this.config.port}`;
  }

  clientInfo(ctx: Koa.Context | Koa.ParameterizedContext): {
    ip: string;
    userAgent: string | null;
  } {
    return { ip: ctx.ip || 'unknown', userAgent: ctx.get('user-agent') || null };
  }
}
