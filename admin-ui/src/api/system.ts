/** Response shapes of the public endpoints the System page reads (see docs/api.md). */
import type { NovumApi } from '@novumdesk/admin-sdk';

export interface Liveness {
  status: 'ok';
  version: string;
  uptimeSeconds: number;
}

export interface Readiness {
  status: 'ready' | 'not_ready';
  checks: {
    database: { ok: boolean; latencyMs?: number; error?: string };
    migrations: { ok: boolean; pending: string[] };
  };
}

export interface Meta {
  name: string;
  version: string;
}

export interface PluginStatus {
  id: string;
  version: string;
  description?: string;
  status: string;
  builtin: boolean;
  dependsOn: string[];
}

export const systemApi = (api: NovumApi) => ({
  liveness: (signal: AbortSignal) => api.get<Liveness>('/healthz', { signal }),
  // "Not ready" is a 503 with the same body: data to show, not a failure.
  readiness: (signal: AbortSignal) =>
    api.get<Readiness>('/readyz', { signal, acceptStatus: [503] }),
  meta: (signal: AbortSignal) => api.get<Meta>('/api/v1/meta', { signal }),
  plugins: (signal: AbortSignal) => api.get<PluginStatus[]>('/api/v1/system/plugins', { signal }),
});

/** `93784` → `1 d 2 h`; `125` → `2 min 5 s`. Two units are enough at a glance. */
export function formatUptime(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(seconds));
  for (const [label, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || (parts.length === 0 && size === 1)) parts.push(`${n} ${label}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
