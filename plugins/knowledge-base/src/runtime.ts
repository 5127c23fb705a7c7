/**
 * The knowledge base's per-process state (container key `knowledgeBase`): where public URLs and
 * host names lead, short-lived caches of centers and rendered pages, and buffered view counts.
 *
 * Caching and purging: every page's cache key and ETag include its center's `cache_version`,
 * which a publish (or any change visible to the public) increments in the same transaction. This
 * node forgets the center at once; other nodes re-read it after `addressCacheSeconds`. Rendered
 * pages of an old version are then never served again and age out of the LRU.
 */
import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { withWorkspace, type Clock, type Logger } from '@novumdesk/core';
import { centerView, type CenterView } from './centers.js';
import { sqlFor } from './db.js';
import type { KnowledgeBaseOptions } from './options.js';

export interface Address {
  workspaceId: string;
  centerId: string;
}

export interface CachedPage {
  status: number;
  type: string;
  body: string;
  etag: string;
  /** Article pages count a view each time they are served. */
  articleId?: string;
}

export class KnowledgeBaseRuntime {
  /** `unaccent` is installed: search folds accents (`café` finds `cafe`). */
  unaccent = false;
  private hosts = new Map<string, Address>();
  private slugs = new Map<string, { address: Address | null; expires: number }>();
  private defaultAddress: { address: Address | null; expires: number } | null = null;
  private centers = new Map<string, { center: CenterView; expires: number }>();
  private pages = new Map<string, CachedPage>();
  private views = new Map<string, { workspaceId: string; articleId: string; count: number }>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly deps: {
      orm: MikroORM;
      clock: Clock;
      logger: Logger;
      options: KnowledgeBaseOptions;
      /** `config.publicUrl`: the origin of canonical URLs on the helpdesk's own host. */
      publicUrl?: string | undefined;
    },
  ) {}

  get publicUrl(): string | undefined {
    return this.deps.publicUrl;
  }

  private get ttl(): number {
    return this.deps.options.addressCacheSeconds * 1000;
  }

  async boot(): Promise<void> {
    const em = this.deps.orm.em.fork();
    const rows = await sqlFor(em)(
      `select exists (select 1 from pg_extension where extname = 'unaccent') as present`,
    );
    this.unaccent = rows[0]?.present === true;
    if (!this.unaccent) {
      this.deps.logger.info(
        'the unaccent extension is not available: search without accent folding',
      );
    }
    await this.reloadHosts();
    const refresh = setInterval(
      () => {
        this.reloadHosts().catch((err: unknown) =>
          this.deps.logger.warn({ err }, 'reloading help center host names failed'),
        );
      },
      Math.max(this.ttl, 1000),
    );
    const flush = setInterval(() => {
      this.flushViews().catch((err: unknown) =>
        this.deps.logger.warn({ err }, 'writing help center view counts failed'),
      );
    }, this.deps.options.viewFlushSeconds * 1000);
    refresh.unref();
    flush.unref();
    this.timers.push(refresh, flush);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.flushViews();
  }

  /** Custom host names, for the page mount's synchronous `claimsHost`. */
  claimsHost(host: string): boolean {
    return this.hosts.has(host);
  }

  addressOfHost(host: string): Address | null {
    return this.hosts.get(host) ?? null;
  }

  async reloadHosts(): Promise<void> {
    const rows = await sqlFor(this.deps.orm.em.fork())(
      `select value, workspace_id, center_id from knowledge_base_address where kind = 'host'`,
    );
    this.hosts = new Map(
      rows.map((r) => [r.value as string, { workspaceId: r.workspace_id, centerId: r.center_id }]),
    );
  }

  async addressOfSlug(em: () => EntityManager, slug: string): Promise<Address | null> {
    const now = Date.now();
    const cached = this.slugs.get(slug);
    if (cached && cached.expires > now) return cached.address;
    const rows = await sqlFor(em())(
      `select workspace_id, center_id from knowledge_base_address where kind = 'slug' and value = ?`,
      [slug],
    );
    const address = rows[0]
      ? { workspaceId: rows[0].workspace_id, centerId: rows[0].center_id }
      : null;
    if (this.slugs.size > 10_000) this.slugs.clear();
    this.slugs.set(slug, { address, expires: now + this.ttl });
    return address;
  }

  /** Where `/help` leads: the configured center, else the first workspace's default center. */
  async defaultCenterAddress(em: () => EntityManager): Promise<Address | null> {
    if (this.deps.options.defaultCenter) {
      return this.addressOfSlug(em, this.deps.options.defaultCenter);
    }
    const now = Date.now();
    if (this.defaultAddress && this.defaultAddress.expires > now)
      return this.defaultAddress.address;
    const rows = await sqlFor(em())(
      `select workspace_id, center_id from knowledge_base_address where kind = 'default'
        order by created_at, value limit 1`,
    );
    const address = rows[0]
      ? { workspaceId: rows[0].workspace_id, centerId: rows[0].center_id }
      : null;
    this.defaultAddress = { address, expires: now + this.ttl };
    return address;
  }

  /** The center's settings (cached for `addressCacheSeconds`), read in its workspace. */
  async center(em: () => EntityManager, address: Address): Promise<CenterView | null> {
    const now = Date.now();
    const cached = this.centers.get(address.centerId);
    if (cached && cached.expires > now) return cached.center;
    const rows = await withWorkspace(em(), address.workspaceId, (tx) =>
      sqlFor(tx)(`select * from knowledge_base_center where id = ?`, [address.centerId]),
    );
    if (!rows[0]) {
      this.centers.delete(address.centerId);
      return null;
    }
    const center = centerView(rows[0]);
    this.centers.set(center.id, { center, expires: now + this.ttl });
    return center;
  }

  /** After a change on this node: forget the center and the routing caches at once. */
  invalidate(centerId?: string): void {
    if (centerId) this.centers.delete(centerId);
    else this.centers.clear();
    this.slugs.clear();
    this.defaultAddress = null;
    this.reloadHosts().catch((err: unknown) =>
      this.deps.logger.warn({ err }, 'reloading help center host names failed'),
    );
  }

  cachedPage(key: string): CachedPage | undefined {
    const page = this.pages.get(key);
    if (page) {
      // LRU: a hit moves to the end.
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  cachePage(key: string, page: Omit<CachedPage, 'etag'>): CachedPage {
    const etag = `"${createHash('sha1').update(page.body).digest('base64url')}"`;
    const entry = { ...page, etag };
    const size = this.deps.options.pageCacheEntries;
    if (size === 0) return entry;
    this.pages.set(key, entry);
    if (this.pages.size > size) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
    return entry;
  }

  /** Counted in memory, written in batches: a page view costs no database write. */
  countView(workspaceId: string, articleId: string): void {
    const entry = this.views.get(articleId) ?? { workspaceId, articleId, count: 0 };
    entry.count++;
    this.views.set(articleId, entry);
  }

  async flushViews(): Promise<void> {
    if (this.views.size === 0) return;
    const pending = [...this.views.values()];
    this.views.clear();
    const byWorkspace = new Map<string, typeof pending>();
    for (const entry of pending) {
      byWorkspace.set(entry.workspaceId, [...(byWorkspace.get(entry.workspaceId) ?? []), entry]);
    }
    for (const [workspaceId, entries] of byWorkspace) {
      await withWorkspace(this.deps.orm.em.fork(), workspaceId, async (tx) => {
        const sql = sqlFor(tx);
        for (const { articleId, count } of entries) {
          await sql(`update knowledge_base_article set views = views + ? where id = ?`, [
            count,
            articleId,
          ]);
        }
      });
    }
  }
}
