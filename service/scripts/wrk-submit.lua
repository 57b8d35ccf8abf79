-- Submission latency from a separate process: wrk POSTs one GPU job per request (with no GPU
-- worker running, jobs stay queued), each connection pausing 20 ms between requests, so 4
-- connections offer ~110-130 requests/s here. Needs TOKEN (scope jobs:write) in the environment:
--
--   TOKEN=... wrk -t1 -c4 -d30s -s service/scripts/wrk-submit.lua http://127.0.0.1:8080/api/v1/jobs
--
-- Prints the achieved rate and latency percentiles. Start the service with a high queue limit
-- (SPECTRA_LIMITS_MAX_QUEUED_JOBS=1000000): the default 1000 answers 429 after ten seconds.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"name": "wrk", "model": {"type": "mlp", "hiddenSizes": [8]}, "dataset": {"name": "synthetic-xor", "trainSamples": 100, "testSamples": 20}, "optimizer": {"type": "adamw"}, "training": {"epochs": 1, "batchSize": 10}, "resources": {"accelerator": "gpu", "gpus": 1}}'
function delay() return 20 end
function done(summary, latency, requests)
  io.write(string.format("requests %d, duration %.1f s, rate %.1f/s, non-2xx/3xx %d\n", summary.requests,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6), summary.errors.status))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%g %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max %.2f ms\n", latency.max / 1000))
end
