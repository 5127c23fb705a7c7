import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncSeriesBailHook, HookMap } from 'tapable';
import {
  buildDocumentedRegistry,
  DEFAULT_DOCS_PATH,
  describeDifference,
  generateHookDocs,
} from '../../scripts/generate-hook-docs.js';
import { definePlugin } from '../plugins/define-plugin.js';
import { renderHookDocs } from './hook-docs.js';
import { createMemoryLogger } from './memory-logger.js';
import { createHookRegistry } from './registry.js';

declare module './registry.js' {
  interface HookRegistry {
    'docs.send': HookMap<AsyncSeriesBailHook<[string], string | undefined>>;
  }
}

describe('hook reference', () => {
  it('documents every hook with its kind, class, owner, payload and description', () => {
    const registry = createHookRegistry({ logger: createMemoryLogger().logger });
    registry.define(
      'docs.send',
      () => new HookMap(() => new AsyncSeriesBailHook<[string], string | undefined>(['message'])),
      {
        kind: 'resolve',
        description: 'Delivers a message through the channel named by the key.',
        payload: '(message: string)',
        returns: 'a receipt id, or undefined to let another tap try',
        key: 'channel type, e.g. "email"',
        since: '0.2.0',
      },
      { id: 'messages', builtin: true },
    );
    const markdown = renderHookDocs(registry);

    expect(markdown).toMatch(
      /^\| \[`docs\.send`\]\(#docssend\) +\| resolve +\| `HookMap<AsyncSeriesBailHook>` +\| messages +\| 0\.2\.0 \|$/m,
    );
    expect(markdown).toContain(
      [
        '## `docs.send`',
        '',
        '- **Kind:** resolve (`HookMap<AsyncSeriesBailHook>`)',
        '- **Defined by:** messages, since 0.2.0',
        '- **Key:** channel type, e.g. "email"',
        '- **Payload:** `(message: string)`',
        '- **Returns:** a receipt id, or undefined to let another tap try',
        '',
        'Delivers a message through the channel named by the key.',
      ].join('\n'),
    );
    // Sorted by name, so the output does not depend on definition order.
    const headings = [...markdown.matchAll(/^## `(.+)`$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['app.ready', 'app.shutdown', 'docs.send', 'http.openapi']);
  });

  it('includes hooks that core modules define in register()', () => {
    const module = definePlugin({
      id: 'messages',
      version: '0.1.0',
      core: '*',
      register: (ctx) =>
        void ctx.hooks.define(
          'docs.send',
          () => new HookMap(() => new AsyncSeriesBailHook(['m'])),
          {
            kind: 'resolve',
            description: 'd',
            payload: '(m: string)',
            since: '0.1.0',
          },
        ),
    });
    expect(buildDocumentedRegistry([module]).descriptor('docs.send')?.definedBy).toBe('messages');
  });

  it('docs/hooks.md is up to date (regenerate with `npm run docs:hooks`)', async () => {
    const run = await generateHookDocs({ check: true });
    expect(run.message).toBe(`${DEFAULT_DOCS_PATH} is up to date`);
    expect(run.ok).toBe(true);
  });

  it('--check fails on a stale file and says what differs', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'hook-docs-')), 'hooks.md');
    await generateHookDocs({ check: false, path });
    const fresh = await readFile(path, 'utf8');

    await writeFile(path, fresh.replace('## `app.shutdown`', '## `app.stopping`'));
    const renamed = await generateHookDocs({ check: true, path });
    expect(renamed.ok).toBe(false);
    expect(renamed.message.split('\n').slice(1)).toEqual([
      '  - hook "app.shutdown" is not documented',
      '  - hook "app.stopping" is documented but no longer defined',
    ]);

    await writeFile(path, fresh.replace('A failing tap fails start-up.', 'Edited by hand.'));
    const edited = await generateHookDocs({ check: true, path });
    expect(edited.message).toMatch(
      /line \d+: expected ".*A failing tap fails start-up\.", found ".*Edited by hand\."/,
    );

    const missing = await generateHookDocs({ check: true, path: `${path}.absent` });
    expect(missing).toEqual({
      ok: false,
      message: `${path}.absent does not exist; run \`npm run docs:hooks\``,
    });
  });

  it('describes a difference at the end of the file', () => {
    expect(describeDifference('a\nb\nc', 'a\nb')).toEqual([
      'line 3: expected "c", found "(end of file)"',
    ]);
  });
});
