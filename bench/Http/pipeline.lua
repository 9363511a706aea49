-- wrk script: every request is DEPTH pipelined GETs of the same path in one write (default 16).
-- Usage: wrk -s pipeline.lua URL -- /plaintext 16
init = function(args)
  local path = args[1] or "/plaintext"
  local depth = tonumber(args[2]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format(nil, path)
  end
  req = table.concat(r)
end

request = function()
  return req
end
