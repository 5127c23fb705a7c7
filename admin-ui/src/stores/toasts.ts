/** Short messages at the corner of the screen ("3 tickets closed", "Could not save: …"). */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface Toast {
  id: number;
  tone: 'info' | 'ok' | 'bad';
  text: string;
}

export const useToastsStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([]);
  let next = 1;

  function push(text: string, tone: Toast['tone'] = 'info', ms = 5000): void {
    const id = next++;
    toasts.value.push({ id, tone, text });
    setTimeout(() => dismiss(id), ms);
  }

  function dismiss(id: number): void {
    toasts.value = toasts.value.filter((toast) => toast.id !== id);
  }

  return { toasts, push, dismiss };
});
