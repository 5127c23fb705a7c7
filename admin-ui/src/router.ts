import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { t } from './i18n';
import { useSessionStore } from './stores/session';
import DashboardView from './views/DashboardView.vue';
import NotFoundView from './views/NotFoundView.vue';

// The queue is the page agents land on most: in the entry chunk. The rest loads on demand.
import QueueView from './views/tickets/QueueView.vue';

/** Core pages; the side nav lists those with `meta.nav`, in this order. */
export const routes: RouteRecordRaw[] = [
  // Signed-out pages (links in e-mails carry their token in the #fragment).
  {
    path: '/sign-in',
    name: 'sign-in',
    component: () => import('./views/auth/SignInView.vue'),
    meta: { title: 'auth.signIn.title', public: true },
  },
  {
    path: '/sign-up',
    name: 'sign-up',
    component: () => import('./views/auth/SignUpView.vue'),
    meta: { title: 'auth.signUp.title', public: true },
  },
  {
    path: '/forgot-password',
    name: 'forgot-password',
    component: () => import('./views/auth/ForgotPasswordView.vue'),
    meta: { title: 'auth.forgot.title', public: true },
  },
  {
    path: '/reset-password',
    name: 'reset-password',
    component: () => import('./views/auth/ResetPasswordView.vue'),
    meta: { title: 'auth.reset.title', public: true },
  },
  {
    path: '/verify-email',
    name: 'verify-email',
    component: () => import('./views/auth/VerifyEmailView.vue'),
    meta: { title: 'auth.verify.title', public: true },
  },
  {
    path: '/accept-invitation',
    name: 'accept-invitation',
    component: () => import('./views/auth/AcceptInvitationView.vue'),
    meta: { title: 'auth.invitation.title', public: true },
  },

  // The workspace.
  {
    path: '/',
    name: 'dashboard',
    component: DashboardView,
    meta: { title: 'nav.dashboard', nav: 'dashboard' },
  },
  {
    path: '/tickets',
    name: 'tickets',
    component: QueueView,
    meta: { title: 'nav.tickets', nav: 'tickets', fullWidth: true },
  },
  {
    path: '/tickets/:id',
    name: 'ticket',
    component: () => import('./views/tickets/TicketView.vue'),
    props: true,
    meta: { title: 'nav.tickets', fullWidth: true },
  },
  {
    path: '/contacts',
    name: 'contacts',
    component: () => import('./views/contacts/ContactsView.vue'),
    meta: { title: 'nav.contacts', nav: 'contacts', permission: 'contacts:read' },
  },
  {
    path: '/contacts/:id',
    name: 'contact',
    component: () => import('./views/contacts/ContactView.vue'),
    props: true,
    meta: { title: 'nav.contacts', permission: 'contacts:read' },
  },
  {
    path: '/organizations',
    name: 'organizations',
    component: () => import('./views/contacts/OrganizationsView.vue'),
    meta: { title: 'nav.organizations', nav: 'organizations', permission: 'contacts:read' },
  },
  {
    path: '/settings',
    component: () => import('./views/settings/SettingsLayout.vue'),
    meta: { title: 'nav.settings', nav: 'settings' },
    children: [
      { path: '', name: 'settings', redirect: { name: 'settings-members' } },
      {
        path: 'members',
        name: 'settings-members',
        component: () => import('./views/settings/MembersView.vue'),
        meta: { title: 'settings.members.title', permission: 'members:read' },
      },
      {
        path: 'roles',
        name: 'settings-roles',
        component: () => import('./views/settings/RolesView.vue'),
        meta: { title: 'settings.roles.title', permission: 'roles:manage' },
      },
      {
        path: 'teams',
        name: 'settings-teams',
        component: () => import('./views/settings/TeamsView.vue'),
        meta: { title: 'settings.teams.title', permission: 'members:read' },
      },
      {
        path: 'inboxes',
        name: 'settings-inboxes',
        component: () => import('./views/settings/InboxesView.vue'),
        meta: { title: 'settings.inboxes.title', permission: 'settings:manage' },
      },
      {
        path: 'fields',
        name: 'settings-fields',
        component: () => import('./views/settings/FieldsView.vue'),
        meta: { title: 'settings.fields.title', permission: 'settings:manage' },
      },
      {
        path: 'views',
        name: 'settings-views',
        component: () => import('./views/settings/ViewsView.vue'),
        meta: { title: 'settings.views.title', permission: 'tickets:read' },
      },
      {
        path: 'webhooks',
        name: 'settings-webhooks',
        component: () => import('./views/settings/WebhooksView.vue'),
        meta: { title: 'settings.webhooks.title', permission: 'settings:manage' },
      },
      {
        path: 'api-keys',
        name: 'settings-api-keys',
        component: () => import('./views/settings/ApiKeysView.vue'),
        meta: { title: 'settings.apiKeys.title', permission: 'settings:manage' },
      },
      {
        path: 'audit',
        name: 'settings-audit',
        component: () => import('./views/settings/AuditView.vue'),
        meta: { title: 'settings.audit.title', permission: 'audit:read' },
      },
      {
        path: 'plugins',
        name: 'settings-plugins',
        component: () => import('./views/settings/PluginsView.vue'),
        meta: { title: 'settings.plugins.title', permission: 'system:read' },
      },
      {
        path: 'plugins/:pluginId',
        name: 'settings-plugin',
        component: () => import('./views/settings/PluginSettingsView.vue'),
        props: true,
        meta: { title: 'settings.plugins.title', permission: 'system:read' },
      },
      {
        path: 'pages/:pluginId/:panelId',
        name: 'settings-plugin-page',
        component: () => import('./views/PluginPageView.vue'),
        props: (route) => ({ ...route.params, slot: 'settings.pages' }),
        meta: { title: 'settings.plugins.title' },
      },
    ],
  },
  {
    path: '/system',
    name: 'system',
    component: () => import('./views/SystemView.vue'),
    meta: { title: 'nav.system', nav: 'system', permission: 'system:read' },
  },
  // A panel contributed to `nav` is a page of its own: its nav entry links here.
  {
    path: '/plugins/:pluginId/:panelId',
    name: 'plugin-page',
    component: () => import('./views/PluginPageView.vue'),
    props: (route) => ({ ...route.params, slot: 'nav' }),
    meta: { title: 'nav.plugin' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: NotFoundView,
    meta: { title: 'notFound.title', public: true },
  },
];

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
});

// Signed-out visitors see the sign-in page, and come back where they wanted to go.
router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  const session = useSessionStore();
  await session.ensureLoaded();
  if (session.status !== 'signedIn') {
    return { name: 'sign-in', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  }
  return true;
});

router.afterEach((to) => {
  const key = [...to.matched].reverse().find((r) => r.meta.title)?.meta.title;
  document.title = key ? `${t(key)} · NovumDesk` : 'NovumDesk';
});

declare module 'vue-router' {
  interface RouteMeta {
    /** Catalogue key of the page title. */
    title?: string;
    /** Listed in the side nav, with this icon. */
    nav?: string;
    /** Reachable signed out. */
    public?: boolean;
    /** Needed to see the page (the nav hides it otherwise; the API refuses anyway). */
    permission?: string;
    /** No max-width on the content (the queue, the ticket page). */
    fullWidth?: boolean;
  }
}
