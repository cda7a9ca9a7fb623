-- W1: POST one associate (validation and change-log entry included). Each request sends
-- a fresh associateNo so the benchmark measures the write path, not the foundation's
-- max+1 number allocator retrying under 32 concurrent writers (number series: issue 4).
local started = 0
function setup(thread)
  started = started + 1
  thread:set("tid", started)
end
function init(args)
  wrk.headers["Content-Type"] = "application/json"
  counter = 1000000000 + (os.time() % 100000) * 100000 + tid * 50000
end
request = function()
  counter = counter + 1
  local body = string.format(
    '{"associateNo": %d, "name": "Bench Ny AS", "city": "Oslo", "creditLimit": 1500.00}', counter)
  -- nil headers: wrk.format then sends wrk.headers (Authorization from -H included).
  return wrk.format("POST", nil, nil, body)
end
