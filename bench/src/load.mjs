// Runs one measurement (warm-up, then the timed run) in a child process: see load-child.mjs
// for why a child.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const childPath = fileURLToPath(new URL('./load-child.mjs', import.meta.url));

/**
 * @param {{ url: string, method?: string, headers?: Record<string,string>, body?: string,
 *   paths?: string[], connections: number, warmup: number, duration: number }} job
 * @param {(phase: string, seconds: number) => void} onPhase
 * @returns {Promise<{ rps: number, p50Ms: number, p95Ms: number, p99Ms: number, requests: number,
 *   non2xx: number, errors: number, timeouts: number, statusCodes: object }>}
 */
export function measure(job, onPhase = () => {}) {
  return new Promise((resolve, reject) => {
    const child = fork(childPath, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let settled = false;
    const done = (fn, value) => {
      if (settled) return;
      settled = true;
      fn(value);
    };
    child.on('message', (msg) => {
      if (msg.type === 'phase') onPhase(msg.phase, msg.seconds);
      else if (msg.type === 'result') done(resolve, msg.result);
      else if (msg.type === 'error') done(reject, new Error(`load generator: ${msg.message}`));
    });
    child.on('error', (err) => done(reject, err));
    child.on('exit', (code, signal) =>
      done(reject, new Error(`load generator exited early (${signal ?? code})`)),
    );
    child.send({ method: 'GET', ...job });
  });
}
