/** The official Stripe client, pointed at `apiUrl` when set (tests run a local fake there). */
import Stripe from 'stripe';
import type { StripeBillingOptions } from './options.js';

export function createStripeClient(options: StripeBillingOptions): Stripe {
  const config: ConstructorParameters<typeof Stripe>[1] = { maxNetworkRetries: 2, timeout: 20_000 };
  if (options.apiUrl) {
    const url = new URL(options.apiUrl);
    config.host = url.hostname;
    config.protocol = url.protocol === 'http:' ? 'http' : 'https';
    config.port = Number(url.port || (url.protocol === 'http:' ? 80 : 443));
  }
  return new Stripe(options.secretKey, config);
}
