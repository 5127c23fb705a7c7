/**
 * One log line per request. Logged when the response is finished (or the client went away), so
 * the status and duration are the ones the client saw, streamed bodies included.
 * Deliberately a short allow-list of fields: no headers (authorization, cookies), no query string
 * (tokens end up there), no bodies.
 */
import type Koa from 'koa';
import type { NovumState } from './state.js';

const MAX_LOGGED_PATH = 1024;

export function accessLogMiddleware(): Koa.Middleware<NovumState> {
  return async function accessLog(ctx, next) {
    const started = process.hrtime.bigint();
    const { res } = ctx;
    // 'finish' means the response was handed to the OS in full; a 'close' without it is an
    // abort (client gone, or sockets destroyed at shutdown), even if Koa wrote to a dead socket.
    let finished = false;
    res.once('finish', () => (finished = true));
    res.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const status = res.statusCode;
      const line = {
        method: ctx.method,
        path: pathOf(ctx.originalUrl),
        status,
        durationMs: Math.round(durationMs * 100) / 100,
        // Set when the client disconnected before the response was fully written.
        ...(finished ? {} : { aborted: true }),
      };
      const log = ctx.state.novumdesk.logger;
      if (status >= 500) log.warn(line, 'request failed');
      else log.info(line, 'request completed');
    });
    await next();
  };
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}
