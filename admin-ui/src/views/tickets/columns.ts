/** The queue's columns: which exist, which are shown (remembered per browser). */
import { ref, watch } from 'vue';
import type { SortField } from '../../stores/queue';

export type ColumnId =
  | 'number'
  | 'subject'
  | 'status'
  | 'priority'
  | 'assignee'
  | 'team'
  | 'tags'
  | 'channel'
  | 'updatedAt'
  | 'createdAt';

export interface Column {
  id: ColumnId;
  /** Catalogue key of the header. */
  label: string;
  sort?: SortField;
  /** CSS grid track. */
  width: string;
}

export const COLUMNS: readonly Column[] = [
  { id: 'number', label: 'queue.col.number', sort: 'number', width: '5.5rem' },
  { id: 'subject', label: 'queue.col.subject', sort: 'subject', width: 'minmax(10rem, 1fr)' },
  { id: 'status', label: 'queue.col.status', sort: 'status', width: '7rem' },
  { id: 'priority', label: 'queue.col.priority', sort: 'priority', width: '6.5rem' },
  { id: 'assignee', label: 'queue.col.assignee', width: '9rem' },
  { id: 'team', label: 'queue.col.team', width: '8rem' },
  { id: 'tags', label: 'queue.col.tags', width: '9rem' },
  { id: 'channel', label: 'queue.col.channel', width: '6rem' },
  { id: 'updatedAt', label: 'queue.col.updated', sort: 'updatedAt', width: '8rem' },
  { id: 'createdAt', label: 'queue.col.created', sort: 'createdAt', width: '8.5rem' },
];

const DEFAULT: ColumnId[] = ['number', 'subject', 'status', 'priority', 'assignee', 'updatedAt'];
const KEY = 'novumdesk.queue.columns';

function read(): ColumnId[] {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? 'null') as unknown;
    if (Array.isArray(raw)) {
      const ids = raw.filter((id): id is ColumnId => COLUMNS.some((c) => c.id === id));
      if (ids.length) return ids;
    }
  } catch {
    // fall through
  }
  return [...DEFAULT];
}

const visible = ref<ColumnId[]>(typeof localStorage === 'undefined' ? [...DEFAULT] : read());
watch(visible, (ids) => {
  try {
    localStorage.setItem(KEY, JSON.stringify(ids));
  } catch {
    // not persisted
  }
});

export function useColumns() {
  function toggle(id: ColumnId): void {
    if (id === 'subject') return; // always shown
    visible.value = visible.value.includes(id)
      ? visible.value.filter((c) => c !== id)
      : COLUMNS.map((c) => c.id).filter((c) => c === id || visible.value.includes(c));
  }
  return { visible, toggle };
}
