/** The billing API's shapes the panels read (see docs/billing.md, "HTTP API"). */
export interface Entitlements {
  source: 'unlimited' | 'plan';
  planId: string | null;
  status: string;
  features: string[];
  limits: Record<string, number | null>;
  readOnly: boolean;
  readOnlyReason: string | null;
  graceUntil: string | null;
  usage: { seats: number; inboxes: number };
  overage: { limit: string; allowed: number; used: number }[];
}

export interface Plan {
  id: string;
  name: string;
  providerId: string;
  currency: string;
  unitAmount: number;
  interval: 'month' | 'year';
  trialDays: number;
  limits: Record<string, number | null>;
}

export interface Subscription {
  providerId: string;
  planId: string;
  status: string;
  seats: number;
  currentPeriodEnd: string | null;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  pastDueSince: string | null;
}

export interface Overview {
  subscription: Subscription | null;
  plan: Plan | null;
  entitlements: Entitlements;
  capabilities: { checkout: boolean; portal: boolean; invoices: boolean };
}

export interface Invoice {
  id: string;
  number: string | null;
  status: string;
  currency: string;
  total: number;
  createdAt: string;
  url: string | null;
}

export interface Contact {
  name: string | null;
  email: string | null;
  address: {
    line1: string | null;
    line2: string | null;
    postalCode: string | null;
    city: string | null;
    region: string | null;
    country: string | null;
  };
  vatId: string | null;
}

/** Minor units as money: `1900`, `eur` → `€19.00`. */
export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: currency.toUpperCase(),
  }).format(amount / 100);
}

export const day = (iso: string | null): string => (iso ? new Date(iso).toLocaleDateString() : '—');

export function statusBadge(status: string, readOnly: boolean): string {
  if (readOnly || status === 'unpaid' || status === 'canceled') return 'badge badge--bad';
  if (status === 'past_due' || status === 'incomplete' || status === 'paused')
    return 'badge badge--warn';
  if (status === 'active' || status === 'trialing' || status === 'none') return 'badge badge--ok';
  return 'badge badge--neutral';
}
