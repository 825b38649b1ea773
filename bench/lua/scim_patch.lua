-- PATCH /Users/<id> of one of the users the sweep put in the store (ids 1..count, as
-- bench/scim_store.py gives them), replacing its title as Entra's update does.
-- args: <count> <bearer token>
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  count = tonumber(args[1])
  wrk.method = "PATCH"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  wrk.headers["Content-Type"] = "application/scim+json"
  math.randomseed(thread_id * 104729)
end

local body = [[{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],]] ..
  [["Operations":[{"op":"Replace","path":"title","value":"Lead %d"}]}]]

function request()
  local n = math.random(1, count)
  local path = string.format("%s/00000000-0000-0000-0000-%012x", wrk.path, n)
  return wrk.format(nil, path, nil, string.format(body, n))
end
