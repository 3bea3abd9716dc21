-- ---- the walker: the rules of netwire's `net` format ----------------------
--
-- It reads as netwire's reader does, step by step, so that a message
-- netwire refuses is flagged Malformed with the error kind and offset
-- netwire gives ("netwire: <Kind> at offset <n>"), never a Lua error.

local BASE = 0       -- where the message starts in the tvb
local END = 0        -- where reading must stop: the message's end, or the limit
local CUT = false    -- whether the message goes on past the limit
local WHOLE = true   -- whether the message's end is known (not self-delimited)
local LEVELS = 0     -- nested levels left
local ELEMENTS = 0   -- sequence elements left

local function fail(kind, off)
    error({kind = kind, off = off and off - BASE}, 0)
end

-- The input ends before `needed` (a tvb offset).
local function short(at, needed)
    if needed - BASE > LIMIT then fail("LengthOverLimit", at) end
    fail("UnexpectedEnd", at)
end

local function take(off, n)
    if off + n > END then short(off, off + n) end
end

local function uint(tvb, off, n, signed)
    take(off, n)
    local r = tvb:range(off, n)
    if n == 8 then
        if signed then return r:int64():tonumber() end
        return r:uint64():tonumber()
    end
    if signed then return r:int() end
    return r:uint()
end

local function enter(at)
    if LEVELS == 0 then fail("DepthLimit", at) end
    LEVELS = LEVELS - 1
end

local function leave()
    LEVELS = LEVELS + 1
end

local function charge(n, at)
    if n > ELEMENTS then fail("LengthOverLimit", at) end
    ELEMENTS = ELEMENTS - n
end

local function at_end(off)
    if not WHOLE then fail("Unsupported", nil) end
    return off >= END and not CUT
end

-- Whether the `n` bytes at `off` are UTF-8.
local function utf8_ok(tvb, off, n)
    if n == 0 then return true end
    local s = tvb:raw(off, n)
    local byte = string.byte
    local i = 1
    while i <= n do
        local b = byte(s, i)
        if b < 0x80 then
            i = i + 1
        else
            local w, lo, hi = 0, 0x80, 0xBF
            if b >= 0xC2 and b <= 0xDF then w = 2
            elseif b >= 0xE0 and b <= 0xEF then
                w = 3
                if b == 0xE0 then lo = 0xA0 end
                if b == 0xED then hi = 0x9F end
            elseif b >= 0xF0 and b <= 0xF4 then
                w = 4
                if b == 0xF0 then lo = 0x90 end
                if b == 0xF4 then hi = 0x8F end
            else return false end
            if n - i + 1 < w then return false end
            local c = byte(s, i + 1)
            if c < lo or c > hi then return false end
            for k = 2, w - 1 do
                c = byte(s, i + k)
                if c < 0x80 or c > 0xBF then return false end
            end
            i = i + w
        end
    end
    return true
end

-- Wireshark refuses trees deeper than a preference (500 by default):
-- below this many levels the walker checks without showing.
local SHOWN_LEVELS = 128

local function item(tree, tvb, off, len, label)
    if not tree or DEPTH - LEVELS >= SHOWN_LEVELS then return nil end
    if len > 0 then return tree:add(proto, tvb:range(off, len), label) end
    return tree:add(proto, tvb:range(off, 0), label)
end

-- A field over `len` bytes at `off`; `value` for strings only (a bytes
-- field shows its range).
local function leaf(tree, f, tvb, off, len, value)
    if not tree then return end
    if value ~= nil then tree:add(f, tvb:range(off, len), value) else tree:add(f, tvb:range(off, len)) end
end

local function text(tvb, off, n)
    if n == 0 then return "" end
    return tvb:range(off, n):string(ENC_UTF_8)
end

local walk

local function fields(items, tvb, off, tree)
    for _, node in ipairs(items) do
        off = walk(node, tvb, off, tree)
    end
    return off
end

-- The body of a string or byte string of `n` bytes at `off`, its length
-- at `start`.
local function body(node, tvb, off, n, start, tree)
    if off + n > END then short(start, off + n) end
    if node.k == "str" then
        if not utf8_ok(tvb, off, n) then fail("InvalidUtf8", start) end
        leaf(tree, node.f, tvb, start, off + n - start, text(tvb, off, n))
    else
        leaf(tree, node.f, tvb, off, n)
    end
    return off + n
end

