#!/usr/bin/env node
// The entitlement check's cost on the create-ticket path: POST /api/v1/tickets requests/s of
// three helpdesks measured in the same run, in alternating rounds (so machine drift cancels):
//   without   the core modules, billing module loaded but no provider (unlimited, no lookup);
//   cached    plus billing-manual (self-hosted plan): the read-only check reads the entitlements
//             cache (default 5 s per workspace);
//   uncached  plus billing-manual with the cache off: one subscription lookup per create.
// Needs `npx tsc -b core plugins/billing-manual` first (runs the built packages). PostgreSQL at
// NOVUMDESK_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
//
//   node plugins/billing-manual/bench/create-ticket.mjs [--seconds 8] [--rounds 3] [--connections 20]
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import autocannon from 'autocannon';
import {
  billingModule,
  createHelpdesk,
  defaultModules,
  identityModule,
  toPluginInstance,
} from '@novumdesk/core';
import { TEST_SECRET, createTestDatabase } from '@novumdesk/core/testing';
import billingManual from '@novumdesk/plugin-billing-manual';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
  },
});
process.env.NOVUMDESK_TEST_DB = 'postgres';
const ADMIN = { email: 'bench@example.com', password: 'bench-Pa55-word-1' };

function modules(billingOptions) {
  return defaultModules.map((entry) => {
    const id = toPluginInstance(entry)?.plugin.id;
    if (id === 'identity') return identityModule({ bootstrapAdmin: true });
    if (id === 'billing') return billingModule(billingOptions);
    return entry;
  });
}

async function start(name, { plugins = [], billing = {} }) {
  const db = await createTestDatabase('postgres');
  const hd = await createHelpdesk({
    logger: pino({ level: 'silent' }),
    modules: modules(billing),
    plugins,
    config: {
      port: 0,
      secret: TEST_SECRET,
      admin: ADMIN,
      database: { url: db.url, autoMigrate: true },
    },
  });
  await hd.start();
  const login = await fetch(`${hd.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const { accessToken } = await login.json();
  return {
    name,
    hd,
    db,
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
  };
}

const body = JSON.stringify({
  subject: 'The printer is on fire',
  requester: { email: 'bench-requester@example.com' },
  message: { body: 'Smoke is coming out of tray 2.' },
});

async function measure(target, seconds) {
  const result = await autocannon({
    url: `${target.hd.url}/api/v1/tickets`,
    method: 'POST',
    headers: target.headers,
    body,
    connections: Number(values.connections),
    duration: seconds,
  });
  if (result.non2xx > 0) throw new Error(`${target.name}: ${result.non2xx} non-2xx answers`);
  return result.requests.average;
}

const targets = [
  await start('without', {}),
  await start('cached', { plugins: [billingManual()] }),
  await start('uncached', { plugins: [billingManual()], billing: { cacheSeconds: 0 } }),
];
try {
  for (const t of targets) await measure(t, 2); // warm-up
  const totals = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const t of round % 2 ? [...targets].reverse() : targets) {
      totals[t.name].push(await measure(t, Number(values.seconds)));
    }
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = mean(totals.without);
  for (const t of targets) {
    const rps = mean(totals[t.name]);
    console.log(
      `${t.name.padEnd(9)} ${rps.toFixed(0).padStart(6)} req/s  (rounds: ${totals[t.name].map((x) => x.toFixed(0)).join(', ')})  ratio to without: ${(rps / base).toFixed(3)}`,
    );
  }
  // The billing tap's own time on the path (hook diagnostics: every call of the run, timed in
  // process), which machine load disturbs far less than requests/s.
  for (const t of targets) {
    const hook = t.hd.container
      .resolve('hookDiagnostics')()
      .find((h) => h.hook === 'ticket.beforeCreate');
    const tap = hook?.taps.find((x) => x.plugin === 'billing');
    if (tap && tap.calls > 0) {
      console.log(
        `${t.name.padEnd(9)} billing tap on ticket.beforeCreate: ${tap.calls} calls, mean ${((tap.totalMs / tap.calls) * 1000).toFixed(0)} µs, max ${tap.maxMs} ms`,
      );
    }
  }
} finally {
  for (const t of targets) {
    await t.hd.stop();
    await t.db.drop();
  }
}
