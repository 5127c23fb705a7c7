/**
 * Light / dark / follow-the-system theme, remembered per browser. The stylesheet reads
 * `<html data-theme="light|dark">`; without it, `prefers-color-scheme` decides.
 */
import { ref, watch } from 'vue';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'novumdesk.theme';

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

const theme = ref<ThemeChoice>(typeof localStorage === 'undefined' ? 'system' : stored());

function apply(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}

watch(
  theme,
  (choice) => {
    if (typeof document !== 'undefined') apply(choice);
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  },
  { immediate: true },
);

export function useTheme() {
  const cycle = () => {
    theme.value = theme.value === 'system' ? 'dark' : theme.value === 'dark' ? 'light' : 'system';
  };
  return { theme, cycle };
}
