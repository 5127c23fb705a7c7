/**
 * Writing a panel. A plugin's admin module exports components; the host mounts each one in its
 * slot with a read-only, typed `context` prop: the slot's data (the current ticket or contact)
 * plus what every panel gets (API client, user, workspace, permissions).
 */
import {
  defineComponent,
  inject,
  type Component,
  type DeepReadonly,
  type InjectionKey,
  type RenderFunction,
  type SetupContext,
} from 'vue';
import type { NovumApi } from './api';
import type { SlotContext, SlotName } from './slots';
import type { PanelUser, PanelWorkspace } from './types';

/** What the host gives every panel, whatever its slot. */
export interface PanelHostContext {
  /** The host's API client: same-origin session cookies and the CSRF header are handled. */
  api: NovumApi;
  user: PanelUser;
  workspace: PanelWorkspace;
  /** The user's permissions in this workspace (`tickets:read`, `hello:write`, …). */
  permissions: readonly string[];
  /** `permissions.includes(permission)`. */
  can(permission: string): boolean;
  /** Client-side navigation inside the admin UI, e.g. `navigate('/tickets/…')`. */
  navigate(path: string): void;
}

/** A panel's `context` prop: its slot's data and the host context. */
export type PanelContext<S extends SlotName = SlotName> = DeepReadonly<SlotContext<S>> &
  PanelHostContext;

export interface PanelProps<S extends SlotName = SlotName> {
  context: PanelContext<S>;
}

/** Who this panel is, for its own subtree (composables deep inside a panel need it). */
export interface PanelInfo<S extends SlotName = SlotName> {
  pluginId: string;
  panelId: string;
  slot: S;
  title: string;
  readonly context: PanelContext<S>;
}

// Symbol.for: the key survives even a (mistaken) second copy of the SDK in the page.
export const PANEL_KEY: InjectionKey<PanelInfo> = Symbol.for('novumdesk.admin.panel');

/** The current panel's identity and context; throws outside a panel. */
export function usePanel<S extends SlotName = SlotName>(): PanelInfo<S> {
  const info = inject(PANEL_KEY, null);
  if (!info) throw new Error('usePanel() must be called inside a plugin panel');
  return info as unknown as PanelInfo<S>;
}

export interface PanelDefinition<S extends SlotName> {
  /** The slot this panel is written for: types `props.context`. */
  slot: S;
  /** Component name, shown in Vue devtools and warnings. */
  name?: string;
  /** May be async (awaiting data): the host mounts every panel inside `<Suspense>`. */
  setup(props: PanelProps<S>, ctx: SetupContext): RenderFunction | Promise<RenderFunction>;
}

/**
 * A panel component with a typed, read-only `context` prop. SFC authors can instead use
 * `defineProps<PanelProps<'ticket.sidebar'>>()`; the result is the same.
 */
export function definePanel<S extends SlotName>(definition: PanelDefinition<S>): Component {
  return defineComponent({
    name: definition.name ?? `Panel(${definition.slot})`,
    props: { context: { type: Object, required: true } },
    // Vue's overloads cannot express a setup typed by a generic slot; the prop above is the
    // runtime half of the same contract.
    setup: definition.setup as unknown as (props: Record<string, unknown>) => RenderFunction,
  });
}
