// The benchmark scenarios. Each compares one NovumDesk request with a baseline route of the bare
// Koa + pg server (baseline.mjs) measured in the same run, so machine noise cancels out.
//
// {
//   name: 'kebab-case',                 // --only name
//   description: '…',
//   scale: true,                        // optional: a large-data scenario, runs only with --scale
//   seeds: ['tickets-100k'],            // optional: seeds (bench/seed/) to ensure before it runs
//   baseline: { path: '/plain' },       // '/plain' (tiny JSON) or '/db' (one SELECT 1 via pg Pool)
//   novumdesk: {
//     method: 'GET', path: '/healthz', headers: {…}, body: '…' | object,
//     // optional, runs once before warm-up; may return { path, headers, body } overrides,
//     // e.g. an Authorization header for a user it created through ctx.hd.
//     async setup(ctx /* { hd, url, database, admin: { email, password } } */) { return { headers: {} }; },
//   },
// }
//
// Keep the default set (scale: false) small: each scenario costs warm-up + duration seconds.

/** Signs in as the bench owner; returns the headers an authenticated scenario sends. */
async function signIn({ url, admin }) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: admin.email, password: admin.password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { accessToken } = await res.json();
  return { authorization: `Bearer ${accessToken}` };
}

const ticketBody = {
  subject: 'The printer is on fire',
  requester: { email: 'bench-requester@example.com', name: 'Bench Requester' },
  priority: 'high',
  tags: ['bench'],
  message: { body: 'Smoke is coming out of tray 2. Please advise.' },
};

/** @type {import('./types.js').Scenario[]} */
export const scenarios = [
  {
    name: 'healthz',
    description: 'liveness probe vs a bare Koa JSON route',
    baseline: { path: '/plain' },
    novumdesk: { method: 'GET', path: '/healthz' },
  },
  {
    name: 'json-route',
    description: 'a small public JSON route through the full middleware stack',
    baseline: { path: '/plain' },
    novumdesk: { method: 'GET', path: '/api/v1/meta' },
  },
  {
    name: 'authenticated',
    description:
      'GET /api/v1/me with a bearer token (token check, session, user, membership and role read in a workspace transaction) vs one SELECT through pg',
    baseline: { path: '/db' },
    novumdesk: {
      method: 'GET',
      path: '/api/v1/me',
      async setup(ctx) {
        return { headers: await signIn(ctx) };
      },
    },
  },
  {
    name: 'create-ticket',
    description:
      'POST /api/v1/tickets (authenticated, validated, hooks, number counter, message, timeline, outbox event) vs an INSERT … RETURNING + SELECT',
    baseline: { path: '/write', method: 'POST' },
    novumdesk: {
      method: 'POST',
      path: '/api/v1/tickets',
      body: ticketBody,
      async setup(ctx) {
        return { headers: await signIn(ctx) };
      },
    },
  },
  {
    name: 'get-ticket',
    description: 'GET /api/v1/tickets/:id with its latest timeline items vs one SELECT',
    baseline: { path: '/db' },
    novumdesk: {
      method: 'GET',
      path: '/api/v1/tickets/(set by setup)',
      async setup(ctx) {
        const headers = await signIn(ctx);
        const res = await fetch(`${ctx.url}/api/v1/tickets`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(ticketBody),
        });
        if (!res.ok) throw new Error(`creating a ticket failed: ${res.status} ${await res.text()}`);
        const { id } = await res.json();
        return { path: `/api/v1/tickets/${id}`, headers };
      },
    },
  },
  {
    name: 'list-tickets',
    description:
      'GET /api/v1/tickets?status=new&limit=25 (a filtered view, keyset page) vs one SELECT',
    baseline: { path: '/db' },
    novumdesk: {
      method: 'GET',
      path: '/api/v1/tickets?status=new&limit=25',
      async setup(ctx) {
        return { headers: await signIn(ctx) };
      },
    },
  },
];

// --- Scale scenarios (--scale): the `tickets-1m` seed, latency at a few connections ----------
// Each rotates through several requests (filters, search terms) so no single cached plan or
// page is measured, and reports p95 over every response of the run.

const scale = await import('../seed/tickets-1m.mjs');
const vocabulary = scale.VOCABULARY;
/** Search terms of several frequencies: tail words, a common word with a tail word, a prefix,
 * a reference number (matches 20 messages), a phrase. */
const searchTerms = [
  vocabulary[3000],
  vocabulary[2500],
  vocabulary[2000],
  `${vocabulary[1500]} ${vocabulary[2800]}`,
  `${vocabulary[10]} ${vocabulary[2900]}`,
  vocabulary[1800].slice(0, 4),
  'reference 123457',
  `"${vocabulary[2200]} ${vocabulary[2201]}"`,
  vocabulary[1200],
  vocabulary[2700],
].map((q) => `/api/v1/search?type=tickets&limit=20&q=${encodeURIComponent(q)}`);
const contactTerms = [
  'olivia smith',
  'kowalski',
  'hiroshi tana',
  'liam.garcia1',
  'org17.example',
  'priya sharma',
  'astrid',
  'mensah',
].map((q) => `/api/v1/search?type=contacts&limit=20&q=${encodeURIComponent(q)}`);
const listPaths = [
  '/api/v1/tickets?status=open&limit=25',
  '/api/v1/tickets?status=pending&limit=25',
  '/api/v1/tickets?status=new&limit=25',
  '/api/v1/tickets?tag=billing&limit=25',
  '/api/v1/tickets?status=on_hold&limit=25',
  '/api/v1/tickets?limit=25',
];

const withOwner = (paths) => ({
  method: 'GET',
  path: paths[0],
  async setup(ctx) {
    const headers = await signIn(ctx);
    const me = await (await fetch(`${ctx.url}/api/v1/me`, { headers })).json();
    const userId = me.user?.id;
    const extra = paths.slice(1);
    // The owner is the seeded assignee of every fourth ticket (each of them new, on_hold or
    // closed in the tickets-1m data): one filtered list by assignee.
    if (userId && paths === listPaths)
      extra.push(`/api/v1/tickets?assigneeId=${userId}&status=new&limit=25`);
    return { headers, paths: extra };
  },
});

scenarios.push(
  {
    name: 'list-tickets-1m',
    description:
      'filtered ticket lists (status, tag, assignee; keyset page of 25) at 1,000,000 tickets, 4 connections',
    scale: true,
    seeds: ['tickets-1m'],
    connections: 4,
    baseline: { path: '/db' },
    novumdesk: withOwner(listPaths),
  },
  {
    name: 'search-tickets-1m',
    description:
      'full-text search (subjects, 5,000,000 messages and notes; ranked, highlighted) at 1,000,000 tickets, 4 connections',
    scale: true,
    seeds: ['tickets-1m'],
    connections: 4,
    baseline: { path: '/db' },
    novumdesk: withOwner(searchTerms),
  },
  {
    name: 'search-contacts-1m',
    description:
      'contact search (fuzzy names, email prefixes and fragments) at 200,000 contacts, 4 connections',
    scale: true,
    seeds: ['tickets-1m'],
    connections: 4,
    baseline: { path: '/db' },
    novumdesk: withOwner(contactTerms),
  },
);
