/**
 * What the admin UI mounts at run time: every loaded plugin's panels, filtered by the caller's
 * permissions, with the URL its built module is served at. Read from manifests only — no plugin
 * code runs to find a panel — and checked at start-up so a missing bundle fails loudly instead of
 * a widget silently missing in production.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { NovumError } from '../kernel/errors.js';
import type { Actor, AdminPanelDeclaration, NovumPlugin } from '../kernel/contract.js';
import { pluginAssetUrl } from '../admin-host/index.js';
import { pluginSettingsRoutes } from './plugin-settings.js';

const PanelSchema = z
  .object({
    pluginId: z.string(),
    id: z.string(),
    slot: z.string(),
    title: z.string(),
    order: z.number(),
    entry: z.string(),
    exportName: z.string().optional(),
    requires: z.array(z.string()).optional(),
  })
  .meta({ id: 'AdminPanel' });

/** Plugin id → directory of its built admin bundle, after checking each declared entry exists. */
export function adminAssetDirs(plugins: readonly NovumPlugin[]): Record<string, string> {
  const dirs: Record<string, string> = {};
  for (const plugin of plugins) {
    if (!plugin.admin) continue;
    for (const panel of plugin.admin.panels) {
      const file = path.resolve(plugin.admin.assetsDir, panel.entry);
      if (!existsSync(file)) {
        throw new NovumError(
          'PLUGIN_ADMIN_ENTRY_MISSING',
          `plugin "${plugin.id}" declares admin panel "${panel.id}" but its bundle ${file} is missing: build the plugin`,
        );
      }
    }
    dirs[plugin.id] = plugin.admin.assetsDir;
  }
  return dirs;
}

const allowed = (panel: AdminPanelDeclaration, actor: Actor | null) =>
  (panel.requires ?? []).every((permission) => actor?.permissions?.includes(permission));

export function adminExtensionRoutes(plugins: readonly NovumPlugin[]): RouteDefinition[] {
  return [
    ...pluginSettingsRoutes(plugins),
    defineRoute({
      method: 'get',
      path: '/admin/extensions',
      operationId: 'listAdminExtensions',
      summary: 'Admin UI panels contributed by plugins, for the current user',
      tags: ['admin'],
      access: 'authenticated',
      responses: {
        200: { description: 'Panels', schema: z.object({ panels: z.array(PanelSchema) }) },
      },
      handler: ({ actor }) => ({
        panels: plugins.flatMap((plugin) =>
          (plugin.admin?.panels ?? [])
            .filter((panel) => allowed(panel, actor))
            .map((panel) => ({
              pluginId: plugin.id,
              id: panel.id,
              slot: panel.slot,
              title: panel.title,
              order: panel.order ?? 0,
              entry: pluginAssetUrl(plugin.id, panel.entry),
              ...(panel.exportName ? { exportName: panel.exportName } : {}),
              ...(panel.requires ? { requires: [...panel.requires] } : {}),
            })),
        ),
      }),
    }),
  ];
}
