import { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesWaterfallHook, HookMap } from 'tapable';
import { createMemoryLogger } from './memory-logger.js';
import { createPluginHooks, type PluginHookScope } from './plugin-hooks.js';
import { createHookRegistry } from './registry.js';
import type { HookInfo } from './descriptor.js';

interface Note {
  text: string;
}
interface Ctx {
  requestId: string;
}
interface Receipt {
  id: string;
}

// How a module declares its hooks. A plugin package augments '@novumdesk/core'; inside core,
// augment the declaring module: TypeScript can fork an interface augmented both directly and
// through a re-export in one program (microsoft/TypeScript#46617).
declare module './registry.js' {
  interface HookRegistry {
    'note.beforeSave': AsyncSeriesWaterfallHook<[Note, Ctx], Note>;
    'note.send': HookMap<AsyncSeriesBailHook<[Note, Ctx], Receipt | undefined>>;
    'note.archived': AsyncParallelHook<[Note, Ctx]>;
    'owner-plugin:noted': AsyncParallelHook<[Note, Ctx]>;
    'absent-plugin:noted': AsyncParallelHook<[Note, Ctx]>;
  }
}

const ctx: Ctx = { requestId: 'r1' };
const info = (kind: HookInfo['kind']): HookInfo => ({
  kind,
  description: 'd',
  payload: 'p',
  since: '1.0.0',
});

function setup() {
  const log = createMemoryLogger();
  const registry = createHookRegistry({ logger: log.logger });
  const notes = { id: 'notes', builtin: true };
  registry.define(
    'note.beforeSave',
    () => new AsyncSeriesWaterfallHook(['note', 'ctx']),
    info('transform'),
    notes,
  );
  registry.define(
    'note.send',
    () =>
      new HookMap(() => new AsyncSeriesBailHook<[Note, Ctx], Receipt | undefined>(['note', 'ctx'])),
    info('resolve'),
    notes,
  );
  const loadedPlugins = new Set(['owner-plugin', 'fan', 'stranger', 'notes']);
  const hooksFor = (pluginId: string, dependencies: string[] = [], builtin = false) => {
    const scope: PluginHookScope = {
      pluginId,
      builtin,
      dependencies: new Set(dependencies),
      loadedPlugins,
      logger: log.logger,
    };
    return createPluginHooks(registry, scope);
  };
  return { registry, log, hooksFor };
}

