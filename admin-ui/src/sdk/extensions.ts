/** The shape of `GET /api/v1/admin/extensions`: which panels the current user gets. */
import type { SlotName } from './slots';

export interface PanelContribution {
  pluginId: string;
  /** Unique within the plugin. */
  id: string;
  slot: SlotName;
  title: string;
  /** Lower first; ties are broken by plugin id, then panel id, so the order is stable. */
  order: number;
  /** URL of the plugin's built ES module, served by the core under `/admin/plugins/<pluginId>/`. */
  entry: string;
  /** The module export holding the component; `default` when absent. */
  exportName?: string;
  /** Permissions the panel needs; the server already filtered for the current user. */
  requires?: string[];
}

export interface ExtensionsResponse {
  panels: PanelContribution[];
}
