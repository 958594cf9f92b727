-- Prints one machine-readable line at the end of a wrk run: latency percentiles (in
-- microseconds), the number of requests, the errors (non-2xx/3xx answers included) and
-- the run's duration. wrk's own report has no 95th percentile.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH p50_us=%d p95_us=%d p99_us=%d requests=%d errors=%d duration_us=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout, summary.duration))
end
