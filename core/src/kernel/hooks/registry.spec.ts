import {
  AsyncParallelHook,
  AsyncSeriesBailHook,
  AsyncSeriesHook,
  AsyncSeriesWaterfallHook,
  HookMap,
} from 'tapable';
import { NovumError } from '../errors.js';
import { createMemoryLogger } from './memory-logger.js';
import { createHookRegistry, type HookRegistryHost } from './registry.js';

interface Draft {
  subject: string;
}
interface Ctx {
  requestId: string;
}

declare module './registry.js' {
  interface HookRegistry {
    'spec.beforeCreate': AsyncSeriesWaterfallHook<[Draft, Ctx], Draft>;
    'spec.canClose': AsyncSeriesBailHook<[Draft, Ctx], { veto: string } | undefined>;
    'spec.created': AsyncParallelHook<[Draft, Ctx]>;
    'spec.delivered': HookMap<AsyncParallelHook<[Draft, Ctx]>>;
  }
}

const ctx: Ctx = { requestId: 'req-1' };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const specModule = { id: 'spec', builtin: true };

function setup(slowTapMs = 1000) {
  const log = createMemoryLogger();
  const registry = createHookRegistry({ logger: log.logger, slowTapMs });
  registry.define(
    'spec.beforeCreate',
    () => new AsyncSeriesWaterfallHook(['draft', 'ctx']),
    {
      kind: 'transform',
      description: 'before a spec object is created',
      payload: '(draft: Draft, ctx: Ctx)',
      since: '0.1.0',
    },
    specModule,
  );
  registry.define(
    'spec.canClose',
    () => new AsyncSeriesBailHook(['draft', 'ctx']),
    {
      kind: 'veto',
      description: 'may refuse closing',
      payload: '(draft: Draft, ctx: Ctx)',
      since: '0.1.0',
    },
    specModule,
  );
  registry.define(
    'spec.created',
    () => new AsyncParallelHook(['draft', 'ctx']),
    {
      kind: 'notify',
      description: 'after commit',
      payload: '(draft: Draft, ctx: Ctx)',
      since: '0.1.0',
    },
    specModule,
  );
  registry.define(
    'spec.delivered',
    () => new HookMap(() => new AsyncParallelHook<[Draft, Ctx]>(['draft', 'ctx'])),
    {
      kind: 'notify',
      description: 'per channel',
      payload: '(draft, ctx)',
      key: 'channel type',
      since: '0.1.0',
    },
    specModule,
  );
  return { registry, log, hooks: registry.hooks };
}

const tapsOf = (registry: HookRegistryHost, hook: string) =>
  registry.describe().find((row) => row.hook === hook)!.taps;

describe('hook registry: definitions', () => {
  it('defines the kernel hooks with their descriptors', () => {
    const { registry } = setup();
    const kernel = registry.descriptors().filter((d) => d.definedBy === 'core');
    expect(kernel.map((d) => [d.name, d.kind, d.tapable])).toEqual([
      ['app.ready', 'lifecycle', 'AsyncParallelHook'],
      ['app.shutdown', 'lifecycle', 'AsyncSeriesHook'],
      ['http.openapi', 'transform', 'AsyncSeriesWaterfallHook'],
    ]);
    expect(registry.descriptor('spec.delivered')).toMatchObject({
      tapable: 'HookMap<AsyncParallelHook>',
      keyed: true,
    });
  });

  it('refuses a second definition of a name, naming the first owner', () => {
    const { registry } = setup();
    expect(() =>
      registry.define('spec.created', () => new AsyncParallelHook(['draft', 'ctx']), {
        kind: 'notify',
        description: '',
        payload: '',
        since: '0.1.0',
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'HOOK_ALREADY_DEFINED',
        message: expect.stringContaining('already defined by "spec"'),
      }),
    );
  });

  it('refuses a hook whose tapable class does not match its kind', () => {
    const { registry } = setup();
    expect(() =>
      registry.define('other.beforeThing' as never, () => new AsyncSeriesHook(['draft']) as never, {
        kind: 'transform',
        description: '',
        payload: '',
        since: '0.1.0',
      }),
    ).toThrow(/a transform hook must be AsyncSeriesWaterfallHook, not AsyncSeriesHook/);
  });

  it('enforces <pluginId>:<name> for plugins and <domain>.<name> for core modules', () => {
    const { registry } = setup();
    const info = { kind: 'notify', description: '', payload: '', since: '1.0.0' } as const;
    const create = () => new AsyncParallelHook(['x']) as never;
    const define = (name: string, owner: { id: string; builtin: boolean }) =>
      registry.define(name as never, create, info, owner);
    expect(() => define('billing.paid', { id: 'billing-stripe', builtin: false })).toThrow(
      /plugin hooks are named "billing-stripe:<name>"/,
    );
    expect(() => define('analytics:counted', { id: 'billing-stripe', builtin: false })).toThrow(
      /belongs to plugin "analytics"/,
    );
    expect(() => define('billing-stripe:Paid', { id: 'billing-stripe', builtin: false })).toThrow(
      /camelCase/,
    );
    expect(() => define('tickets', { id: 'tickets', builtin: true })).toThrow(/"<domain>.<name>"/);
    define('billing-stripe:paid', { id: 'billing-stripe', builtin: false });
    define('ticket.merged', { id: 'tickets', builtin: true });
    expect(registry.descriptor('billing-stripe:paid')?.definedBy).toBe('billing-stripe');
    expect(registry.descriptor('ticket.merged')?.definedBy).toBe('tickets');
  });
});

