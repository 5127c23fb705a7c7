import { NOVUM_API_KEY } from '@novumdesk/admin-sdk';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { hostApi } from './api/client';
import { setLanguage } from './i18n';
import { router } from './router';
import './styles/main.css';

setLanguage(navigator.language);
createApp(App)
  .use(createPinia())
  .use(router)
  // Plugin panels and SDK composables (`useNovumApi()`) get the session-aware client.
  .provide(NOVUM_API_KEY, hostApi)
  .mount('#app');