-- `n` elements (or entries) after a count at `start`.
local function elements(node, tvb, off, n, start, tree)
    charge(n, start)
    enter(start)
    local sub = item(tree, tvb, start, off - start, string.format("%s: %d %s", node.label, n, node.k == "seq" and "elements" or "entries"))
    local p = off
    for _ = 1, n do
        if node.k == "seq" then
            p = walk(node.inner, tvb, p, sub)
        else
            p = walk(node.key, tvb, p, sub)
            p = walk(node.value, tvb, p, sub)
        end
    end
    if sub then sub:set_len(p - start) end
    leave()
    return p
end

-- The raw bytes of a `Vec<u8>` after a count at `start`.
local function raw_seq(node, tvb, off, n, start, tree)
    charge(n, start)
    enter(start)
    if off + n > END then short(END, END + 1) end
    leaf(tree, node.f, tvb, off, n)
    leave()
    return off + n
end

-- Shows (when `tree` is not nil) the value `node` describes at `off`;
-- returns the offset after it.
walk = function(node, tvb, off, tree)
    local k = node.k
    if k == "n" or k == "f" or k == "wide" then
        take(off, node.n)
        leaf(tree, node.f, tvb, off, node.n)
        return off + node.n
    elseif k == "b" then
        take(off, 1)
        if tvb:range(off, 1):uint() > 1 then fail("InvalidBool", off) end
        leaf(tree, node.f, tvb, off, 1)
        return off + 1
    elseif k == "unit" then
        return off
    elseif k == "char" then
        take(off, 1)
        local b = tvb:range(off, 1):uint()
        local w = 0
        if b < 0x80 then w = 1
        elseif b >= 0xC2 and b <= 0xDF then w = 2
        elseif b >= 0xE0 and b <= 0xEF then w = 3
        elseif b >= 0xF0 and b <= 0xF4 then w = 4 end
        if w == 0 then fail("InvalidChar", off) end
        if off + w > END then
            if off + w - BASE > LIMIT then fail("LengthOverLimit", off + 1) end
            fail("UnexpectedEnd", off)
        end
        if not utf8_ok(tvb, off, w) then fail("InvalidChar", off) end
        leaf(tree, node.f, tvb, off, w, text(tvb, off, w))
        return off + w
    elseif k == "str" or k == "bytes" or k == "seq" or k == "map" then
        local n = uint(tvb, off, node.w, node.signed)
        if node.nullable then
            if n == -1 then
                if tree then tree:add(proto, tvb:range(off, node.w), (node.label or "value") .. ": null") end
                return off + node.w
            end
            if n < 0 then fail("NegativeLength", off) end
            -- the body's errors are at its own start
            local p = off + node.w
            if k == "seq" or k == "map" then return elements(node, tvb, p, n, p, tree) end
            if node.seq then return raw_seq(node, tvb, p, n, p, tree) end
            return body(node, tvb, p, n, p, tree)
        end
        if n < 0 then fail("NegativeLength", off) end
        if k == "seq" or k == "map" then return elements(node, tvb, off + node.w, n, off, tree) end
        if node.seq then return raw_seq(node, tvb, off + node.w, n, off, tree) end
        return body(node, tvb, off + node.w, n, off, tree)
    elseif k == "raw" then
        enter(off)
        if off + node.n > END then short(END, END + 1) end
        leaf(tree, node.f, tvb, off, node.n)
        leave()
        return off + node.n
    elseif k == "padded" then
        enter(off)
        if off + node.n > END then short(END, END + 1) end
        if tree then
            local s = tvb:raw(off, node.n)
            local z = s:find("\0", 1, true)
            leaf(tree, node.f, tvb, off, node.n, z and s:sub(1, z - 1) or s)
        end
        leave()
        return off + node.n
    elseif k == "cstr" then
        local e = off
        while true do
            if e >= END then short(off, END + 1) end
            if tvb:range(e, 1):uint() == 0 then break end
            e = e + 1
        end
        if node.text and not utf8_ok(tvb, off, e - off) then fail("InvalidUtf8", off) end
        leaf(tree, node.f, tvb, off, e + 1 - off, node.text and text(tvb, off, e - off) or nil)
        return e + 1
    elseif k == "rest" then
        if not WHOLE then fail("Unsupported", nil) end
        if CUT then fail("LengthOverLimit", off) end
        leaf(tree, node.f, tvb, off, END - off)
        return END
    elseif k == "opt" then
        take(off, 1)
        local b = tvb:range(off, 1):uint()
        if b == 0 then
            if tree then tree:add(proto, tvb:range(off, 1), node.label .. ": None") end
            return off + 1
        end
        if b ~= 1 then fail("InvalidOption", off) end
        enter(off)
        local p = walk(node.inner, tvb, off + 1, tree)
        leave()
        return p
    elseif k == "emptynone" then
        if at_end(off) then return off end
        return walk(node.inner, tvb, off, tree)
    elseif k == "open" then
        if not node.nul and not WHOLE then fail("Unsupported", nil) end
        enter(off)
        local sub = item(tree, tvb, off, 0, node.label)
        local p = off
        while true do
            if node.nul then
                if p >= END then short(p, p + 1) end
                if tvb:range(p, 1):uint() == 0 then p = p + 1 break end
            elseif at_end(p) then
                break
            end
            charge(1, p)
            local q = walk(node.inner, tvb, p, sub)
            if q == p then fail("EmptyMessage", p) end
            p = q
        end
        if sub then sub:set_len(p - off) end
        leave()
        return p
    elseif k == "tuple" then
        enter(off)
        local sub = item(tree, tvb, off, 0, node.label)
        local p = fields(node.items, tvb, off, sub)
        if sub then sub:set_len(p - off) end
        leave()
        return p
    elseif k == "ref" then
        local t = T[node.name]
        if t.k == "struct" then
            local sub = item(tree, tvb, off, 0, node.label .. " (" .. node.name .. ")")
            if not t.unit then enter(off) end
            local p = fields(t.items, tvb, off, sub)
            if not t.unit then leave() end
            if sub then sub:set_len(p - off) end
            return p
        end
        local tag = uint(tvb, off, t.w)
        local v = t.variants[tag]
        if not v then fail("TagOutOfRange", off) end
        local sub = item(tree, tvb, off, t.w, node.label .. ": " .. node.name .. "::" .. v.name)
        if sub then sub:add(t.tag, tvb:range(off, t.w)) end
        if not v.unit then enter(off + t.w) end
        local p = fields(v.items, tvb, off + t.w, sub)
        if not v.unit then leave() end
        if sub then sub:set_len(p - off) end
        return p
    end
    error("unknown node " .. tostring(k), 0)