describe('hook registry: freeze', () => {
  it('refuses to define or tap after freeze, including direct taps and new HookMap keys', async () => {
    const { registry, hooks } = setup();
    hooks['spec.created'].tapPromise('early', async () => undefined);
    registry.freeze();

    const frozen = expect.objectContaining({ code: 'HOOKS_FROZEN' });
    expect(() =>
      registry.define('late.thing' as never, () => new AsyncParallelHook(['x']) as never, {
        kind: 'notify',
        description: '',
        payload: '',
        since: '0.1.0',
      }),
    ).toThrow(frozen);
    expect(() => hooks['spec.created'].tapPromise('late', async () => undefined)).toThrow(frozen);
    expect(() =>
      hooks['spec.delivered'].for('sms').tapPromise('late', async () => undefined),
    ).toThrow(frozen);
    expect(() => {
      (hooks as Record<string, unknown>)['spec.created'] = undefined;
    }).toThrow(TypeError);
    // Calling is what a frozen registry is for.
    await expect(hooks['spec.created'].promise({ subject: 'a' }, ctx)).resolves.toBeUndefined();
    expect(tapsOf(registry, 'spec.created').map((tap) => tap.plugin)).toEqual(['early']);
  });
});

describe('hook registry: interception', () => {
  it('records calls, errors and time per tap', async () => {
    const { registry, hooks } = setup();
    hooks['spec.beforeCreate'].tapPromise({ name: 'slowish', stage: 5 }, async (draft) => {
      await sleep(25);
      return { subject: `${draft.subject}!` };
    });
    hooks['spec.beforeCreate'].tapPromise('fast', async (draft) => draft);

    await hooks['spec.beforeCreate'].promise({ subject: 'a' }, ctx);
    const result = await hooks['spec.beforeCreate'].promise({ subject: 'b' }, ctx);

    expect(result).toEqual({ subject: 'b!' });
    const [fast, slowish] = tapsOf(registry, 'spec.beforeCreate');
    expect(fast).toMatchObject({ plugin: 'fast', stage: 0, calls: 2, errors: 0 });
    expect(slowish).toMatchObject({ plugin: 'slowish', stage: 5, calls: 2, errors: 0 });
    expect(slowish!.totalMs).toBeGreaterThanOrEqual(40);
    expect(slowish!.maxMs).toBeGreaterThanOrEqual(20);
    expect(fast!.totalMs).toBeLessThan(slowish!.totalMs);
  });

  it('logs a slow tap at warn, naming the plugin and the hook', async () => {
    const { hooks, log } = setup(10);
    hooks['spec.created'].tapPromise('analytics', () => sleep(30));
    hooks['spec.created'].tapPromise('quick', async () => undefined);
    await hooks['spec.created'].promise({ subject: 'a' }, ctx);

    const warnings = log.atLeast('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, hook: 'spec.created', plugin: 'analytics' });
    expect(warnings[0]!.msg).toMatch(
      /slow hook tap: plugin "analytics" took \d+(\.\d)? ms in "spec.created"/,
    );
  });

  it('isolates a failing notify tap: logged with its plugin id, counted, the others still run', async () => {
    const { registry, hooks, log } = setup();
    const seen: string[] = [];
    hooks['spec.created'].tapPromise(
      'first',
      async (draft) => void seen.push(`first:${draft.subject}`),
    );
    hooks['spec.created'].tapPromise('broken', async () => {
      throw new Error('smtp down');
    });
    hooks['spec.created'].tap('sync-broken', () => {
      throw new Error('sync failure');
    });
    hooks['spec.created'].tapAsync('callback-style', (draft, _ctx, done) => {
      seen.push(`callback:${draft.subject}`);
      done();
    });
    hooks['spec.created'].tapPromise(
      'last',
      async (draft) => void seen.push(`last:${draft.subject}`),
    );

    await expect(hooks['spec.created'].promise({ subject: 'x' }, ctx)).resolves.toBeUndefined();

    expect(seen).toEqual(['first:x', 'callback:x', 'last:x']);
    const errors = log.atLeast('error');
    expect(errors.map((record) => [record.plugin, record.hook]).sort()).toEqual([
      ['broken', 'spec.created'],
      ['sync-broken', 'spec.created'],
    ]);
    const broken = errors.find((record) => record.plugin === 'broken')!;
    expect(broken.msg).toBe(
      'plugin "broken" failed in notify hook "spec.created"; the other taps were not affected',
    );
    expect((broken.err as { message: string }).message).toBe('smtp down');
    const taps = tapsOf(registry, 'spec.created');
    expect(taps.map((tap) => [tap.plugin, tap.calls, tap.errors])).toEqual([
      ['first', 1, 0],
      ['broken', 1, 1],
      ['sync-broken', 1, 1],
      ['callback-style', 1, 0],
      ['last', 1, 0],
    ]);
  });

  it('isolates failing taps of a keyed notify hook and records the key', async () => {
    const { registry, hooks, log } = setup();
    hooks['spec.delivered'].for('email').tapPromise('channel-email', async () => {
      throw new Error('bounce');
    });
    let smsCalls = 0;
    hooks['spec.delivered'].for('sms').tapPromise('channel-sms', async () => void smsCalls++);

    await hooks['spec.delivered'].for('email').promise({ subject: 'a' }, ctx);
    await hooks['spec.delivered'].for('sms').promise({ subject: 'a' }, ctx);

    expect(smsCalls).toBe(1);
    expect(log.atLeast('error')[0]).toMatchObject({
      plugin: 'channel-email',
      hook: 'spec.delivered',
      key: 'email',
    });
    expect(tapsOf(registry, 'spec.delivered')).toEqual([
      expect.objectContaining({ plugin: 'channel-email', key: 'email', calls: 1, errors: 1 }),
      expect.objectContaining({ plugin: 'channel-sms', key: 'sms', calls: 1, errors: 0 }),
    ]);
  });

  it('lets a waterfall error propagate, logging the plugin at warn', async () => {
    const { registry, hooks, log } = setup();
    let laterRan = false;
    hooks['spec.beforeCreate'].tapPromise('spam-filter', async () => {
      throw new Error('classifier crashed');
    });
    hooks['spec.beforeCreate'].tapPromise('later', async (draft) => {
      laterRan = true;
      return draft;
    });

    await expect(hooks['spec.beforeCreate'].promise({ subject: 'a' }, ctx)).rejects.toThrow(
      'classifier crashed',
    );

    expect(laterRan).toBe(false);
    expect(log.atLeast('warn')).toEqual([
      expect.objectContaining({
        level: 40,
        plugin: 'spam-filter',
        hook: 'spec.beforeCreate',
        msg: 'plugin "spam-filter" threw in hook "spec.beforeCreate"; the error propagates to the caller',
      }),
    ]);
    expect(tapsOf(registry, 'spec.beforeCreate')[0]).toMatchObject({ calls: 1, errors: 1 });
  });

  it('propagates a veto unchanged and does not alert on it', async () => {
    const { hooks, log } = setup();
    const veto = new NovumError('TICKET_HAS_OPEN_TASKS', 'open tasks remain', { status: 409 });
    hooks['spec.canClose'].tapPromise('tasks', async () => {
      throw veto;
    });
    await expect(hooks['spec.canClose'].promise({ subject: 'a' }, ctx)).rejects.toBe(veto);
    expect(log.atLeast('warn')).toEqual([]);
    expect(log.records.at(-1)).toMatchObject({
      level: 20,
      plugin: 'tasks',
      code: 'TICKET_HAS_OPEN_TASKS',
    });
  });

  it('describes hooks with their taps for the diagnostics listing', async () => {
    const { registry, hooks } = setup();
    hooks['app.ready'].tapPromise({ name: 'hello', stage: -1 }, async () => undefined);
    await hooks['app.ready'].promise({ plugins: [] });
    expect(registry.describe().find((row) => row.hook === 'app.ready')).toEqual({
      hook: 'app.ready',
      kind: 'lifecycle',
      description: expect.stringContaining('after every plugin has booted'),
      definedBy: 'core',
      tapable: 'AsyncParallelHook',
      taps: [
        {
          plugin: 'hello',
          stage: -1,
          calls: 1,
          errors: 0,
          totalMs: expect.any(Number),
          maxMs: expect.any(Number),
        },
      ],
    });
  });
});
