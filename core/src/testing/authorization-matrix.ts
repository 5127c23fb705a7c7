/**
 * How a plugin joins the shipped product's authorization matrix
 * (`core/src/security-tests/authorization-matrix.spec.ts`).
 *
 * The matrix starts the helpdesk with the core's modules and every first-party plugin, reads the
 * OpenAPI document it serves, and attacks every route: 401 without a token, 403 for a role
 * lacking the route's permission, 404 for another workspace's resource named in the path, and
 * no foreign ids in any list. A route without an expectation fails the matrix by name.
 *
 * A first-party plugin contributes by exporting `matrix: MatrixContribution` from
 * `plugins/<name>/src/matrix.test.ts` (a test-only file: it never ships in `dist/`).
 */
import type { PluginEntry } from '../kernel/plugins/index.js';

/** What a route must declare as `x-novumdesk-access`. */
export type MatrixAccess = 'public' | 'authenticated' | { permission: string };

/** A signed-in owner of one of the matrix's two workspaces. */
export interface MatrixPerson {
  email: string;
  userId: string;
  workspaceId: string;
  /** Bearer access token. */
  token: string;
}

export interface MatrixResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/** The HTTP client a fixture builder gets. Paths without `/api/v1` get it prepended. */
export interface MatrixClient {
  call(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<MatrixResponse>;
  /** `call`, failing with the body when the status differs. */
  expectStatus(
    status: number,
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<MatrixResponse>;
}

/** The core's fixtures of one workspace, plus the ids plugins' fixture builders returned. */
export interface MatrixWorkspaceFixtures {
  owner: MatrixPerson;
  contactId: string;
  ticketId: string;
  inboxId: string;
  /** Ids created by plugins' `fixtures`, merged (keys must be unique across plugins). */
  extra: Record<string, string>;
}

export interface MatrixFixtures {
  a: MatrixWorkspaceFixtures;
  b: MatrixWorkspaceFixtures;
}

export interface MatrixExpectation {
  access: MatrixAccess;
  /** Params naming workspace A's resource; B's owner must get 404 for them. */
  resource?: (fx: MatrixFixtures) => Record<string, string>;
  /** A valid body, so that only the foreign id can be the reason for the 404. */
  body?: (fx: MatrixFixtures) => unknown;
  /** Instead of `resource`: why the path id names no workspace resource. */
  notAWorkspaceResource?: string;
  /** Why a parameterless GET is not compared across workspaces (rare). */
  skipListCheck?: string;
}

export interface MatrixContribution {
  /** The plugin(s) to load, configured for a test (no outside services, fast jobs). */
  plugins: PluginEntry[];
  /** One entry per route the plugin serves, keyed `METHOD /path` as the OpenAPI document spells it. */
  expectations: Record<string, MatrixExpectation>;
  /** Creates the plugin's resources in one workspace through the API; returns their ids. */
  fixtures?: (
    client: MatrixClient,
    workspace: Omit<MatrixWorkspaceFixtures, 'extra'>,
    label: 'a' | 'b',
  ) => Promise<Record<string, string>>;
}
