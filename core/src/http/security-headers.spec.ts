import { afterEach, describe, expect, it } from '@jest/globals';
import { API_PREFIX } from './app.js';
import { startApp, ticketRoutes, type Harness } from './harness.test.js';

describe('security headers', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  const routes = () => [{ prefix: API_PREFIX, routes: ticketRoutes() }];

  it('sets the CSP and helmet headers on success and error responses, without HSTS over plain HTTP', async () => {
    h = await startApp({ routeGroups: routes() });
    for (const path of ['/api/v1/scope', '/api/v1/boom', '/nowhere']) {
      const res = await fetch(`${h.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('x-request-id')).toBeTruthy();
    }
  });

  it('uses a fresh nonce per response', async () => {
    h = await startApp({ routeGroups: routes() });
    const nonce = async () =>
      /'nonce-([^']+)'/.exec(
        (await fetch(`${h!.url}/api/v1/scope`)).headers.get('content-security-policy') ?? '',
      )?.[1];
    expect(await nonce()).not.toBe(await nonce());
  });

  it('ignores X-Forwarded-Proto when the proxy is not trusted', async () => {
    h = await startApp({ routeGroups: routes() });
    const res = await fetch(`${h.url}/api/v1/scope`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends HSTS and upgrade-insecure-requests when a trusted proxy says https', async () => {
    h = await startApp({ routeGroups: routes(), trustProxy: true });
    const secure = await fetch(`${h.url}/api/v1/scope`, {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(secure.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect(secure.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    const plain = await fetch(`${h.url}/api/v1/scope`, {
      headers: { 'x-forwarded-proto': 'http' },
    });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });

  it('lets the operator extend the CSP (a plugin iframe origin)', async () => {
    h = await startApp({
      routeGroups: routes(),
      cspDirectives: { 'frame-src': ['https://panel.example'] },
    });
    const res = await fetch(`${h.url}/api/v1/scope`);
    expect(res.headers.get('content-security-policy')).toContain('frame-src https://panel.example');
  });
});
