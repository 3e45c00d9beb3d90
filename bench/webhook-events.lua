-- wrk script: CRM webhook calls, each a new event the adapter must store before it answers.
-- MODE=bitrix24: Bitrix24 outgoing-webhook events (form-encoded, application_token in the body)
--                to /webhooks/b24, each for a new deal;
-- MODE=hubspot:  signed HubSpot calls (JSON array, X-HubSpot-Signature-v3) to /webhooks/hs, read
--                from HS_FILE (written by bench/hubspot-events.py just before the run);
-- MODE=both:     the two alternating, request by request (the default).
-- THREADS must be wrk's -t, so that the threads share HS_FILE's lines without overlap.
-- RATE (calls per second, all threads together) paces the calls on a fixed schedule, as CRMs send
-- them, instead of as fast as the adapter answers; 0 or unset: as fast as possible.
local mode = os.getenv("MODE") or "both"
local token = os.getenv("B24_TOKEN") or "bench-token"
local run = os.getenv("RUN") or "9"  -- a digit per wrk run, so no run repeats another's events
local threads = tonumber(os.getenv("THREADS") or "2")
local created = 0
local rate = tonumber(os.getenv("RATE") or "0")

local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_usec; } timeval;
  int gettimeofday(timeval *tv, void *tz);
]]
local clock = ffi.new("timeval")
local function now_ms()
  ffi.C.gettimeofday(clock, nil)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_usec) / 1000
end

setup = function(thread)
  created = created + 1
  thread:set("thread_id", created)
end

local counter = 0
local signed = {}
local next_signed = 1

init = function(args)
  if mode == "bitrix24" then
    return
  end
  local file = assert(io.open(os.getenv("HS_FILE"), "r"))
  local line_number = 0
  for line in file:lines() do
    if line_number % threads == thread_id - 1 then
      local timestamp, signature, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      signed[#signed + 1] = wrk.format("POST", "/webhooks/hs", {
        ["Content-Type"] = "application/json",
        ["X-HubSpot-Request-Timestamp"] = timestamp,
        ["X-HubSpot-Signature-v3"] = signature,
      }, body)
    end
    line_number = line_number + 1
  end
  file:close()
end

-- each call takes the thread's next slot on the schedule and waits for it; a late slot is sent at once
local interval = rate > 0 and (1000 * threads / rate) or 0
local next_slot = nil
delay = function()
  if interval == 0 then
    return 0
  end
  local now = now_ms()
  if next_slot == nil then
    next_slot = now
  end
  next_slot = next_slot + interval
  return math.max(0, math.floor(next_slot - now))
end

local function bitrix24()
  -- deal ids are "<run><thread>0<counter>": unique across threads and runs
  local id = run .. tostring(thread_id) .. "0" .. tostring(counter)
  local body = "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=" .. id ..
      "&ts=1764230400&auth%5Bdomain%5D=bench.bitrix24.ru&auth%5Bmember_id%5D=bench" ..
      "&auth%5Bapplication_token%5D=" .. token
  return wrk.format("POST", "/webhooks/b24", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

local function hubspot()
  local call = signed[next_signed]
  if call == nil then
    -- every prepared call was sent: send them again (repeats are acknowledged and not stored again,
    -- so the script's count check would fall short: bench/webhooks.sh prepares more than wrk can send)
    next_signed = 1
    call = signed[1]
  end
  next_signed = next_signed + 1
  return call
end

request = function()
  counter = counter + 1
  if mode == "bitrix24" or (mode == "both" and counter % 2 == 0) then
    return bitrix24()
  end
  return hubspot()
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors: connect %d read %d write %d status %d timeout %d\n",
      summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
      summary.errors.status, summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
