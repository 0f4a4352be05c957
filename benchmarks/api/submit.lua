-- wrk script: complete-household submissions to POST /api/v1/responses.
--
-- Reads requests.tsv (made by prepare.py): one line per submission, "TOKEN<TAB>BODY", the
-- token a household's (online returns) or an ingest token (paper returns). Each wrk thread
-- takes its own slice of the lines, in order, so no household submits twice; every request
-- has a new Idempotency-Key. Stops with an error when a thread runs out of lines (make more).
--
--   wrk -t1 -c64 -d30s --latency -s benchmarks/api/submit.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"   -- this script's directory
local slice = dofile(here .. "../slice.lua")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("REQUESTS") or "requests.tsv"
  local total = tonumber(os.getenv("THREADS") or "1")
  lines = slice(file, index, total, "token", "body")
  run = os.getenv("RUN") or tostring(os.time())
  next_line = 1
end

function request()
  local r = lines[next_line]
  if r == nil then
    error("out of prepared submissions: make more with prepare.py")
  end
  next_line = next_line + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. r.token,
    ["Idempotency-Key"] = "bench-" .. run .. "-" .. index .. "-" .. next_line,
  }
  return wrk.format("POST", "/api/v1/responses", headers, r.body)
end

function response(status, headers, body)
  if status ~= 201 then
    counter = counter + 1
    if counter <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end
