-- wrk script: each request takes a random path from the file named after `--`.
-- Paths in the file are raw UTF-8; query values are percent-encoded here.
local paths = {}

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  for line in io.lines(args[1]) do
    local path, q = line:match("^([^?]*)%?q=(.*)$")
    if path then
      table.insert(paths, path .. "?q=" .. encode(q))
    else
      table.insert(paths, line)
    end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
