-- wrk script: page requests with autosave, as a browser makes them: answer a page (POST, a
-- durable page save, 303 to the next page), then get the next page (GET, 200).
--
-- Reads sessions.tsv (made by prepare_pages.py): "COOKIE<TAB>CSRF" per signed-in household.
-- Each POST answers PAGE (default /form/page/lives_here) for the next household in turn
-- with BODY (default lives_here=yes); when a 303 comes back, the next request sent is the GET
-- of its Location for the household whose save was answered (wrk does not say which request
-- a response answers: the oldest save in flight is taken, which with one thread and equal
-- pages is nearly always it). Households are taken in turn, so with more households than
-- connections one household never has two requests in flight.
--
--   wrk -t1 -c32 -d20s --latency -s benchmarks/server/pages.lua http://127.0.0.1:8080
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"   -- this script's directory
local slice = dofile(here .. "../slice.lua")
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file = os.getenv("SESSIONS") or "sessions.tsv"
  local total = tonumber(os.getenv("THREADS") or "1")
  page = os.getenv("PAGE") or "/form/page/lives_here"
  answer = os.getenv("BODY") or "lives_here=yes"
  sessions = slice(file, index, total, "cookie", "csrf")
  turn = 0
  inflight = {}     -- households whose saves were sent, oldest first (inflight[first..last])
  first, last = 1, 0
  ready = {}        -- {household, location}: saves answered, waiting for their GET
  saves, gets, unexpected = 0, 0, 0
end

function request()
  local r = table.remove(ready)
  if r then
    gets = gets + 1
    return wrk.format("GET", r.location, { ["Cookie"] = "census_session=" .. sessions[r.household].cookie })
  end
  turn = turn % #sessions + 1
  local s = sessions[turn]
  saves = saves + 1
  last = last + 1
  inflight[last] = turn
  return wrk.format("POST", page, {
    ["Cookie"] = "census_session=" .. s.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf=" .. s.csrf .. "&" .. answer)
end

function response(status, headers, body)
  if status == 303 then
    local household = inflight[first]
    inflight[first] = nil
    first = first + 1
    local location = headers["Location"]
    if household and location then
      table.insert(ready, { household = household, location = location })
      return
    end
  elseif status == 200 then
    return
  end
  unexpected = unexpected + 1
  if unexpected <= 3 then io.stderr:write("status " .. status .. "\n") end
end

function done(summary, latency, requests)
  local s, g, u = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("saves"); g = g + t:get("gets"); u = u + t:get("unexpected")
  end
  io.write(string.format("sent: %d page saves (POST), %d next pages (GET); unexpected statuses: %d\n", s, g, u))
end
