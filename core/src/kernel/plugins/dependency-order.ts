/**
 * Dependency checks and load order (PLUGIN-CONTRACT §1.3). Order is topological on
 * `dependsOn` + `optionalDependsOn`; among plugins that are ready at the same time the one
 * listed first in the configuration goes first, so the order is predictable from the config.
 */
import semver from 'semver';
import { reportError } from './problems.js';

export interface DependencyNode {
  id: string;
  version: string;
  dependsOn?: Record<string, string>;
  optionalDependsOn?: Record<string, string>;
}

/** Ids this node waits for: its required dependencies and the optional ones that are present. */
export function presentDependencies(node: DependencyNode, present: ReadonlySet<string>): string[] {
  return [
    ...Object.keys(node.dependsOn ?? {}),
    ...Object.keys(node.optionalDependsOn ?? {}).filter((id) => present.has(id)),
  ];
}

export function assertDependenciesSatisfied(nodes: readonly DependencyNode[]): void {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const missing: string[] = [];
  const mismatched: string[] = [];
  for (const node of nodes) {
    for (const [id, range] of Object.entries(node.dependsOn ?? {})) {
      if (!byId.has(id)) {
        missing.push(
          `plugin "${node.id}" depends on "${id}" (${range}), which is not installed; add "${id}" to plugins or remove "${node.id}"`,
        );
      }
    }
    const ranges = { ...node.optionalDependsOn, ...node.dependsOn };
    for (const [id, range] of Object.entries(ranges)) {
      const dependency = byId.get(id);
      if (dependency && !semver.satisfies(dependency.version, range, { includePrerelease: true })) {
        mismatched.push(
          `plugin "${node.id}" requires "${id}" ${range}, but "${id}" ${dependency.version} is installed`,
        );
      }
    }
  }
  if (missing.length > 0) {
    throw reportError('PLUGIN_DEPENDENCY_MISSING', 'a plugin dependency is missing', missing);
  }
  if (mismatched.length > 0) {
    throw reportError(
      'PLUGIN_DEPENDENCY_VERSION',
      'a plugin dependency has an incompatible version',
      mismatched,
    );
  }
}

/** Assumes `assertDependenciesSatisfied` passed: every required dependency is present. */
export function orderByDependencies<T extends DependencyNode>(nodes: readonly T[]): T[] {
  const present = new Set(nodes.map((node) => node.id));
  const waitsFor = new Map(nodes.map((node) => [node.id, presentDependencies(node, present)]));
  const placed = new Set<string>();
  const ordered: T[] = [];
  let remaining = [...nodes];
  while (remaining.length > 0) {
    const next = remaining.find((node) => waitsFor.get(node.id)!.every((id) => placed.has(id)));
    if (next === undefined)
      throw cycleError(
        remaining.map((node) => node.id),
        waitsFor,
        placed,
      );
    ordered.push(next);
    placed.add(next.id);
    remaining = remaining.filter((node) => node !== next);
  }
  return ordered;
}

/**
 * When nothing is ready, every remaining plugin waits for another remaining one, so walking
 * "first unplaced dependency" from any of them must come back to a plugin already visited.
 */
function cycleError(
  remaining: readonly string[],
  waitsFor: ReadonlyMap<string, readonly string[]>,
  placed: ReadonlySet<string>,
) {
  const path: string[] = [];
  let current = remaining[0]!;
  while (!path.includes(current)) {
    path.push(current);
    current = waitsFor.get(current)!.find((id) => !placed.has(id))!;
  }
  const cycle = [...path.slice(path.indexOf(current)), current];
  return reportError(
    'PLUGIN_DEPENDENCY_CYCLE',
    'plugins depend on each other in a cycle',
    [`${cycle.join(' -> ')}; remove one of these dependencies`],
    { cycle },
  );
}
