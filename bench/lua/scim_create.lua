-- POST an Entra-shaped SCIM User with a userName no other request of the run uses.
-- args: <prefix> <bearer token>
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1]
  counter = 0
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. args[2]
  wrk.headers["Content-Type"] = "application/scim+json"
end

local body = [[{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",]] ..
  [["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],]] ..
  [["externalId":"%s","userName":"%s@contoso.com","active":true,"displayName":"Bench %s",]] ..
  [["emails":[{"primary":true,"type":"work","value":"%s@contoso.com"}],]] ..
  [["name":{"formatted":"Bench %s","familyName":"%s","givenName":"Bench"},]] ..
  [["title":"Engineer","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":]] ..
  [[{"department":"Bench"}}]]

function request()
  counter = counter + 1
  local name = string.format("%s-%d-%d", prefix, thread_id, counter)
  return wrk.format(nil, nil, nil, string.format(body, name, name, name, name, name, name))
end
