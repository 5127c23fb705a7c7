import { asValue, createContainer } from 'awilix';
import { AsyncParallelHook } from 'tapable';
import type { CoreCradle, NovumPlugin } from '../contract.js';
import { NovumError } from '../errors.js';
import { createHookRegistry } from '../hooks/registry.js';
import { createMemoryLogger } from '../hooks/memory-logger.js';
import { PluginHost } from './host.js';
import { resolvePlugins } from './resolve.js';

declare module '../hooks/registry.js' {
  interface HookRegistry {
    'greeter:greeted': AsyncParallelHook<[{ name: string }]>;
  }
}

function plugin(id: string, extra: Partial<NovumPlugin> = {}): NovumPlugin {
  return { id, version: '1.0.0', core: '*', ...extra };
}

function setup(plugins: NovumPlugin[], options: { stopTimeoutMs?: number } = {}) {
  const log = createMemoryLogger();
  const hooks = createHookRegistry({ logger: log.logger });
  const container = createContainer<CoreCradle>({ injectionMode: 'PROXY', strict: true });
  container.register({ logger: asValue(log.logger) });
  const resolved = resolvePlugins(plugins, { coreVersion: '0.1.0' });
  const host = new PluginHost({
    plugins: resolved,
    container,
    hooks,
    logger: log.logger,
    ...options,
  });
  return { host, hooks, container, log };
}

async function rejection(promise: Promise<unknown>): Promise<NovumError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NovumError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function syncError(run: () => unknown): NovumError {
  try {
    run();
  } catch (error) {
    if (error instanceof NovumError) return error;
    throw error;
  }
  throw new Error('expected a NovumError');
}

/** A plugin that records each lifecycle call into `calls`. */
function recording(id: string, calls: string[], extra: Partial<NovumPlugin> = {}): NovumPlugin {
  return plugin(id, {
    register: () => void calls.push(`register ${id}`),
    boot: async () => void calls.push(`boot ${id}`),
    prepareShutdown: async () => void calls.push(`prepareShutdown ${id}`),
    shutdown: async () => void calls.push(`shutdown ${id}`),
    ...extra,
  });
}