end

-- Reads the message (or the value of `node`) at `start`, whose bytes end
-- at `stop`; `whole` when `stop` is its end. Returns the offset after it.
local function read(tvb, start, stop, tree, whole, node)
    BASE = start
    CUT = stop - start > LIMIT
    END = CUT and start + LIMIT or stop
    WHOLE = whole
    LEVELS = DEPTH
    ELEMENTS = LIMIT
    local p = walk(node or MESSAGE, tvb, start, tree)
    if whole and p < stop then fail("TrailingBytes", p) end
    return p
end

-- The end of the message (or the value of `node`) starting at `off`
-- (self-delimited streams, the preamble).
local function measure(tvb, off, node)
    return read(tvb, off, tvb:len(), nil, false, node)
end

-- Flags `root` Malformed: netwire's error, or (a fault of this dissector)
-- any other.
local function malformed(root, err)
    if not root then return end
    if type(err) == "table" then
        root:add_expert_info(PI_MALFORMED, PI_ERROR, "netwire: " .. err.kind .. (err.off and (" at offset " .. err.off) or ""))
    else
        root:add_expert_info(PI_MALFORMED, PI_ERROR, "netwire: dissector fault: " .. tostring(err))
    end
end

-- Shows the message (or the value of `node`, called `what`) in `tvb`
-- from `start` to `stop`, flagged when netwire would refuse it.
local function show(tvb, start, stop, pinfo, tree, whole, node, what)
    pinfo.cols.protocol = TITLE
    LEVELS = DEPTH
    local root = item(tree, tvb, start, stop - start, TITLE .. " " .. (what or "message"))
    local ok, err = pcall(read, tvb, start, stop, root, whole, node)
    if not ok then malformed(root, err) end
end

-- Flags a frame header that announces too much (or too little): the
-- rest of the segment is taken, since the stream cannot be followed.
local function bad_frame(tvb, pinfo, tree, why)
    pinfo.cols.protocol = TITLE
    LEVELS = DEPTH
    local root = item(tree, tvb, 0, tvb:len(), TITLE .. " frame")
    malformed(root, {kind = why, off = 0})
end
