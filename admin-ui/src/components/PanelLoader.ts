/**
 * Imports one panel's module and renders its component. The setup is async, so it must sit
 * inside `<Suspense>` (PanelBoundary); a failed import rejects the setup and reaches the
 * boundary's `onErrorCaptured` like any render error.
 */
import {
  PANEL_KEY,
  type PanelContext,
  type PanelContribution,
  type PanelInfo,
} from '@novumdesk/admin-sdk';
import { computed, defineComponent, h, markRaw, provide, readonly, type PropType } from 'vue';
import { useRouter } from 'vue-router';
import { loadPanelComponent } from '../extensions/load-panel';
import { useSessionStore } from '../stores/session';

export default defineComponent({
  name: 'PanelLoader',
  props: {
    panel: { type: Object as PropType<PanelContribution>, required: true },
    context: { type: Object as PropType<Record<string, unknown>>, required: true },
  },
  async setup(props) {
    const session = useSessionStore();
    const router = useRouter();
    const navigate = (path: string) => void router.push(path);
    // The slot's data is read-only all the way down (a panel must not mutate the page's state);
    // the host part (API client, user, permissions) is passed as is.
    const context = computed(() => {
      const slotData = Object.fromEntries(
        Object.entries(props.context).map(([key, value]) => [
          key,
          typeof value === 'object' && value !== null ? readonly(value) : value,
        ]),
      );
      const host = session.hostContext(navigate);
      return Object.freeze({
        ...slotData,
        ...(host ? { ...host, api: markRaw(host.api) } : {}),
      }) as unknown as PanelContext;
    });
    const info: PanelInfo = {
      pluginId: props.panel.pluginId,
      panelId: props.panel.id,
      slot: props.panel.slot,
      title: props.panel.title,
      get context() {
        return context.value;
      },
    };
    // Before the await: after it, this component is no longer the current instance.
    provide(PANEL_KEY, info);
    const component = await loadPanelComponent(props.panel);
    return () => h(component, { context: context.value });
  },
});
