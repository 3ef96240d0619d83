-- wrk script for bench/http/run.sh: GET /tenants/{id} with an id picked at random, per request, from the file named by
-- TENANT_IDS (one id per line). With the argument "livez" (wrk … -s random-tenant.lua URL -- livez) it asks for /livez
-- instead, so the baseline pays the same Lua cost per request as the tenant reads.
local ids = {}
local fixed = nil
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("thread_number", threads)
end

function init(args)
    if args[1] == "livez" then
        fixed = wrk.format("GET", "/livez")
        return
    end
    local path = os.getenv("TENANT_IDS")
    if path == nil then
        error("TENANT_IDS must name a file of tenant ids")
    end
    for line in io.lines(path) do
        if #line > 0 then
            ids[#ids + 1] = line
        end
    end
    if #ids == 0 then
        error("no tenant ids in " .. path)
    end
    math.randomseed(os.time() * 1000 + (thread_number or 0))
end

function request()
    if fixed ~= nil then
        return fixed
    end
    return wrk.format("GET", "/tenants/" .. ids[math.random(#ids)])
end
