/**
 * Turns every failure below it into `application/problem+json`: thrown errors, and responses
 * left without a body at an error status (the router's 404 and 405). Sits after the request id
 * and security headers so error responses carry both.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type Koa from 'koa';
import {
  PROBLEM_CONTENT_TYPE,
  problemForStatus,
  problemFromError,
  type Problem,
} from './problem.js';
import type { NovumState } from './state.js';

export function problemMiddleware(): Koa.Middleware<NovumState> {
  return async function problems(ctx, next) {
    // Headers set upstream (request id, security headers) survive an error; anything a failed
    // handler set (Content-Disposition, caching, cookies) must not.
    const baseline = ctx.res.getHeaders();
    try {
      await next();
    } catch (err) {
      // Too late for a problem body: Koa's own handler ends the response and emits 'error'.
      if (ctx.headerSent || !ctx.writable) throw err;
      const { problem, headers, internal } = problemFromError(err);
      const log = ctx.state.novumdesk?.logger;
      if (internal) {
        log?.error(
          { err, method: ctx.method, path: ctx.path },
          'request failed with an internal error',
        );
      } else {
        log?.debug({ code: problem.code, status: problem.status }, 'request rejected');
      }
      restoreHeaders(ctx, baseline);
      ctx.set(headers);
      sendProblem(ctx, problem);
      return;
    }
    if (ctx.body == null && ctx.status >= 400 && !ctx.headerSent) {
      sendProblem(ctx, problemForStatus(ctx.status));
    }
  };
}

export function sendProblem(ctx: Koa.ParameterizedContext<NovumState>, problem: Problem): void {
  const body: Problem = {
    ...problem,
    instance: ctx.path,
    ...(ctx.state.novumdesk ? { requestId: ctx.state.novumdesk.requestId } : {}),
  };
  if (problem.status === 401 && !ctx.response.get('WWW-Authenticate')) {
    ctx.set('WWW-Authenticate', 'Bearer realm="novumdesk"');
  }
  ctx.status = problem.status;
  // Before the body: Koa keeps a Content-Type containing "json" and would otherwise pick
  // application/json for an object body.
  ctx.type = PROBLEM_CONTENT_TYPE;
  ctx.body = body;
}

function restoreHeaders(
  ctx: Koa.Context | Koa.ParameterizedContext,
  baseline: OutgoingHttpHeaders,
) {
  for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
  for (const [name, value] of Object.entries(baseline)) {
    if (value !== undefined) ctx.res.setHeader(name, value);
  }
}
