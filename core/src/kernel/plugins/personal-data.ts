/**
 * Privacy by contract (ARCHITECTURE §7): a plugin that stores rows must say how the personal
 * data in them is exported and erased, or state that they hold none. Refusing to start
 * otherwise is what keeps a data-subject request from silently missing a new plugin.
 */
import type { NovumPlugin } from '../contract.js';
import { reportError } from './problems.js';

/** MikroORM `EntitySchema` exposes `meta.className`; a decorated entity class has a `name`. */
export function entityName(entity: unknown): string | undefined {
  const candidate = entity as { meta?: { className?: unknown }; name?: unknown } | null;
  if (typeof candidate?.meta?.className === 'string') return candidate.meta.className;
  return typeof candidate?.name === 'string' ? candidate.name : undefined;
}

export function assertPersonalDataDeclared(plugins: readonly NovumPlugin[]): void {
  const undeclared: string[] = [];
  const invalid: string[] = [];
  for (const plugin of plugins) {
    const entities = plugin.entities ?? [];
    const declared = entities.map(entityName).filter((name): name is string => !!name);
    if (plugin.personalData && plugin.noPersonalData) {
      invalid.push(`plugin "${plugin.id}" sets both personalData and noPersonalData; keep one`);
    }
    if (plugin.personalData) {
      for (const name of Object.keys(plugin.personalData.entities)) {
        if (!declared.includes(name)) {
          invalid.push(
            `plugin "${plugin.id}": personalData names entity "${name}", which the plugin does not declare (entities: ${declared.join(', ') || 'none'})`,
          );
        }
      }
    } else if (entities.length > 0 && !plugin.noPersonalData) {
      undeclared.push(
        `plugin "${plugin.id}" declares entities (${declared.join(', ')}) but neither personalData (with export and erase handlers) nor noPersonalData: true`,
      );
    }
  }
  if (undeclared.length > 0) {
    throw reportError(
      'PLUGIN_PERSONAL_DATA_UNDECLARED',
      'a plugin stores data without declaring its personal data (see ARCHITECTURE §7)',
      undeclared,
    );
  }
  if (invalid.length > 0) {
    throw reportError(
      'PLUGIN_PERSONAL_DATA_INVALID',
      'a personalData declaration is invalid',
      invalid,
    );
  }
}
