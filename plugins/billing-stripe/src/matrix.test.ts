/** The Stripe provider's routes in the shipped authorization matrix. */
import type { MatrixContribution } from '@novumdesk/core/testing';
import billingStripe from './index.js';

export const matrix: MatrixContribution = {
  plugins: [
    billingStripe({
      secretKey: 'sk_test_matrix',
      webhookSecret: 'whsec_matrix_secret',
      // Nothing listens there: the matrix never reaches Stripe.
      apiUrl: 'http://127.0.0.1:9',
      plans: [{ id: 'matrix-team', name: 'Team', stripePriceId: 'price_matrix' }],
      adminPanels: false, // runs from sources: no built bundle needed
    }),
  ],
  expectations: {
    // Public and signed: authenticity comes from the Stripe signature, not a session.
    'POST /api/p/billing-stripe/webhooks': { access: 'public' },
  },
};
