-- wrk script of bench/load.sh. Environment:
--   LOAD_PATHS  a file of request paths, one a line, replayed in turn
--               (each thread from its own offset); or
--   LOAD_BODY   a file POSTed as JSON to wrk's URL path (querybatch)
--   LOAD_TOKEN  the API token, sent as a bearer token
--   LOAD_PORTS  optional, comma-separated ports of replicas on wrk's host:
--               thread i connects to port i mod n (round robin by thread)
-- At the end it prints one line for load.sh:
--   result p50_ms P p99_ms P rps R requests N errors E non2xx X

local paths, body = {}, nil
local threads = {}

local function readfile(name)
  local f = assert(io.open(name, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

function setup(thread)
  local ports = os.getenv("LOAD_PORTS")
  if ports and ports ~= "" then
    local list = {}
    for p in string.gmatch(ports, "%d+") do list[#list + 1] = p end
    local n = #threads
    local addrs = wrk.lookup(wrk.host, list[(n % #list) + 1])
    thread.addr = addrs[1]
  end
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  local list = os.getenv("LOAD_PATHS")
  if list and list ~= "" then
    for line in io.lines(list) do
      if line ~= "" then paths[#paths + 1] = line end
    end
  end
  local b = os.getenv("LOAD_BODY")
  if b and b ~= "" then body = readfile(b) end
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("LOAD_TOKEN")
  if body then
    wrk.method = "POST"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
  end
  -- Spread the threads over the list.
  counter = (id or 0) * 7919
end

function request()
  if body then return wrk.format() end
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  local errs = e.connect + e.read + e.write + e.timeout
  io.write(string.format("result p50_ms %.2f p99_ms %.2f rps %.2f requests %d errors %d non2xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6), summary.requests, errs, e.status))
end
