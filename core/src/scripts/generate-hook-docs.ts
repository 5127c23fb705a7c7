/**
 * Writes `docs/hooks.md` from the hook registry (`npm run docs:hooks`). With `--check` it writes
 * nothing and exits 1 when the file is stale, saying what differs, so CI catches a hook added
 * without regenerating its reference. `--out <file>` writes elsewhere.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createContainer } from 'awilix';
import { pino } from 'pino';
import type { CoreCradle } from '../kernel/contract.js';
import { renderHookDocs } from '../kernel/hooks/hook-docs.js';
import { createHookRegistry, type HookRegistryHost } from '../kernel/hooks/registry.js';
import { defaultModules } from '../cli/modules.js';
import { PluginHost, resolvePlugins, type PluginEntry } from '../kernel/plugins/index.js';

export { renderHookDocs };

/**
 * Every core domain module the product ships, so a module's new hook cannot miss the reference.
 * Their `register()` only declares (no I/O), so running it on a scratch container is safe.
 */
export const DOCUMENTED_MODULES: readonly PluginEntry[] = defaultModules;

export const DEFAULT_DOCS_PATH = fileURLToPath(new URL('../../../docs/hooks.md', import.meta.url));

function coreVersion(): string {
  const manifest = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The kernel's hooks plus every hook the given modules define in `register()`. */
export function buildDocumentedRegistry(
  modules: readonly PluginEntry[] = DOCUMENTED_MODULES,
): HookRegistryHost {
  const logger = pino({ level: 'silent' });
  const registry = createHookRegistry({ logger });
  if (modules.length > 0) {
    const plugins = resolvePlugins([], { coreVersion: coreVersion(), builtin: modules });
    const container = createContainer<CoreCradle>({ injectionMode: 'PROXY', strict: true });
    new PluginHost({ plugins, container, hooks: registry, logger }).register();
  }
  return registry;
}

/** Human-readable reasons why `actual` (the file) differs from `expected` (the registry). */
export function describeDifference(expected: string, actual: string): string[] {
  const hookNames = (text: string) =>
    new Set([...text.matchAll(/^## `([^`]+)`$/gm)].map((match) => match[1]!));
  const expectedHooks = hookNames(expected);
  const actualHooks = hookNames(actual);
  const reasons = [
    ...[...expectedHooks]
      .filter((h) => !actualHooks.has(h))
      .map((h) => `hook "${h}" is not documented`),
    ...[...actualHooks]
      .filter((h) => !expectedHooks.has(h))
      .map((h) => `hook "${h}" is documented but no longer defined`),
  ];
  if (reasons.length > 0) return reasons;
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  const index = expectedLines.findIndex((line, i) => line !== actualLines[i]);
  const line = index === -1 ? expectedLines.length : index;
  return [
    `line ${line + 1}: expected ${JSON.stringify(expectedLines[line] ?? '(end of file)')}, found ${JSON.stringify(actualLines[line] ?? '(end of file)')}`,
  ];
}

export interface HookDocsRun {
  ok: boolean;
  message: string;
}

export async function generateHookDocs(options: {
  check: boolean;
  path?: string;
  registry?: HookRegistryHost;
}): Promise<HookDocsRun> {
  const path = options.path ?? DEFAULT_DOCS_PATH;
  const expected = renderHookDocs(options.registry ?? buildDocumentedRegistry());
  if (!options.check) {
    await writeFile(path, expected);
    return { ok: true, message: `wrote ${path}` };
  }
  const actual = await readFile(path, 'utf8').catch(() => undefined);
  if (actual === undefined) {
    return { ok: false, message: `${path} does not exist; run \`npm run docs:hooks\`` };
  }
  if (actual === expected) return { ok: true, message: `${path} is up to date` };
  const reasons = describeDifference(expected, actual).map((reason) => `  - ${reason}`);
  return {
    ok: false,
    message: [`${path} is stale; run \`npm run docs:hooks\`:`, ...reasons].join('\n'),
  };
}

async function main(argv: readonly string[]): Promise<void> {
  const outIndex = argv.indexOf('--out');
  const path = outIndex === -1 ? undefined : argv[outIndex + 1];
  const run = await generateHookDocs({
    check: argv.includes('--check'),
    ...(path ? { path } : {}),
  });
  (run.ok ? console.log : console.error)(run.message);
  process.exitCode = run.ok ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
