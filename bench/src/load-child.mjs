// The load generator, in its own process (forked by load.mjs), not in the servers' process.
// Why: the machine has 2 cores. In the servers' process autocannon would share their one event
// loop, so its per-request client work would delay server callbacks and the result would
// measure client + server together. A worker thread would get its own event loop too, but
// still share the process: the libuv thread pool (which NovumDesk uses for argon2, fs and DNS),
// memory and GC pressure, and a crash. A child process is the cleanest split and is what an
// external tool (wrk) would give: the OS schedules the servers on one core and the generator on
// the other. The cost is ~50 ms of fork per measurement.
import autocannon from 'autocannon';

function runOnce(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

process.once('message', async (job) => {
  try {
    const base = {
      url: job.url,
      method: job.method,
      headers: job.headers,
      body: job.body,
      connections: job.connections,
      pipelining: 1,
      timeout: 10,
    };
    if (job.warmup > 0) {
      process.send({ type: 'phase', phase: 'warmup', seconds: job.warmup });
      await runOnce({ ...base, duration: job.warmup });
    }
    process.send({ type: 'phase', phase: 'measure', seconds: job.duration });
    const r = await runOnce({ ...base, duration: job.duration });
    process.send({
      type: 'result',
      result: {
        rps: r.requests.total / r.duration,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        requests: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodes: r.statusCodeStats,
      },
    });
  } catch (err) {
    process.send({ type: 'error', message: err?.stack ?? String(err) });
  }
  process.disconnect();
});
