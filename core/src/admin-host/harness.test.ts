/**
 * A real HTTP app (createHttpApp) with the admin host mounted, on a real listening server, for
 * the admin-host specs. Named `.test.ts` so the build skips it and jest does not run it alone.
 */
import http from 'node:http';
import { createContainer, type AwilixContainer } from 'awilix';
import type { Actor, RequestCradle } from '../kernel/contract.js';
import { createHttpApp, type HttpAppOptions } from '../http/app.js';
import { captureLogs, type LogCapture } from '../http/harness.test.js';
import type { RouteGroup } from '../http/route.js';
import { close, createHttpServer, listen } from '../http/server.js';
import { adminUiMiddleware, type AdminUiOptions } from './admin-ui.js';

export interface AdminHarness {
  url: string;
  port: number;
  logs: LogCapture;
  stop(): Promise<void>;
}

export async function startAdminApp(
  options: {
    routeGroups?: RouteGroup[];
    authenticate?: (ctx: { get(name: string): string }) => Promise<Actor | null>;
    openapi?: HttpAppOptions['openapi'];
  } & Omit<AdminUiOptions, 'logger'> = {},
): Promise<AdminHarness> {
  const logs = captureLogs();
  const root = createContainer({ injectionMode: 'PROXY', strict: true });
  const app = createHttpApp({
    logger: logs.logger,
    createScope: () => root.createScope() as unknown as AwilixContainer<RequestCradle>,
    authenticate: options.authenticate,
    routeGroups: options.routeGroups ?? [],
    openapi: options.openapi,
  });
  // After the router: it passes on paths it does not know, so this is where a host that cannot
  // change the chain would mount it. The lead mounts it earlier in createHelpdesk.
  app.use(
    adminUiMiddleware({
      logger: logs.logger,
      distDir: options.distDir,
      pluginAssets: options.pluginAssets,
      redirectRoot: options.redirectRoot,
    }),
  );
  const server = createHttpServer(app.callback());
  const address = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    logs,
    stop: async () => {
      await close(server, { timeoutMs: 1000 });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request whose path goes out exactly as written: fetch() and `new URL` would resolve `..`
 * and `%2e%2e` before sending, hiding the traversal attempts these tests make.
 */
export function rawGet(
  port: number,
  rawPath: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: rawPath, method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
