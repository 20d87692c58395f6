-- wrk script of the PTCC benchmark (benchmarks/load.py runs it).
--
--   wrk ... -s wrk_report.lua URL -- OUTPUT.json [HOSTS_FILE]
--
-- Writes one JSON object to OUTPUT.json when the run ends: requests, duration, bytes,
-- wrk's socket errors, the answers that were not 2xx (wrk itself only counts >= 400, and a
-- 302 to the login page must count as a failure too), and latency percentiles in
-- microseconds. With HOSTS_FILE (one host a line), each request takes the next host in
-- turn: a round-robin over territories.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local hosts = nil
local next_host = 0
local fixed_request = nil

function init(args)
  output = args[1]
  non2xx = 0
  statuses = {}
  if args[2] then
    hosts = {}
    for line in io.lines(args[2]) do
      if line ~= "" then table.insert(hosts, line) end
    end
  else
    fixed_request = wrk.format()
  end
end

function request()
  if not hosts then
    return fixed_request
  end
  next_host = next_host % #hosts + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Host"] = hosts[next_host]
  return wrk.format(nil, nil, headers)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local total_non2xx = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    total_non2xx = total_non2xx + (thread:get("non2xx") or 0)
    local seen = thread:get("statuses") or {}
    for status, count in pairs(seen) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local percentiles = {}
  for _, p in ipairs({50, 75, 90, 95, 99, 99.9}) do
    table.insert(percentiles, string.format('"%s": %d', tostring(p), latency:percentile(p)))
  end
  local e = summary.errors
  local file = io.open(threads[1]:get("output"), "w")
  file:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"non2xx": %d, "non2xx_by_status": {%s}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "stdev": %.1f, "max": %d, "percentiles": {%s}}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    total_non2xx, table.concat(parts, ", "),
    latency.min, latency.mean, latency.stdev, latency.max, table.concat(percentiles, ", ")))
  file:close()
end
