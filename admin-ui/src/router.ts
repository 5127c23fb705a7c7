import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import DashboardView from './views/DashboardView.vue';
import NotFoundView from './views/NotFoundView.vue';
import PluginPageView from './views/PluginPageView.vue';
import SystemView from './views/SystemView.vue';

/** Core pages, in nav order; the side nav is built from the entries with `meta.nav`. */
export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'dashboard',
    component: DashboardView,
    meta: { title: 'Dashboard', nav: true },
  },
  { path: '/system', name: 'system', component: SystemView, meta: { title: 'System', nav: true } },
  // A panel contributed to `nav` is a page of its own: its nav entry links here.
  {
    path: '/plugins/:pluginId/:panelId',
    name: 'plugin-page',
    component: PluginPageView,
    props: true,
    meta: { title: 'Plugin' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: NotFoundView,
    meta: { title: 'Not found' },
  },
];

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
});

router.afterEach((to) => {
  const title = typeof to.meta.title === 'string' ? to.meta.title : undefined;
  document.title = title ? `${title} · NovumDesk admin` : 'NovumDesk admin';
});

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Listed in the side nav. */
    nav?: boolean;
  }
}