describe('PluginHost lifecycle', () => {
  it('registers and boots in dependency order, and stops in reverse', async () => {
    const calls: string[] = [];
    const { host } = setup([
      recording('app', calls, { dependsOn: { db: '*' } }),
      recording('db', calls),
      recording('metrics', calls),
    ]);
    host.register();
    await host.boot();
    await host.shutdown();
    expect(calls).toEqual([
      'register db',
      'register app',
      'register metrics',
      'boot db',
      'boot app',
      'boot metrics',
      'prepareShutdown metrics',
      'prepareShutdown app',
      'prepareShutdown db',
      'shutdown metrics',
      'shutdown app',
      'shutdown db',
    ]);
    expect(host.info().map((p) => [p.id, p.status, p.dependsOn])).toEqual([
      ['db', 'stopped', []],
      ['app', 'stopped', ['db']],
      ['metrics', 'stopped', []],
    ]);
  });

  it('runs each phase once', async () => {
    const calls: string[] = [];
    const { host } = setup([recording('a', calls)]);
    await expect(rejection(host.boot())).resolves.toMatchObject({ code: 'PLUGIN_LIFECYCLE' });
    host.register();
    expect(syncError(() => host.register()).code).toBe('PLUGIN_LIFECYCLE');
    await Promise.all([host.boot(), host.boot()]);
    await host.boot();
    await Promise.all([host.shutdown(), host.shutdown(), host.prepareShutdown()]);
    expect(calls).toEqual(['register a', 'boot a', 'prepareShutdown a', 'shutdown a']);
  });

  it('reports a plugin failing in register as one line naming it, keeping the cause', () => {
    const calls: string[] = [];
    const cause = new Error('cannot parse template\n  at line 3');
    const { host } = setup([
      recording('first', calls),
      plugin('broken', {
        register: () => {
          throw cause;
        },
      }),
      recording('after', calls),
    ]);
    const error = syncError(() => host.register());
    expect(error.code).toBe('PLUGIN_FAILED');
    expect(error.message).toBe(
      'plugin "broken" failed during register: cannot parse template at line 3',
    );
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ plugin: 'broken', phase: 'register' });
    expect(calls).toEqual(['register first']);
    expect(host.info().map((p) => [p.id, p.status])).toEqual([
      ['first', 'registered'],
      ['broken', 'failed'],
    ]);
  });

  it('refuses an async register()', () => {
    const { host } = setup([plugin('eager', { register: (async () => undefined) as () => void })]);
    expect(syncError(() => host.register()).message).toBe(
      'plugin "eager" failed during register: register() returned a promise; it must be synchronous (declarations only), do I/O in boot()',
    );
  });

  it('reports a plugin failing in boot, and stops only the plugins that booted', async () => {
    const calls: string[] = [];
    const { host } = setup([
      recording('db', calls),
      recording('imap', calls, {
        boot: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:993');
        },
      }),
      recording('later', calls),
    ]);
    host.register();
    const error = await rejection(host.boot());
    expect(error.message).toBe(
      'plugin "imap" failed during boot: connect ECONNREFUSED 127.0.0.1:993',
    );
    expect(error.code).toBe('PLUGIN_FAILED');
    await host.shutdown();
    expect(calls.filter((c) => !c.startsWith('register'))).toEqual([
      'boot db',
      'prepareShutdown db',
      'shutdown db',
    ]);
    expect(host.info().map((p) => [p.id, p.status])).toEqual([
      ['db', 'stopped'],
      ['imap', 'failed'],
      ['later', 'registered'],
    ]);
  });

  it('lets a shutdown requested during boot finish the current plugin, then stop the booted ones', async () => {
    const calls: string[] = [];
    let releaseSlow!: () => void;
    const { host } = setup([
      recording('slow', calls, {
        boot: () => new Promise<void>((resolve) => (releaseSlow = resolve)),
      }),
      recording('never', calls),
    ]);
    host.register();
    const booting = host.boot();
    const stopping = host.shutdown();
    releaseSlow();
    await expect(rejection(booting)).resolves.toMatchObject({
      code: 'PLUGIN_LIFECYCLE',
      message: 'boot stopped before plugin "never": shutdown was requested',
    });
    await stopping;
    expect(calls.filter((c) => !c.startsWith('register'))).toEqual([
      'prepareShutdown slow',
      'shutdown slow',
    ]);
  });

  it('keeps stopping when a plugin fails or hangs while stopping, and logs it', async () => {
    const calls: string[] = [];
    const { host, log } = setup(
      [
        recording('a', calls),
        recording('hangs', calls, { shutdown: () => new Promise<void>(() => undefined) }),
        recording('throws', calls, {
          prepareShutdown: async () => {
            throw new Error('listener already closed');
          },
        }),
      ],
      { stopTimeoutMs: 50 },
    );
    host.register();
    await host.boot();
    await host.shutdown();
    // A failed prepareShutdown does not skip shutdown, where resources are released.
    expect(calls.filter((c) => c.startsWith('shutdown'))).toEqual([
      'shutdown throws',
      'shutdown a',
    ]);
    expect(log.atLeast('error').map((r) => [r.plugin, r.msg])).toEqual([
      ['throws', 'plugin "throws" failed during prepareShutdown: listener already closed'],
      [
        'hangs',
        'plugin "hangs" failed during shutdown: plugin "hangs" did not finish shutdown within 50 ms',
      ],
    ]);
    expect(host.info().map((p) => p.status)).toEqual(['stopped', 'failed', 'failed']);
  });
});

