-- GET /Users?filter=userName eq "<one of the users the bench created first>", as Entra's
-- matching query asks (one comparison). args: <prefix> <count> <bearer token>
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1]
  count = tonumber(args[2])
  wrk.headers["Authorization"] = "Bearer " .. args[3]
  math.randomseed(thread_id * 7919)
end

function request()
  local n = math.random(0, count - 1)
  local path = string.format(
    "%s?filter=userName%%20eq%%20%%22%s-%d%%40contoso.com%%22", wrk.path, prefix, n)
  return wrk.format(nil, path)
end
