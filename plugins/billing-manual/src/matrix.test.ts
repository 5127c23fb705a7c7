/** The manual provider's routes in the shipped authorization matrix. */
import type { MatrixContribution } from '@novumdesk/core/testing';
import billingManual from './index.js';

const operatorOnly =
  'an operator route (system:manage): the path names any workspace by design; workspace owners get 403';

export const matrix: MatrixContribution = {
  plugins: [billingManual()],
  expectations: {
    'PUT /api/p/billing-manual/workspaces/{workspaceId}/subscription': {
      access: { permission: 'system:manage' },
      notAWorkspaceResource: operatorOnly,
    },
    'DELETE /api/p/billing-manual/workspaces/{workspaceId}/subscription': {
      access: { permission: 'system:manage' },
      notAWorkspaceResource: operatorOnly,
    },
  },
};
