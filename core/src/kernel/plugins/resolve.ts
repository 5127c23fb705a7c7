/**
 * Resolve, validate and order (PLUGIN-CONTRACT §1, steps 1–3). Pure: no container, no I/O,
 * so the same check can run in `novumdesk config check`, in tests and at start-up.
 */
import type { NovumPlugin } from '../contract.js';
import { toPluginInstance, type PluginEntry } from './define-plugin.js';
import {
  assertDependenciesSatisfied,
  orderByDependencies,
  presentDependencies,
} from './dependency-order.js';
import { manifestProblems } from './manifest.js';
import { parsePluginOptions } from './options.js';
import { assertPersonalDataDeclared } from './personal-data.js';
import { formatProblem, reportError, type PluginProblem } from './problems.js';

export interface ResolvedPlugin<O = unknown> {
  readonly id: string;
  readonly plugin: NovumPlugin<O>;
  /** Parsed by the plugin's schema, defaults applied. */
  readonly options: O;
  /** A core module using the plugin contract. */
  readonly builtin: boolean;
  /** Loaded plugins this one depends on (required, and optional ones that are present). */
  readonly dependencies: readonly string[];
  /** Every id in `dependsOn` and `optionalDependsOn`, present or not. */
  readonly declaredDependencies: readonly string[];
}

export interface ResolvePluginsOptions {
  /** The running @novumdesk/core version, checked against each plugin's `core` range. */
  coreVersion: string;
  /** Core modules, loaded before the operator's plugins when dependencies allow. */
  builtin?: readonly PluginEntry[];
}

interface Candidate {
  plugin: NovumPlugin;
  options: unknown;
  builtin: boolean;
}

/**
 * Throws `PLUGIN_CONFIG_INVALID` (every manifest, compatibility and options problem of every
 * plugin at once), then `PLUGIN_PERSONAL_DATA_UNDECLARED` / `_INVALID`, then
 * `PLUGIN_DEPENDENCY_MISSING`, `PLUGIN_DEPENDENCY_VERSION` or `PLUGIN_DEPENDENCY_CYCLE`.
 */
export function resolvePlugins(
  entries: readonly PluginEntry[],
  options: ResolvePluginsOptions,
): ResolvedPlugin[] {
  const problems: PluginProblem[] = [];
  const candidates: Candidate[] = [];
  const firstSeenAt = new Map<string, string>();

  const lists = [
    { entries: options.builtin ?? [], builtin: true, prefix: 'builtin #' },
    { entries, builtin: false, prefix: '#' },
  ];
  for (const list of lists) {
    list.entries.forEach((entry, index) => {
      const position = `${list.prefix}${index + 1}`;
      const instance = toPluginInstance(entry);
      if (instance === undefined) {
        problems.push({
          plugin: position,
          path: '(entry)',
          message: 'is not a plugin; expected what definePlugin() returns',
        });
        return;
      }
      const label = labelOf(instance.plugin, position);
      const manifest = manifestProblems(instance.plugin, label, options.coreVersion);
      problems.push(...manifest);
      const earlier = firstSeenAt.get(label);
      if (earlier !== undefined) {
        problems.push({
          plugin: label,
          path: 'id',
          message: `is listed more than once (entries ${earlier} and ${position})`,
        });
        return;
      }
      firstSeenAt.set(label, position);
      // A broken manifest (e.g. `options` that is not a schema) makes parsing meaningless.
      if (manifest.some((problem) => problem.path !== 'core')) return;
      const parsed = parsePluginOptions(instance.plugin.options, instance.rawOptions, label);
      if (!parsed.ok) problems.push(...parsed.problems);
      else
        candidates.push({
          plugin: instance.plugin,
          options: parsed.options,
          builtin: list.builtin,
        });
    });
  }

  if (problems.length > 0) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    throw reportError(
      'PLUGIN_CONFIG_INVALID',
      `the plugin configuration has ${count}`,
      problems.map(formatProblem),
      { problems },
    );
  }

  assertPersonalDataDeclared(candidates.map((candidate) => candidate.plugin));
  const nodes = candidates.map((candidate) => ({
    ...candidate,
    id: candidate.plugin.id,
    ...dependencyFields(candidate.plugin),
  }));
  assertDependenciesSatisfied(nodes);
  const present = new Set(nodes.map((node) => node.id));
  return orderByDependencies(nodes).map((node) => ({
    id: node.id,
    plugin: node.plugin,
    options: node.options,
    builtin: node.builtin,
    dependencies: presentDependencies(node, present),
    declaredDependencies: [
      ...Object.keys(node.dependsOn ?? {}),
      ...Object.keys(node.optionalDependsOn ?? {}),
    ],
  }));
}

function dependencyFields(plugin: NovumPlugin) {
  return {
    version: plugin.version,
    ...(plugin.dependsOn ? { dependsOn: plugin.dependsOn } : {}),
    ...(plugin.optionalDependsOn ? { optionalDependsOn: plugin.optionalDependsOn } : {}),
  };
}

function labelOf(plugin: unknown, position: string): string {
  const id = (plugin as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.trim() !== '' ? id : position;
}
