-- wrk script: Bitrix24 outgoing-webhook events (form-encoded), each a different deal, so every
-- request is a new event the adapter must store before it answers.
local counter = 0
local token = os.getenv("B24_TOKEN") or "bench-token"
local threads = 0
local run = os.getenv("RUN") or "9"  -- a digit per wrk run, so no run repeats another's events

-- each thread gets its own number: deal ids are "<run><thread>0<counter>", unique across threads and runs
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

request = function()
  counter = counter + 1
  local id = run .. tostring(thread_id) .. "0" .. tostring(counter)
  local body = "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=" .. id ..
      "&ts=1764230400&auth%5Bdomain%5D=bench.bitrix24.ru&auth%5Bmember_id%5D=bench" ..
      "&auth%5Bapplication_token%5D=" .. token
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors: connect %d read %d write %d status %d timeout %d\n",
      summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
      summary.errors.status, summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
