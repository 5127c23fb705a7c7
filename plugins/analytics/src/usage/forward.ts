/**
 * Optional forwarding of consented usage events to a self-hosted Plausible- or Umami-style
 * collector, off unless the operator sets `forwarding`. Runs as a job (the outbox: committed
 * with the batch, retried with backoff). Only the event type, name and time leave the server:
 * no user id, IP address, country or user agent.
 */
import type { ForwardingOptions } from '../options.js';

export interface ForwardedEvent {
  type: 'page_view' | 'action';
  name: string;
  occurredAt: string;
}

export function collectorBody(options: ForwardingOptions, event: ForwardedEvent): unknown {
  const url = `app://novumdesk/${event.name.replace(/\./g, '/')}`;
  if (options.format === 'umami') {
    return {
      type: 'event',
      payload: {
        website: options.site,
        url,
        ...(event.type === 'action' ? { name: event.name } : {}),
      },
    };
  }
  return { name: event.type === 'page_view' ? 'pageview' : event.name, url, domain: options.site };
}

export async function forward(
  options: ForwardingOptions,
  events: readonly ForwardedEvent[],
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  for (const event of events) {
    const res = await fetchImpl(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'NovumDesk analytics forwarder',
      },
      body: JSON.stringify(collectorBody(options, event)),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok && res.status >= 500) throw new Error(`collector answered ${res.status}`);
  }
}
