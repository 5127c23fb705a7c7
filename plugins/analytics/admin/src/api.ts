/** Types and helpers shared by the panels: the report API's shapes, dates and durations. */
export const BASE = '/api/p/analytics';

export interface VolumeRow {
  period: string;
  group: string | null;
  created: number;
  solved: number;
  reopened: number;
  replies: number;
}
export type VolumeTotals = Omit<VolumeRow, 'period' | 'group'>;
export interface VolumeReport {
  rows: VolumeRow[];
  totals: VolumeTotals;
  previous?: { from: string; to: string; rows: VolumeRow[]; totals: VolumeTotals };
}
export interface Percentiles {
  count: number;
  median: number | null;
  p90: number | null;
}
export interface TimesRow {
  period: string;
  group: string | null;
  firstResponse: Percentiles;
  resolution: Percentiles;
  repliesPerSolved: number | null;
}
export interface TimesReport {
  /** Percentiles from the daily histograms (within 10 %) rather than exact. */
  approximate: boolean;
  rows: TimesRow[];
  totals: Omit<TimesRow, 'period' | 'group'>;
}
export interface DrillItem {
  ticketId: string;
  number: number;
  at: string;
  agentId: string | null;
  seconds: number | null;
}

export const METRICS = ['created', 'solved', 'reopened', 'replies'] as const;
export type Metric = (typeof METRICS)[number];
export const METRIC_LABELS: Record<Metric, string> = {
  created: 'Created',
  solved: 'Solved',
  reopened: 'Reopened',
  replies: 'Agent replies',
};

export const localTimeZone = (): string =>
  Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Today in `timeZone`, as YYYY-MM-DD. */
export function today(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The last day of the period starting `start` (clipped to `to`). */
export function periodEnd(start: string, interval: 'day' | 'week' | 'month', to: string): string {
  let end = start;
  if (interval === 'week') end = addDays(start, 6);
  if (interval === 'month') {
    const d = new Date(`${start}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + 1, 0);
    end = d.toISOString().slice(0, 10);
  }
  return end < to ? end : to;
}

/** 5400 → "1 h 30 min" */
export function duration(seconds: number | null): string {
  if (seconds == null) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}

/**
 * Usage events from the panels, batched: the server stores them only with consent (and never
 * with DNT/GPC or after an objection); the status is asked once, so nothing is even sent when
 * recording is off.
 */
type Api = { get<T>(path: string): Promise<T>; post<T>(path: string, body?: unknown): Promise<T> };
let recording: Promise<boolean> | undefined;
const queue: { type: 'page_view' | 'action'; name: string; occurredAt: string }[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;

export function track(api: Api, type: 'page_view' | 'action', name: string): void {
  recording ??= api
    .get<{ recording: boolean }>(`${BASE}/usage/status`)
    .then((s) => s.recording)
    .catch(() => false);
  queue.push({ type, name, occurredAt: new Date().toISOString() });
  timer ??= setTimeout(() => {
    timer = undefined;
    const events = queue.splice(0, 100);
    void recording
      ?.then((on) => (on ? api.post(`${BASE}/usage/events`, { events }) : undefined))
      .catch(() => undefined);
  }, 2000);
}
