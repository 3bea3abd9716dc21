-- ---- the walker: the rules of netwire's `net` format ----------------------

local SHORT = {}   -- raised when the message goes on past the bytes at hand
local END = 0      -- the end of the current message

local function need(off, n)
    if off + n > END then error(SHORT, 0) end
end

local function uint(tvb, off, n, signed)
    need(off, n)
    local r = tvb:range(off, n)
    if n == 8 then
        if signed then return r:int64():tonumber() end
        return r:uint64():tonumber()
    end
    if signed then return r:int() end
    return r:uint()
end

local function item(tree, tvb, off, len, label)
    if not tree then return nil end
    if len > 0 then return tree:add(proto, tvb:range(off, len), label) end
    return tree:add(proto, label)
end

local function leaf(tree, f, tvb, off, len, value)
    if not tree then return end
    if len > 0 then
        if value ~= nil then tree:add(f, tvb:range(off, len), value) else tree:add(f, tvb:range(off, len)) end
    else
        tree:add(f, value or "")
    end
end

local walk

local function fields(items, tvb, off, tree)
    for _, node in ipairs(items) do
        off = walk(node, tvb, off, tree)
    end
    return off
end

local function utf8_width(b)
    if b < 0x80 then return 1 end
    if b >= 0xC2 and b <= 0xDF then return 2 end
    if b >= 0xE0 and b <= 0xEF then return 3 end
    if b >= 0xF0 and b <= 0xF4 then return 4 end
    error("invalid char", 0)
end

-- Shows (when `tree` is not nil) the value `node` describes at `off`;
-- returns the offset after it.
walk = function(node, tvb, off, tree)
    local k = node.k
    if k == "n" or k == "f" or k == "b" or k == "raw" then
        need(off, node.n)
        leaf(tree, node.f, tvb, off, node.n)
        return off + node.n
    elseif k == "unit" then
        return off
    elseif k == "char" then
        need(off, 1)
        local w = utf8_width(tvb:range(off, 1):uint())
        need(off, w)
        leaf(tree, node.f, tvb, off, w, tvb:range(off, w):string(ENC_UTF_8))
        return off + w
    elseif k == "str" or k == "bytes" then
        local n = uint(tvb, off, node.w, node.signed)
        if node.nullable and n == -1 then
            leaf(tree, node.f, tvb, off, node.w, "(none)")
            return off + node.w
        end
        if n < 0 then error("negative length", 0) end
        need(off + node.w, n)
        if k == "str" then
            leaf(tree, node.f, tvb, off, node.w + n, n > 0 and tvb:range(off + node.w, n):string(ENC_UTF_8) or "")
        elseif n > 0 then
            leaf(tree, node.f, tvb, off, node.w + n, tvb:range(off + node.w, n):bytes())
        else
            leaf(tree, node.f, tvb, off, node.w, ByteArray.new())
        end
        return off + node.w + n
    elseif k == "cstr" then
        local e = off
        while true do
            need(e, 1)
            if tvb:range(e, 1):uint() == 0 then break end
            e = e + 1
        end
        local value = e > off and tvb:range(off, e - off):string(ENC_UTF_8) or ""
        leaf(tree, node.f, tvb, off, e + 1 - off, value)
        return e + 1
    elseif k == "rest" then
        if END > off then leaf(tree, node.f, tvb, off, END - off) else leaf(tree, node.f, tvb, off, 0, "") end
        return END
    elseif k == "opt" then
        need(off, 1)
        local b = tvb:range(off, 1):uint()
        if b == 0 then
            if tree then tree:add(proto, tvb:range(off, 1), node.label .. ": None") end
            return off + 1
        end
        if b ~= 1 then error("invalid option byte", 0) end
        return walk(node.inner, tvb, off + 1, tree)
    elseif k == "emptynone" then
        if off >= END then return off end
        return walk(node.inner, tvb, off, tree)
    elseif k == "seq" or k == "map" then
        local n = uint(tvb, off, node.w, node.signed)
        if node.nullable and n == -1 then return off + node.w end
        if n < 0 or n > LIMIT then error("bad count", 0) end
        local sub = item(tree, tvb, off, node.w, string.format("%s: %d %s", node.label, n, k == "seq" and "elements" or "entries"))
        local p = off + node.w
        for _ = 1, n do
            if k == "seq" then
                p = walk(node.inner, tvb, p, sub)
            else
                p = walk(node.key, tvb, p, sub)
                p = walk(node.value, tvb, p, sub)
            end
        end
        if sub then sub:set_len(p - off) end
        return p
    elseif k == "open" then
        local sub = item(tree, tvb, off, 0, node.label)
        local p = off
        while true do
            if node.nul then
                need(p, 1)
                if tvb:range(p, 1):uint() == 0 then p = p + 1 break end
            elseif p >= END then
                break
            end
            local q = walk(node.inner, tvb, p, sub)
            if q == p then error("empty element", 0) end
            p = q
        end
        return p
    elseif k == "tuple" then
        local sub = item(tree, tvb, off, 0, node.label)
        local p = fields(node.items, tvb, off, sub)
        if sub and p > off then sub:set_len(p - off) end
        return p
    elseif k == "ref" then
        local t = T[node.name]
        if t.k == "struct" then
            local sub = item(tree, tvb, off, 0, node.label .. " (" .. node.name .. ")")
            local p = fields(t.items, tvb, off, sub)
            if sub and p > off then sub:set_len(p - off) end
            return p
        end
        local tag = uint(tvb, off, t.w)
        local v = t.variants[tag]
        if not v then error("unknown tag " .. tag, 0) end
        local sub = item(tree, tvb, off, t.w, node.label .. ": " .. node.name .. "::" .. v.name)
        if sub then sub:add(t.tag, tvb:range(off, t.w)) end
        local p = fields(v.items, tvb, off + t.w, sub)
        if sub then sub:set_len(p - off) end
        return p
    end
    error("unknown node " .. tostring(k), 0)
end

-- The end of the message starting at `off` (self-delimited streams).
local function measure(tvb, off)
    END = tvb:len()
    return walk(MESSAGE, tvb, off, nil)
end

-- Shows one message: `tvb` holds it whole (`skip` bytes of header before it).
local function show(tvb, pinfo, tree, skip)
    pinfo.cols.protocol = TITLE
    END = tvb:len()
    local root = tree:add(proto, tvb:range(0), TITLE .. " message")
    local ok, err = pcall(walk, MESSAGE, tvb, 0, root)
    if not ok then
        root:add_expert_info(PI_MALFORMED, PI_ERROR, err == SHORT and "message ends early" or tostring(err))
    end
end
