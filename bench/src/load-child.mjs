// The load generator, in its own process (forked by load.mjs), not in the servers' process.
// Why: the machine has 2 cores. In the servers' process autocannon would share their one event
// loop, so its per-request client work would delay server callbacks and the result would
// measure client + server together. A worker thread would get its own event loop too, but
// still share the process: the libuv thread pool (which NovumDesk uses for argon2, fs and DNS),
// memory and GC pressure, and a crash. A child process is the cleanest split and is what an
// external tool (wrk) would give: the OS schedules the servers on one core and the generator on
// the other. The cost is ~50 ms of fork per measurement.
import autocannon from 'autocannon';

/** One autocannon run; `latencies` (if given) collects every response time in ms. */
function runOnce(options, latencies) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
    if (latencies) {
      instance.on('response', (_client, _status, _bytes, responseTime) => {
        latencies.push(responseTime);
      });
    }
  });
}

/** The q-quantile (0..1) of the samples, nearest-rank. */
function quantile(samples, q) {
  if (!samples.length) return null;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
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
      // Several paths (search terms, filters): each connection cycles through them.
      ...(job.paths
        ? { requests: job.paths.map((path) => ({ method: job.method, path, body: job.body })) }
        : {}),
    };
    if (job.warmup > 0) {
      process.send({ type: 'phase', phase: 'warmup', seconds: job.warmup });
      await runOnce({ ...base, duration: job.warmup });
    }
    process.send({ type: 'phase', phase: 'measure', seconds: job.duration });
    const latencies = [];
    const r = await runOnce({ ...base, duration: job.duration }, latencies);
    process.send({
      type: 'result',
      result: {
        rps: r.requests.total / r.duration,
        p50Ms: r.latency.p50,
        // autocannon's histogram has no p95: computed from every response time of the run.
        p95Ms: quantile(latencies, 0.95),
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
