-- wrk script: POST one single-alert Alertmanager webhook (version 4) per request, keep-alive.
-- The path (with the integration token) comes from the environment: KLAXON_BENCH_PATH.
wrk.method = "POST"
wrk.path = os.getenv("KLAXON_BENCH_PATH")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["User-Agent"] = "Alertmanager/0.27.0"
-- A long bracket string: no escapes, the JSON is sent byte for byte (Alertmanager ends it with \n).
wrk.body = [[{"receiver":"klaxon","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HighLatency","instance":"api-1:9100","job":"api","severity":"critical"},"annotations":{"summary":"p99 latency above 500 ms","runbook_url":"https://runbooks.example.com/high-latency"},"startsAt":"2026-01-01T00:00:00.000Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph?g0.expr=latency","fingerprint":"6c6b3e1f0a2b4c5d"}],"groupLabels":{"alertname":"HighLatency"},"commonLabels":{"alertname":"HighLatency","severity":"critical"},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\"HighLatency\"}","truncatedAlerts":0}]] .. "\n"

-- Status counts, printed at the end so the script can check that everything was a 202.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format('"%d":%d', k, v)) end
  io.write(string.format('WRK_JSON {"requests":%d,"seconds":%.3f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"errors":%d,"statuses":{%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    table.concat(parts, ",")))
end
