-- wrk script of the PTCC benchmark (benchmarks/load.py runs it).
--
--   wrk ... -s wrk_report.lua URL -- OUTPUT.json [hosts=FILE] [paths=FILE]
--
-- Writes one JSON object to OUTPUT.json when the run ends: requests, duration, bytes,
-- wrk's socket errors, the answers that were not 2xx (wrk itself only counts >= 400, and a
-- 302 to the login page must count as a failure too), and latency percentiles in
-- microseconds. With hosts=FILE (one host a line), each request takes the next host in
-- turn: a round-robin over territories. With paths=FILE (one path a line), each request
-- takes the next path: a search for another term every time. With nobodies, responses are
-- not handed to Lua: wrk then copies no body into a Lua string (for a 1 MiB dataset that
-- halved what wrk could request, on cores it shares with the server), and only answers
-- >= 400 are counted, by wrk itself.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local hosts = nil
local paths = nil
local next_host = 0
local next_path = 0
local fixed_request = nil

local function read_lines(name)
  local lines = {}
  for line in io.lines(name) do
    if line ~= "" then table.insert(lines, line) end
  end
  return lines
end

function init(args)
  output = args[1]
  non2xx = 0
  statuses = {}
  for i = 2, #args do
    local key, value = string.match(args[i], "^(%a+)=(.+)$")
    if key == "hosts" then hosts = read_lines(value) end
    if key == "paths" then paths = read_lines(value) end
    if args[i] == "nobodies" then response = nil end
  end
  if not hosts and not paths then
    fixed_request = wrk.format()
  end
end

function request()
  if fixed_request then
    return fixed_request
  end
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  if hosts then
    next_host = next_host % #hosts + 1
    headers["Host"] = hosts[next_host]
  end
  local path = nil
  if paths then
    next_path = next_path % #paths + 1
    path = paths[next_path]
  end
  return wrk.format(nil, path, headers)
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
