/**
 * The awilix container: singletons at the root, a scope per HTTP request and per job with its
 * own forked EntityManager. Services are resolved from the scope, never imported as module
 * singletons, so tests and embedders can replace any of them.
 */
import { asValue, createContainer, type AwilixContainer } from 'awilix';
import type { Actor, CoreCradle, RequestCradle } from './contract.js';
import { setWorkspaceFilter } from '../tenancy/filter.js';

export function createRootContainer(): AwilixContainer<CoreCradle> {
  return createContainer<CoreCradle>({ injectionMode: 'PROXY', strict: true });
}

export interface ScopeOptions {
  requestId: string;
  actor?: Actor | null;
  workspaceId?: string | null;
}

export function createScope(
  root: AwilixContainer<CoreCradle>,
  options: ScopeOptions,
): AwilixContainer<RequestCradle> {
  const scope = root.createScope<RequestCradle>();
  const orm = root.cradle.orm;
  const workspaceId = options.workspaceId ?? options.actor?.workspaceId ?? null;
  scope.register({
    // A fork per scope: its identity map and unit of work belong to this request or job alone.
    // Its workspace filter is set here, so tenant queries without a workspace match nothing.
    em: asValue(setWorkspaceFilter(orm.em.fork(), workspaceId)),
    requestId: asValue(options.requestId),
    actor: asValue(options.actor ?? null),
    workspaceId: asValue(workspaceId),
  });
  return scope;
}
