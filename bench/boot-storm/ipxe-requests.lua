-- Each request is one machine's iPXE asking for its script, as iPXE sends it (URL-encoded MAC, uuid, arch,
-- platform). The runner prepends MACHINES (count) and ONCE (true: every machine exactly once, then stop).
-- A 200 that is not a boot script (e.g. the unknown-machine retry script) counts as `bad`.
-- ONCE needs one wrk thread: that thread ends the whole run when the last machine has its script.
local ffi = require("ffi")
ffi.cdef[[ int kill(int pid, int sig); int getpid(void); ]]
local SIGINT = 2

bad = 0
local served = 0
local issued = 0

local function mac_of(i)
  return string.format("52%%3A54%%3A00%%3A%02x%%3A%02x%%3A%02x",
    math.floor(i / 65536) % 256, math.floor(i / 256) % 256, i % 256)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local i
  if ONCE then
    -- 7919 is prime and does not divide MACHINES: a permutation, so machines are not asked in MAC order.
    i = (issued * 7919) % MACHINES
    issued = issued + 1
  else
    i = math.random(0, MACHINES - 1)
  end
  return wrk.format("GET", "/ipxe?mac=" .. mac_of(i) ..
    "&uuid=8c3e5a4e-1111-4222-8333-123456789abc&arch=i386&platform=pcbios")
end

function response(status, headers, body)
  if status ~= 200 then return end  -- wrk counts these itself (errors.status)
  if not body:find("\nkernel ", 1, true) then
    bad = bad + 1
    return
  end
  served = served + 1
  -- Only boot scripts count towards the storm: a refused machine has not booted yet.
  if ONCE and served == MACHINES then
    -- wrk's main thread sleeps for -d unless interrupted; SIGINT makes it report the real duration now.
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), SIGINT)
  end
end
