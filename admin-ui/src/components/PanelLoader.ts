/**
 * Imports one panel's module and renders its component. The setup is async, so it must sit
 * inside `<Suspense>` (PanelBoundary); a failed import rejects the setup and reaches the
 * boundary's `onErrorCaptured` like any render error.
 */
import { PANEL_KEY, type PanelContribution, type PanelInfo } from '@novumdesk/admin-sdk';
import { computed, defineComponent, h, provide, readonly, type PropType } from 'vue';
import { loadPanelComponent } from '../extensions/load-panel';

export default defineComponent({
  name: 'PanelLoader',
  props: {
    panel: { type: Object as PropType<PanelContribution>, required: true },
    context: { type: Object as PropType<Record<string, unknown>>, required: true },
  },
  async setup(props) {
    // Read-only all the way down: a panel must not mutate the page's state through its context.
    const context = computed(() => readonly(props.context));
    const info: PanelInfo = {
      pluginId: props.panel.pluginId,
      panelId: props.panel.id,
      slot: props.panel.slot,
      title: props.panel.title,
      get context() {
        return context.value as PanelInfo['context'];
      },
    };
    // Before the await: after it, this component is no longer the current instance.
    provide(PANEL_KEY, info);
    const component = await loadPanelComponent(props.panel);
    return () => h(component, { context: context.value });
  },
});
