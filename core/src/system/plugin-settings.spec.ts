/**
 * `GET /api/v1/system/plugins/{id}/settings`: the generated settings page's data. Secrets never
 * leave the server; only the operator (system:read) may read the instance's options.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { definePlugin } from '../kernel/plugins/index.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  startIdentity,
  type IdentityHarness,
} from '../identity/testkit.test.js';

const configured = definePlugin({
  id: 'settings-demo',
  version: '1.0.0',
  core: '^0.1.0',
  options: z.object({
    greeting: z.string().default('Hello').meta({ title: 'Greeting word' }),
    limit: z.number().int().min(1).default(5),
    apiKey: z.string().optional(),
    webhook: z
      .object({
        url: z.url(),
        signing: z.string().meta({ writeOnly: true }),
      })
      .optional(),
  }),
});
const bare = definePlugin({ id: 'settings-bare', version: '1.0.0', core: '^0.1.0' });

describe('plugin settings route', () => {
  let h: IdentityHarness;
  let adminToken: string;

  beforeAll(async () => {
    h = await startIdentity({
      config: {
        plugins: [
          configured({
            greeting: 'Welcome',
            apiKey: 'sk-super-secret-value',
            webhook: { url: 'https://hooks.example.test/x', signing: 'whsec-another-secret' },
          }),
          bare(),
        ],
      },
    });
    adminToken = (await h.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).accessToken;
    // A whole helpdesk start: slow when the shared machine is busy.
  }, 90_000);
  afterAll(() => h?.close());

  it('returns the schema and the effective values, with every secret redacted', async () => {
    const res = await h.call('GET', '/api/v1/system/plugins/settings-demo/settings', {
      token: adminToken,
    });
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.pluginId).toBe('settings-demo');
    expect(body.source).toBe('config');
    expect(body.schema.properties.greeting).toMatchObject({
      type: 'string',
      title: 'Greeting word',
    });
    expect(body.schema.properties.apiKey.writeOnly).toBe(true);
    expect(body.schema.properties.webhook.properties.signing.writeOnly).toBe(true);
    expect(body.values).toEqual({
      greeting: 'Welcome',
      limit: 5,
      webhook: { url: 'https://hooks.example.test/x' },
    });
    expect(body.secrets).toEqual(
      expect.arrayContaining([
        { path: 'apiKey', set: true },
        { path: 'webhook.signing', set: true },
      ]),
    );
    const text = JSON.stringify(body);
    expect(text).not.toContain('sk-super-secret-value');
    expect(text).not.toContain('whsec-another-secret');
  });

  it('answers a plugin without options with a null schema, and 404 for an unknown id', async () => {
    const bareRes = await h.call('GET', '/api/v1/system/plugins/settings-bare/settings', {
      token: adminToken,
    });
    expect(bareRes.status).toBe(200);
    expect(bareRes.body).toMatchObject({ schema: null, values: {}, secrets: [] });
    const missing = await h.call('GET', '/api/v1/system/plugins/nope/settings', {
      token: adminToken,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
  });

  it('is the operator’s: a workspace owner and anonymous callers are refused', async () => {
    const owner = await h.login(await h.signUp());
    const asOwner = await h.call('GET', '/api/v1/system/plugins/settings-demo/settings', {
      token: owner.accessToken,
    });
    expect(asOwner.status).toBe(403);
    expect(JSON.stringify(asOwner.body)).not.toContain('Welcome');
    const anonymous = await h.call('GET', '/api/v1/system/plugins/settings-demo/settings');
    expect(anonymous.status).toBe(401);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await h.call('GET', '/api/v1/openapi.json')).body;
    expect(doc.paths['/api/v1/system/plugins/{id}/settings'].get.operationId).toBe(
      'getPluginSettings',
    );
  });
});