describe('PluginContext in register()', () => {
  it('registers prefixed keys that boot() can resolve', async () => {
    let resolved: unknown;
    const { host, container } = setup([
      plugin('channel-email', {
        register: (ctx) =>
          ctx.register({ channelEmailMailbox: asValue('mailbox'), channelEmail: asValue('root') }),
        boot: async (ctx) => {
          resolved = ctx.container.resolve('channelEmailMailbox' as never);
        },
      }),
    ]);
    host.register();
    await host.boot();
    expect(resolved).toBe('mailbox');
    expect(container.resolve('channelEmail' as never)).toBe('root');
  });

  it('refuses a key without the camelCase plugin prefix', () => {
    const { host } = setup([
      plugin('channel-email', { register: (ctx) => ctx.register({ channelEmailer: asValue(1) }) }),
    ]);
    const error = syncError(() => host.register());
    expect(error.message).toBe(
      'plugin "channel-email" failed during register: plugin "channel-email" cannot register "channelEmailer": its container keys must start with "channelEmail", e.g. "channelEmailChannelEmailer"',
    );
    expect((error.cause as NovumError).code).toBe('PLUGIN_KEY_PREFIX');
  });

  it('refuses a key registered twice, naming both owners', () => {
    const { host } = setup([
      plugin('channel-email', {
        register: (ctx) => ctx.register({ channelEmailSender: asValue(1) }),
      }),
      plugin('channel', { register: (ctx) => ctx.register({ channelEmailSender: asValue(2) }) }),
    ]);
    const cause = syncError(() => host.register()).cause as NovumError;
    expect(cause.code).toBe('PLUGIN_KEY_COLLISION');
    expect(cause.message).toBe(
      'plugin "channel" cannot register "channelEmailSender": already registered by plugin "channel-email"',
    );
  });

  it('refuses a key the core registered', () => {
    const { host } = setup([
      plugin('logger', { register: (ctx) => ctx.register({ logger: asValue(null) }) }),
    ]);
    expect((syncError(() => host.register()).cause as NovumError).message).toBe(
      'plugin "logger" cannot register "logger": already registered by the core',
    );
  });

  it('collects routes, event subscribers and jobs with their queue names', () => {
    const handler = async () => undefined;
    const route = {
      method: 'get',
      path: '/hello',
      operationId: 'getHello',
      summary: 's',
      access: 'public',
      responses: {},
      handler,
    } as const;
    const { host } = setup([
      plugin('hello', {
        register: (ctx) => {
          ctx.route(route);
          ctx.on('ticket.created' as never, { name: 'welcome', retryLimit: 3 }, handler);
          ctx.job('cleanup', handler, { cron: '0 3 * * *' });
        },
      }),
    ]);
    host.register();
    expect(host.declarations.routes).toEqual([{ pluginId: 'hello', route }]);
    expect(host.declarations.subscriptions).toEqual([
      {
        pluginId: 'hello',
        event: 'ticket.created',
        queue: 'event.hello.welcome',
        options: { name: 'welcome', retryLimit: 3 },
        handler,
      },
    ]);
    expect(host.declarations.jobs).toEqual([
      {
        pluginId: 'hello',
        name: 'cleanup',
        queue: 'hello.cleanup',
        handler,
        options: { cron: '0 3 * * *' },
      },
    ]);
  });

  it('refuses a job declared twice and declarations after register() returned', async () => {
    const twice = setup([
      plugin('hello', {
        register: (ctx) => {
          ctx.job('cleanup', async () => undefined);
          ctx.job('cleanup', async () => undefined);
        },
      }),
    ]);
    expect(syncError(() => twice.host.register()).message).toBe(
      'plugin "hello" failed during register: plugin "hello" declares job "cleanup" twice',
    );

    let kept: Parameters<NonNullable<NovumPlugin['register']>>[0] | undefined;
    const late = setup([
      plugin('late', {
        register: (ctx) => void (kept = ctx),
        boot: async () => kept!.job('x', async () => undefined),
      }),
    ]);
    late.host.register();
    const error = await rejection(late.host.boot());
    expect(error.message).toBe(
      'plugin "late" failed during boot: plugin "late" called ctx.job() after register() returned; declare everything inside register()',
    );
  });

  it("gives each plugin its own hooks: defining, tapping a dependency's hook, refusing others", async () => {
    const heard: string[] = [];
    const { host, hooks } = setup([
      plugin('greeter', {
        register: (ctx) => {
          ctx.hooks.define('greeter:greeted', () => new AsyncParallelHook(['greeting']), {
            kind: 'notify',
            description: 'after a greeting',
            payload: '(greeting: { name: string })',
            since: '1.0.0',
          });
        },
      }),
      plugin('fan', {
        dependsOn: { greeter: '*' },
        register: (ctx) => ctx.hooks.tap('greeter:greeted', ({ name }) => void heard.push(name)),
      }),
      plugin('stranger', { register: (ctx) => ctx.hooks.tap('greeter:greeted', () => undefined) }),
    ]);
    const error = syncError(() => host.register());
    expect((error.cause as NovumError).code).toBe('HOOK_OWNER_NOT_DEPENDENCY');
    expect(error.message).toMatch(
      /^plugin "stranger" failed during register: plugin "stranger" taps "greeter:greeted"/,
    );

    await hooks.hooks['greeter:greeted'].promise({ name: 'Ada' });
    expect(heard).toEqual(['Ada']);
    expect(hooks.descriptor('greeter:greeted')?.definedBy).toBe('greeter');
    expect(
      hooks
        .describe()
        .find((h) => h.hook === 'greeter:greeted')
        ?.taps.map((t) => t.plugin),
    ).toEqual(['fan']);
  });
});
