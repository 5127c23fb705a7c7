/**
 * A local stand-in for the parts of the Stripe API this plugin calls, following Stripe's
 * documented wire format for API version `STRIPE_FAKE_API_VERSION`: form-encoded request bodies
 * (`a[b][0][c]=…`), JSON objects carrying `object`, `id` and `livemode`, lists as
 * `{ object: 'list', data, has_more, url }`, and errors as `{ error: { type, code, message, param } }`
 * with the matching HTTP status. Driven by the real `stripe` client (host/port/protocol options);
 * tests change the fake's state the way Stripe would and sign events with
 * `stripe.webhooks.generateTestHeaderString`.
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export const STRIPE_FAKE_API_VERSION = '2026-10-28.endive';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

/** `a[b][0][c]=1&d=2` → `{ a: { b: [{ c: '1' }] }, d: '2' }` (Stripe's form encoding). */
export function parseForm(body: string): Obj {
  const out: Obj = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const parts = rawKey.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node: Obj = out;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '');
      if (last) node[part] = value;
      else node = node[part] ??= nextIsIndex ? [] : {};
    });
  }
  return out;
}

export class StripeFake {
  readonly customers = new Map<string, Obj>();
  readonly subscriptions = new Map<string, Obj>();
  readonly checkoutSessions = new Map<string, Obj>();
  readonly invoices = new Map<string, Obj>();
  readonly requests: { method: string; path: string; body: Obj; version: string | undefined }[] =
    [];
  private server: Server | null = null;
  url = '';

  constructor(readonly secretKey = 'sk_test_fake') {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const reply = (status: number, json: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
          res.end(JSON.stringify(json));
        };
        if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
          return reply(401, {
            error: { type: 'invalid_request_error', message: 'Invalid API Key provided' },
          });
        }
        const url = new URL(req.url ?? '/', 'http://fake');
        const form = parseForm(req.method === 'GET' ? url.search.slice(1) : body);
        this.requests.push({
          method: req.method ?? '',
          path: url.pathname,
          body: form,
          version: req.headers['stripe-version'] as string | undefined,
        });
        const [status, json] = this.route(req.method ?? 'GET', url.pathname, form);
        reply(status, json);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    // The Stripe client keeps connections alive: close them, or the server waits for them.
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private missing(what: string, param = 'id'): [number, Obj] {
    return [
      404,
      {
        error: {
          type: 'invalid_request_error',
          code: 'resource_missing',
          message: `No such ${what}`,
          param,
        },
      },
    ];
  }

  private route(method: string, path: string, form: Obj): [number, Obj] {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/v1/customers') {
      const customer = {
        id: id('cus'),
        object: 'customer',
        livemode: false,
        created: now(),
        email: form.email ?? null,
        name: form.name ?? null,
        metadata: form.metadata ?? {},
      };
      this.customers.set(customer.id, customer);
      return [200, customer];
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      if (!form.line_items?.[0]?.price) {
        return [
          400,
          {
            error: {
              type: 'invalid_request_error',
              message: 'Missing required param: line_items[0][price].',
              param: 'line_items[0][price]',
            },
          },
        ];
      }
      const session = {
        id: id('cs_test'),
        object: 'checkout.session',
        livemode: false,
        mode: form.mode,
        customer: form.customer ?? null,
        client_reference_id: form.client_reference_id ?? null,
        metadata: form.metadata ?? {},
        subscription: null,
        status: 'open',
        success_url: form.success_url,
        cancel_url: form.cancel_url,
        line_items_requested: form.line_items,
        subscription_data: form.subscription_data ?? {},
        url: `https://checkout.stripe.test/c/pay/${id('cs_test')}`,
      };
      this.checkoutSessions.set(session.id, session);
      return [200, session];
    }
    if (method === 'POST' && path === '/v1/billing_portal/sessions') {
      if (!this.customers.has(form.customer)) return this.missing('customer', 'customer');
      return [
        200,
        {
          id: id('bps'),
          object: 'billing_portal.session',
          livemode: false,
          customer: form.customer,
          return_url: form.return_url,
          url: `https://billing.stripe.test/p/session/${id('test')}`,
        },
      ];
    }
    if ((m = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const sub = this.subscriptions.get(m[1]!);
      if (!sub) return this.missing('subscription');
      if (method === 'POST') {
        for (const item of (form.items ?? []) as Obj[]) {
          const target = sub.items.data.find((i: Obj) => i.id === item.id);
          if (target && item.quantity) target.quantity = Number(item.quantity);
        }
        if (form.cancel_at_period_end)
          sub.cancel_at_period_end = form.cancel_at_period_end === 'true';
      }
      return [200, sub];
    }
    if (method === 'GET' && path === '/v1/invoices') {
      const data = [...this.invoices.values()].filter((i) => i.customer === form.customer);
      return [200, { object: 'list', data, has_more: false, url: '/v1/invoices' }];
    }
    return [
      404,
      {
        error: {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${method}: ${path})`,
        },
      },
    ];
  }

  /** What Stripe does when a checkout completes: a subscription for the session's customer. */
  completeCheckout(sessionId: string, status = 'active'): { session: Obj; subscription: Obj } {
    const session = this.checkoutSessions.get(sessionId)!;
    const line = session.line_items_requested[0];
    const subscription = this.createSubscription({
      customer: session.customer,
      price: line.price,
      quantity: Number(line.quantity ?? 1),
      status,
      metadata: session.subscription_data.metadata ?? {},
    });
    Object.assign(session, { status: 'complete', subscription: subscription.id });
    return { session, subscription };
  }

  createSubscription(input: {
    customer: string;
    price: string;
    quantity: number;
    status: string;
    metadata?: Obj;
  }): Obj {
    const start = now();
    const subscription = {
      id: id('sub'),
      object: 'subscription',
      livemode: false,
      created: start,
      customer: input.customer,
      status: input.status,
      cancel_at_period_end: false,
      canceled_at: null,
      trial_end: input.status === 'trialing' ? start + 14 * 86400 : null,
      metadata: input.metadata ?? {},
      items: {
        object: 'list',
        has_more: false,
        url: '/v1/subscription_items',
        data: [
          {
            id: id('si'),
            object: 'subscription_item',
            quantity: input.quantity,
            current_period_start: start,
            current_period_end: start + 30 * 86400,
            price: {
              id: input.price,
              object: 'price',
              livemode: false,
              currency: 'eur',
              unit_amount: 1900,
            },
          },
        ],
      },
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  invoice(subscription: Obj, status: 'paid' | 'open'): Obj {
    const invoice = {
      id: id('in'),
      object: 'invoice',
      livemode: false,
      created: now(),
      customer: subscription.customer,
      currency: 'eur',
      total: 1900 * subscription.items.data[0].quantity,
      status,
      number: `NOV-${this.invoices.size + 1}`,
      hosted_invoice_url: `https://invoice.stripe.test/i/${id('test')}`,
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subscription.id, metadata: subscription.metadata },
      },
    };
    this.invoices.set(invoice.id, invoice);
    return invoice;
  }

  /** A webhook Event object (not signed: tests sign its JSON). */
  event(type: string, object: Obj, created = now()): Obj {
    return {
      id: id('evt'),
      object: 'event',
      api_version: STRIPE_FAKE_API_VERSION,
      created,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: JSON.parse(JSON.stringify(object)) },
    };
  }
}