describe('PluginHooks', () => {
  it('taps under the plugin id, in stage order, and passes the waterfall value on', async () => {
    const { registry, hooksFor } = setup();
    hooksFor('fan').tap('note.beforeSave', (note) => ({ text: `${note.text} +fan` }));
    hooksFor('stranger').tap(
      'note.beforeSave',
      async (note, c) => ({ text: `${note.text} +${c.requestId}` }),
      {
        stage: -10,
      },
    );
    // Returning undefined passes the value on unchanged.
    hooksFor('owner-plugin').tap('note.beforeSave', () => undefined);

    const saved = await registry.hooks['note.beforeSave'].promise({ text: 'hi' }, ctx);

    expect(saved).toEqual({ text: 'hi +r1 +fan' });
    expect(registry.hooks['note.beforeSave'].taps.map((tap) => tap.name)).toEqual([
      'stranger',
      'fan',
      'owner-plugin',
    ]);
  });

  it('orders with `before`, which must name a known plugin', () => {
    const { registry, hooksFor } = setup();
    hooksFor('fan').tap('note.beforeSave', (note) => note);
    hooksFor('stranger').tap('note.beforeSave', (note) => note, { before: 'fan' });
    expect(registry.hooks['note.beforeSave'].taps.map((tap) => tap.name)).toEqual([
      'stranger',
      'fan',
    ]);
    expect(() => hooksFor('fan').tap('note.beforeSave', (note) => note, { before: 'fna' })).toThrow(
      expect.objectContaining({
        code: 'HOOK_TAP_INVALID',
        message: expect.stringContaining('"fna"'),
      }),
    );
  });

  it('dispatches keyed hooks per key with tapFor, and refuses tap() on them', async () => {
    const { registry, hooksFor } = setup();
    hooksFor('fan').tapFor('note.send', 'email', async (note) => ({ id: `email:${note.text}` }));
    hooksFor('stranger').tapFor('note.send', 'sms', () => ({ id: 'sms' }));

    await expect(
      registry.hooks['note.send'].for('email').promise({ text: 'a' }, ctx),
    ).resolves.toEqual({ id: 'email:a' });
    await expect(
      registry.hooks['note.send'].for('fax').promise({ text: 'a' }, ctx),
    ).resolves.toBeUndefined();

    // @ts-expect-error a keyed hook is tapped with tapFor
    expect(() => hooksFor('fan').tap('note.send', () => undefined)).toThrow(
      /use tapFor\("note.send", key, fn\)/,
    );
    // @ts-expect-error a plain hook is tapped with tap
    expect(() => hooksFor('fan').tapFor('note.beforeSave', 'x', (n: Note) => n)).toThrow(
      /use tap\("note.beforeSave", fn\)/,
    );
  });

  it('makes an unknown hook name a compile error and a runtime error', () => {
    const { hooksFor } = setup();
    // @ts-expect-error 'note.nope' is not in HookRegistry
    expect(() => hooksFor('fan').tap('note.nope', () => undefined)).toThrow(
      expect.objectContaining({
        code: 'HOOK_UNKNOWN',
        message: 'plugin "fan" taps "note.nope", which is not defined',
      }),
    );
  });

  it('derives the tap function type from the hook class', () => {
    const { hooksFor } = setup();
    const hooks = hooksFor('fan');
    // @ts-expect-error a waterfall tap must return the value (or undefined), not a number
    hooks.tap('note.beforeSave', () => 42);
    // @ts-expect-error the payload is a Note, which has no `subject`
    hooks.tap('note.beforeSave', (note) => ({ text: note.subject }));
    // @ts-expect-error a resolve tap returns a Receipt or undefined
    hooks.tapFor('note.send', 'email', () => ({ receipt: 1 }));
    hooks.tap('app.ready', (readyInfo) => void readyInfo.plugins.length);
  });

  it("lets a plugin tap another plugin's hook only when it depends on the owner", async () => {
    const { registry, hooksFor } = setup();
    const owner = hooksFor('owner-plugin');
    owner.define(
      'owner-plugin:noted',
      () => new AsyncParallelHook(['note', 'ctx']),
      info('notify'),
    );
    const heard: string[] = [];

    hooksFor('fan', ['owner-plugin']).tap(
      'owner-plugin:noted',
      (note) => void heard.push(note.text),
    );
    owner.tap('owner-plugin:noted', (note) => void heard.push(`own ${note.text}`));
    expect(() => hooksFor('stranger').tap('owner-plugin:noted', () => undefined)).toThrow(
      expect.objectContaining({
        code: 'HOOK_OWNER_NOT_DEPENDENCY',
        message:
          'plugin "stranger" taps "owner-plugin:noted", which belongs to plugin "owner-plugin", but does not list "owner-plugin" in dependsOn or optionalDependsOn',
      }),
    );

    await registry.hooks['owner-plugin:noted'].promise({ text: 'x' }, ctx);
    expect(heard).toEqual(['x', 'own x']);
  });

  it('skips a tap on the hook of an optional dependency that is not installed', () => {
    const { registry, hooksFor, log } = setup();
    expect(() =>
      hooksFor('fan', ['absent-plugin']).tap('absent-plugin:noted', () => undefined),
    ).not.toThrow();
    expect(registry.find('absent-plugin:noted')).toBeUndefined();
    expect(log.records.at(-1)?.msg).toMatch(/optional dependency "absent-plugin" is not installed/);
    // An installed owner that did not define the hook is a real error.
    expect(() =>
      hooksFor('fan', ['owner-plugin']).tap('owner-plugin:noted', () => undefined),
    ).toThrow(expect.objectContaining({ code: 'HOOK_UNKNOWN' }));
  });

  it('defines plugin hooks only under the plugin id; core modules under their domain', () => {
    const { registry, hooksFor } = setup();
    const archived = () => new AsyncParallelHook<[Note, Ctx]>(['note', 'ctx']);
    expect(() =>
      hooksFor('fan').define(
        'owner-plugin:noted',
        () => new AsyncParallelHook(['note', 'ctx']),
        info('notify'),
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'HOOK_NAME_INVALID',
        message: expect.stringContaining('belongs to plugin "owner-plugin"'),
      }),
    );
    expect(() => hooksFor('fan').define('note.archived', archived, info('notify'))).toThrow(
      expect.objectContaining({
        code: 'HOOK_NAME_INVALID',
        message: expect.stringContaining('"fan:<name>"'),
      }),
    );
    hooksFor('notes', [], true).define('note.archived', archived, info('notify'));
    expect(registry.descriptor('note.archived')?.definedBy).toBe('notes');
  });

  it('refuses taps once the registry is frozen', () => {
    const { registry, hooksFor } = setup();
    registry.freeze();
    expect(() => hooksFor('fan').tap('note.beforeSave', (note) => note)).toThrow(
      expect.objectContaining({
        code: 'HOOKS_FROZEN',
        message: expect.stringContaining('plugin "fan" cannot tap "note.beforeSave"'),
      }),
    );
    expect(() => hooksFor('fan').tapFor('note.send', 'email', () => undefined)).toThrow(
      expect.objectContaining({ code: 'HOOKS_FROZEN' }),
    );
  });
});
