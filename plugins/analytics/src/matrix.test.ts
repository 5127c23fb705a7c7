/**
 * The analytics plugin's part of the authorization matrix
 * (core/src/security-tests/authorization-matrix.spec.ts). No route takes a path id: every
 * report and usage route works on the caller's workspace (and person) only, which the matrix's
 * list check and reports.spec.ts / usage.spec.ts ("is isolated per workspace") attack.
 */
import type { MatrixContribution } from '@novumdesk/core/testing';
import analytics from './index.js';

const read = { permission: 'reports:read' } as const;
const P = '/api/p/analytics';

export const matrix: MatrixContribution = {
  plugins: [analytics()],
  expectations: {
    [`GET ${P}/reports/volume`]: { access: read },
    [`GET ${P}/reports/volume.csv`]: { access: read },
    [`GET ${P}/reports/times`]: { access: read },
    [`GET ${P}/reports/times.csv`]: { access: read },
    [`GET ${P}/reports/backlog`]: { access: read },
    [`GET ${P}/reports/backlog.csv`]: { access: read },
    [`GET ${P}/reports/tickets`]: { access: read },
    [`POST ${P}/reports/rebuild`]: { access: { permission: 'analytics:manage' } },
    [`GET ${P}/reports/rebuild`]: { access: read },
    [`POST ${P}/usage/events`]: { access: 'authenticated' },
    [`GET ${P}/usage/status`]: { access: 'authenticated' },
    [`POST ${P}/usage/objection`]: { access: 'authenticated' },
    [`DELETE ${P}/usage/objection`]: { access: 'authenticated' },
    [`GET ${P}/usage/features`]: { access: read },
    [`GET ${P}/operator/feature-usage`]: { access: { permission: 'system:read' } },
    [`GET ${P}/sub-processors`]: { access: 'authenticated' },
  },
};
