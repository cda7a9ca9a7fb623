-- R3: one associate by key, random keys among the 100,000 of company 9999.
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format(wrk.path, math.random(1, 100000)))
end
