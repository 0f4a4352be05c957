-- Loaded by the wrk scripts (benchmarks/api/submit.lua, benchmarks/server/pages.lua):
--
--   local slice = dofile(here .. "../slice.lua")
--   lines = slice(file, index, total, "token", "body")
--
-- This wrk thread's share of a prepared file of "A<TAB>B" lines: with `total` threads, thread
-- `index` (0-based, set by setup) takes lines index, index + total, ...; each as a table with
-- the two columns under the names given.
return function(file, index, total, first, second)
  local taken = {}
  local n = 0
  for line in io.lines(file) do
    if n % total == index then
      local tab = line:find("\t", 1, true)
      table.insert(taken, { [first] = line:sub(1, tab - 1), [second] = line:sub(tab + 1) })
    end
    n = n + 1
  end
  return taken
end
