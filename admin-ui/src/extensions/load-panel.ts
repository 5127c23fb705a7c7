/**
 * Loads a plugin's panel component from its built ES module at run time. The module's own
 * `import 'vue'` resolves through the page's import map to the host's copy, which is what
 * makes `inject()`, Pinia stores and the router work inside panels.
 */
import type { PanelContribution } from '@novumdesk/admin-sdk';
import { markRaw, type Component } from 'vue';

// One import per entry URL, shared by every panel the module exports.
const modules = new Map<string, Promise<Record<string, unknown>>>();
// The browser remembers a failed module fetch for the page's lifetime, so a retry of an import
// that failed asks for a distinct URL. Only then: a module that loaded must not load twice.
const failedImports = new Map<string, number>();

function importModule(url: string): Promise<Record<string, unknown>> {
  let mod = modules.get(url);
  if (!mod) {
    const failures = failedImports.get(url) ?? 0;
    const target = failures ? `${url}${url.includes('?') ? '&' : '?'}retry=${failures}` : url;
    mod = import(/* @vite-ignore */ target) as Promise<Record<string, unknown>>;
    modules.set(url, mod);
    mod.catch(() => {
      modules.delete(url);
      failedImports.set(url, failures + 1);
    });
  }
  return mod;
}

function isComponent(value: unknown): value is Component {
  return typeof value === 'function' || (typeof value === 'object' && value !== null);
}

export async function loadPanelComponent(panel: PanelContribution): Promise<Component> {
  const mod = await importModule(panel.entry);
  const exportName = panel.exportName ?? 'default';
  const component = mod[exportName];
  if (!isComponent(component)) {
    throw new Error(`${panel.entry} has no component export "${exportName}"`);
  }
  // A component definition must not be made reactive (Vue warns and it costs for nothing).
  return markRaw(component);
}
