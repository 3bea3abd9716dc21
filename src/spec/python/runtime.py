# ---- runtime: the rules of netwire's `net` format --------------------------

# Decoding and encoding take a few Python calls per nested level: make room
# for DEPTH levels, never lowering a limit set higher.
_RECURSION = 8 * DEPTH + 1000
if sys.getrecursionlimit() < _RECURSION:
    sys.setrecursionlimit(_RECURSION)


class DecodeError(Exception):
    """Malformed, truncated or over-limit input.

    `offset` is the byte offset of the item that failed, counted from the
    start of the input, as in netwire's `Error::offset`; `kind` is the name
    of netwire's `ErrorKind` variant."""

    kind = "DecodeError"

    def __init__(self, offset: Optional[int], detail: str = "") -> None:
        where = "" if offset is None else f" at offset {offset}"
        super().__init__(f"{self.kind}{where}" + (f": {detail}" if detail else ""))
        self.offset = offset


class UnexpectedEnd(DecodeError):
    """The input ended inside an item; `needed` is the input length it needs."""

    kind = "UnexpectedEnd"

    def __init__(self, offset: int, needed: int) -> None:
        super().__init__(offset, f"{needed} bytes needed")
        self.needed = needed


class LengthOverLimit(DecodeError):
    """An item would end past the message limit."""

    kind = "LengthOverLimit"

    def __init__(self, offset: int, length: int, limit: int) -> None:
        super().__init__(offset, f"length {length}, limit {limit}")
        self.length = length
        self.limit = limit


class InvalidBool(DecodeError):
    kind = "InvalidBool"


class InvalidOption(DecodeError):
    kind = "InvalidOption"


class InvalidUtf8(DecodeError):
    kind = "InvalidUtf8"


class InvalidChar(DecodeError):
    kind = "InvalidChar"


class TagOutOfRange(DecodeError):
    """An enum tag that names no variant."""

    kind = "TagOutOfRange"

    def __init__(self, offset: int, tag: int, variants: int) -> None:
        super().__init__(offset, f"tag {tag}, {variants} variants")
        self.tag = tag
        self.variants = variants


class TrailingBytes(DecodeError):
    kind = "TrailingBytes"


class DepthLimit(DecodeError):
    kind = "DepthLimit"


class NegativeLength(DecodeError):
    kind = "NegativeLength"

    def __init__(self, offset: int, length: int) -> None:
        super().__init__(offset, f"length {length}")
        self.length = length


class Unsupported(DecodeError):
    """A field that needs the message's end, where it is not known: a
    combination that cannot work, at no particular byte (offset None)."""

    kind = "Unsupported"


class EmptyMessage(DecodeError):
    kind = "EmptyMessage"


class Custom(DecodeError):
    """A check of the type's own (such as a `Padded` string's padding)."""

    kind = "Custom"


class EncodeError(ValueError):
    """A value this protocol cannot carry (out of range, too long, too deep)."""


class FrameError(Exception):
    """A frame header that is malformed or announces too much."""


_tnew = tuple.__new__

try:
    # The field reader of collections.namedtuple, where there is one.
    from _collections import _tuplegetter
except ImportError:
    def _tuplegetter(index: int, doc: str) -> Any:  # type: ignore[misc]
        return property(_itemgetter(index), doc=doc)


def _no_order(self: Any, other: Any) -> NoReturn:
    raise TypeError(f"{type(self).__qualname__} values have no order")


class _Value(tuple):
    """The base of the value classes: an immutable tuple of the fields in
    wire order, read by name (`v.kind`), equal only to a value of the same
    class with equal fields, hashable when its fields are. `_fields` names
    the fields; `_replace(**changes)` and `_asdict()` as on a namedtuple."""

    __slots__ = ()
    _fields: ClassVar[Tuple[str, ...]] = ()

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        fields = cls.__dict__.get("_fields")
        if fields is not None:
            for i, name in enumerate(fields):
                setattr(cls, name, _tuplegetter(i, f"Field {i}, `{name}`."))
            cls.__match_args__ = fields

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not (type(other) is type(self) and tuple.__eq__(self, other))

    __hash__ = tuple.__hash__
    __lt__ = __le__ = __gt__ = __ge__ = _no_order

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={v!r}" for n, v in zip(self._fields, self))
        return f"{type(self).__qualname__}({fields})"

    def __getnewargs__(self) -> Tuple[Any, ...]:
        return tuple(self)

    def _replace(self, **changes: Any) -> Any:
        """A copy with the named fields changed."""
        values = [changes.pop(n, v) for n, v in zip(self._fields, self)]
        if changes:
            raise TypeError(f"{type(self).__qualname__} has no field {next(iter(changes))!r}")
        return _tnew(type(self), values)

    def _asdict(self) -> Dict[str, Any]:
        """The fields by name (nested values stay as they are)."""
        return dict(zip(self._fields, self))


class Some(_Value):
    """`Some(value)` of an `Option` nested in an `Option`."""

    __slots__ = ()
    _fields = ("value",)
    value: Any

    def __new__(_cls, value: Any) -> Some:
        return _tnew(_cls, (value,))


class _Reader:
    """A cursor over one input; the window is cut at the limit."""

    __slots__ = ("data", "pos", "end", "whole", "cut", "depth", "elements")

    def __init__(self, data: bytes, whole: bool) -> None:
        n = len(data)
        self.data = data
        self.pos = 0
        self.end = n if n <= LIMIT else LIMIT
        self.whole = whole
        self.cut = n > LIMIT
        self.depth = DEPTH
        self.elements = LIMIT

    def short(self, start: int, needed: int) -> NoReturn:
        if needed > LIMIT:
            raise LengthOverLimit(start, needed, LIMIT)
        raise UnexpectedEnd(start, needed)

    def take(self, n: int) -> int:
        """Consumes `n` bytes of a fixed-size item; returns its offset."""
        p = self.pos
        q = p + n
        if q > self.end:
            self.short(p, q)
        self.pos = q
        return p

    def body(self, n: int, start: int) -> bytes:
        """The `n` bytes of a string whose prefix is at `start`."""
        p = self.pos
        q = p + n
        if q > self.end:
            if q > LIMIT:
                raise LengthOverLimit(start, n, max(LIMIT - p, 0))
            raise UnexpectedEnd(start, q)
        self.pos = q
        return self.data[p:q]

    def uint(self, size: int) -> int:
        p = self.take(size)
        return int.from_bytes(self.data[p:p + size], "big")

    def at_end(self) -> Optional[bool]:
        if not self.whole:
            return None
        return self.pos >= self.end and not self.cut

    def charge(self, n: int, start: int) -> None:
        if n > self.elements:
            raise LengthOverLimit(start, n, self.elements)
        self.elements -= n

    def enter(self, start: int) -> None:
        if self.depth == 0:
            raise DepthLimit(start, f"more than {DEPTH} levels")
        self.depth -= 1

    def leave(self) -> None:
        self.depth += 1


class _Writer:
    __slots__ = ("out", "depth", "elements")

    def __init__(self) -> None:
        self.out = bytearray()
        self.depth = DEPTH
        self.elements = LIMIT

    def enter(self) -> None:
        if self.depth == 0:
            raise EncodeError(f"more than {DEPTH} levels of nesting")
        self.depth -= 1

    def leave(self) -> None:
        self.depth += 1

    def charge(self, n: int) -> None:
        if n > self.elements:
            raise EncodeError(f"more than {LIMIT} sequence elements in one message")
        self.elements -= n


def _run_check(r: _Reader, p: int, fields: Tuple[Tuple[int, int, bool], ...]) -> None:
    """The error of a run of fixed fields at `p` that does not fit: the
    first field that does not fit, or a bad bool before it."""
    data = r.data
    for start, size, is_bool in fields:
        if p + start + size > r.end:
            r.short(p + start, p + start + size)
        if is_bool and data[p + start] > 1:
            raise InvalidBool(p + start, f"byte {data[p + start]:#04x}")


def _bools(r: _Reader, p: int, values: Tuple[Any, ...], at: Tuple[Tuple[int, int], ...]) -> None:
    """Checks the bool fields (index, offset) of a run read at `p`."""
    for i, off in at:
        if values[i] > 1:
            raise InvalidBool(p + off, f"byte {values[i]:#04x}")


def _bytes(v: Any) -> bytes:
    """The bytes of a byte string value (bytes, bytearray or memoryview)."""
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v)
    raise EncodeError(f"not bytes: {type(v).__name__}")


def _items(v: Any, kinds: Tuple[type, ...], what: str) -> Any:
    if not isinstance(v, kinds):
        raise EncodeError(f"not a {what}: {type(v).__name__}")
    return v


class _Len:
    """A length field: `size` bytes, big-endian, signed or not."""

    def __init__(self, size: int, signed: bool) -> None:
        self.size = size
        self.signed = signed
        letter = {1: "B", 2: "H", 4: "I", 8: "Q"}[size]
        self.s = struct.Struct(">" + (letter.lower() if signed else letter))
        self.max = (1 << (8 * size - (1 if signed else 0))) - 1

    def read(self, r: _Reader) -> int:
        p = r.pos
        q = p + self.size
        if q > r.end:
            r.short(p, q)
        n = self.s.unpack_from(r.data, p)[0]
        r.pos = q
        if n < 0:
            raise NegativeLength(p, n)
        return n

    def write(self, w: _Writer, n: int) -> None:
        if n > self.max:
            raise EncodeError(f"length {n} does not fit {self.size} bytes")
        w.out += self.s.pack(n)


_PREFIX = _Len(LENGTH_WIDTH, False)


class _Prim:
    def __init__(self, fmt: str) -> None:
        self.s = struct.Struct(">" + fmt)
        self.size = self.s.size
        self.fmt = fmt

    def dec(self, r: _Reader) -> Any:
        p = r.pos
        q = p + self.size
        if q > r.end:
            r.short(p, q)
        r.pos = q
        return self.s.unpack_from(r.data, p)[0]

    def enc(self, w: _Writer, v: Any) -> None:
        w.out += self.s.pack(v)


class NaN32(float):
    """A 32-bit NaN read from the wire, keeping its exact bits (`struct`
    would change a NaN payload on the way to a Python float and back)."""

    bits: int

    def __new__(cls, bits: int) -> "NaN32":
        v = super().__new__(cls, float("nan"))
        v.bits = bits
        return v


class _F32Codec:
    size = 4

    def dec(self, r: _Reader) -> float:
        p = r.take(4)
        bits = int.from_bytes(r.data[p:p + 4], "big")
        if bits & 0x7F800000 == 0x7F800000 and bits & 0x007FFFFF:
            return NaN32(bits)
        return struct.unpack_from(">f", r.data, p)[0]

    def enc(self, w: _Writer, v: float) -> None:
        # Only a NaN32 brings its bits: another object's `bits` is no float.
        if isinstance(v, NaN32):
            w.out += v.bits.to_bytes(4, "big")
        else:
            w.out += struct.pack(">f", v)


class _Wide:
    """A 128-bit integer."""

    size = 16

    def __init__(self, signed: bool) -> None:
        self.signed = signed

    def dec(self, r: _Reader) -> int:
        p = r.take(16)
        return int.from_bytes(r.data[p:p + 16], "big", signed=self.signed)

    def enc(self, w: _Writer, v: int) -> None:
        if not isinstance(v, int):
            raise EncodeError(f"not an int: {type(v).__name__}")
        try:
            w.out += v.to_bytes(16, "big", signed=self.signed)
        except OverflowError as e:
            raise EncodeError(str(e)) from None


class _Bool:
    size = 1

    def dec(self, r: _Reader) -> bool:
        p = r.take(1)
        b = r.data[p]
        if b > 1:
            raise InvalidBool(p, f"byte {b:#04x}")
        return b == 1

    def enc(self, w: _Writer, v: bool) -> None:
        if not isinstance(v, bool):
            raise EncodeError(f"not a bool: {v!r}")
        w.out.append(1 if v else 0)


def _utf8_width(b: int) -> int:
    if b < 0x80:
        return 1
    if 0xC2 <= b <= 0xDF:
        return 2
    if 0xE0 <= b <= 0xEF:
        return 3
    if 0xF0 <= b <= 0xF4:
        return 4
    return 0


class _Char:
    def dec(self, r: _Reader) -> str:
        start = r.take(1)
        width = _utf8_width(r.data[start])
        if width == 0:
            raise InvalidChar(start)
        if width > 1:
            p = r.pos
            q = start + width
            if q > r.end:
                if q > LIMIT:
                    raise LengthOverLimit(p, q, LIMIT)
                raise UnexpectedEnd(start, q)
            r.pos = q
        try:
            return bytes(r.data[start:start + width]).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidChar(start) from None

    def enc(self, w: _Writer, v: str) -> None:
        if not isinstance(v, str) or len(v) != 1:
            raise EncodeError(f"not one character: {v!r}")
        w.out += v.encode("utf-8")


class _Unit:
    def dec(self, r: _Reader) -> Tuple[()]:
        return ()

    def enc(self, w: _Writer, v: Any) -> None:
        if v != ():
            raise EncodeError(f"not (): {v!r}")


class _Str:
    """A UTF-8 string (text=True) or a byte string after a length field."""

    def __init__(self, length: _Len, text: bool) -> None:
        self.length = length
        self.text = text

    def dec(self, r: _Reader) -> Any:
        # The length read and the body taken here, in one call: this runs
        # for every string.
        start = r.pos
        length = self.length
        p = start + length.size
        if p > r.end:
            r.short(start, p)
        n = length.s.unpack_from(r.data, start)[0]
        if n < 0:
            raise NegativeLength(start, n)
        q = p + n
        if q > r.end:
            r.pos = p
            r.body(n, start)
        r.pos = q
        if not self.text:
            return r.data[p:q]
        try:
            return r.data[p:q].decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidUtf8(start) from None

    def dec_body(self, r: _Reader, n: int, start: int) -> Any:
        raw = r.body(n, start)
        if not self.text:
            return bytes(raw)
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidUtf8(start) from None

    def raw(self, v: Any) -> bytes:
        if self.text:
            if not isinstance(v, str):
                raise EncodeError(f"not a str: {v!r}")
            return v.encode("utf-8")
        return _bytes(v)

    def enc(self, w: _Writer, v: Any) -> None:
        if self.text and type(v) is str:
            raw = v.encode("utf-8")
        elif not self.text and type(v) is bytes:
            raw = v
        else:
            raw = self.raw(v)
        length = self.length
        if len(raw) > length.max:
            raise EncodeError(f"length {len(raw)} does not fit {length.size} bytes")
        w.out += length.s.pack(len(raw))
        w.out += raw

    def enc_body(self, w: _Writer, v: Any) -> int:
        raw = self.raw(v)
        w.out += raw
        return len(raw)

    def count(self, v: Any) -> int:
        return len(self.raw(v))


class _Seq:
    """A sequence after a count; a sequence of u8 is `bytes`."""

    def __init__(self, elem: Any, length: _Len) -> None:
        self.elem = elem
        self.length = length
        self.raw = elem is _U8
        # Numbers in one struct call (not bools: each is checked).
        self.fmt = elem.fmt if isinstance(elem, _Prim) else None

    def dec(self, r: _Reader) -> Any:
        start = r.pos
        length = self.length
        p = start + length.size
        if p > r.end:
            r.short(start, p)
        n = length.s.unpack_from(r.data, start)[0]
        r.pos = p
        if n < 0:
            raise NegativeLength(start, n)
        return self.dec_body(r, n, start)

    def dec_body(self, r: _Reader, n: int, start: int) -> Any:
        if n > r.elements:
            raise LengthOverLimit(start, n, r.elements)
        r.elements -= n
        d = r.depth
        if not d:
            r.enter(start)
        p = r.pos
        if self.raw:
            if p + n > r.end:
                r.short(r.end, r.end + 1)
            r.pos = p + n
            return r.data[p:p + n]
        if self.fmt is not None and p + n * self.elem.size <= r.end:
            r.pos = p + n * self.elem.size
            return list(struct.unpack_from(f">{n}{self.fmt}", r.data, p))
        r.depth = d - 1
        dec = self.elem.dec
        v = [dec(r) for _ in range(n)]
        r.depth = d
        return v

    def enc(self, w: _Writer, v: Any) -> None:
        v = self.check(v)
        length = self.length
        if len(v) > length.max:
            raise EncodeError(f"length {len(v)} does not fit {length.size} bytes")
        w.out += length.s.pack(len(v))
        self.put(w, v)

    def check(self, v: Any) -> Any:
        if self.raw:
            return v if type(v) is bytes else _bytes(v)
        if type(v) is list:
            return v
        return _items(v, (list,), "list")

    def enc_body(self, w: _Writer, v: Any) -> None:
        self.put(w, self.check(v))

    def put(self, w: _Writer, v: Any) -> None:
        """The elements of `v`, checked by `check`."""
        n = len(v)
        if n > w.elements:
            w.charge(n)
        w.elements -= n
        d = w.depth
        if not d:
            w.enter()
        if self.raw:
            w.out += v
        elif self.fmt is not None:
            w.out += struct.pack(f">{len(v)}{self.fmt}", *v)
        else:
            w.depth = d - 1
            enc = self.elem.enc
            for x in v:
                enc(w, x)
            w.depth = d

    def count(self, v: Any) -> int:
        return len(self.check(v))


class _Map:
    """A map after a count: key, value, key, value, ... as a dict."""

    def __init__(self, key: Any, value: Any, length: _Len) -> None:
        self.key = key
        self.value = value
        self.length = length

    def dec(self, r: _Reader) -> Dict[Any, Any]:
        start = r.pos
        n = self.length.read(r)
        return self.dec_body(r, n, start)

    def dec_body(self, r: _Reader, n: int, start: int) -> Dict[Any, Any]:
        r.charge(n, start)
        r.enter(start)
        out = {}
        for _ in range(n):
            k = self.key.dec(r)
            out[k] = self.value.dec(r)
        r.leave()
        return out

    def enc(self, w: _Writer, v: Dict[Any, Any]) -> None:
        _items(v, (dict,), "dict")
        self.length.write(w, len(v))
        self.enc_body(w, v)

    def enc_body(self, w: _Writer, v: Dict[Any, Any]) -> None:
        _items(v, (dict,), "dict")
        w.charge(len(v))
        w.enter()
        for k, x in v.items():
            self.key.enc(w, k)
            self.value.enc(w, x)
        w.leave()

    def count(self, v: Any) -> int:
        return len(_items(v, (dict,), "dict"))


class _Tuple:
    def __init__(self, *elems: Any) -> None:
        self.elems = elems

    def dec(self, r: _Reader) -> Tuple[Any, ...]:
        r.enter(r.pos)
        v = tuple(e.dec(r) for e in self.elems)
        r.leave()
        return v

    def enc(self, w: _Writer, v: Tuple[Any, ...]) -> None:
        if isinstance(v, _Value):
            raise EncodeError(f"not a tuple: {type(v).__name__}")
        _items(v, (tuple,), "tuple")
        if len(v) != len(self.elems):
            raise EncodeError(f"expected {len(self.elems)} elements, got {len(v)}")
        w.enter()
        for e, x in zip(self.elems, v):
            e.enc(w, x)
        w.leave()


class _ByteArray:
    """`[u8; N]` (and `netwire::with::Padded<N>`): exactly N bytes."""

    def __init__(self, n: int) -> None:
        self.n = n

    def dec(self, r: _Reader) -> bytes:
        r.enter(r.pos)
        p = r.pos
        if p + self.n > r.end:
            r.short(r.end, r.end + 1)
        r.pos = p + self.n
        r.leave()
        return bytes(r.data[p:p + self.n])

    def enc(self, w: _Writer, v: bytes) -> None:
        v = _bytes(v)
        if len(v) != self.n:
            raise EncodeError(f"expected {self.n} bytes, got {len(v)}")
        w.enter()
        w.out += v
        w.leave()


class _Padded:
    """`netwire::with::Padded<N>`: UTF-8 text, then 0 bytes up to N."""

    def __init__(self, n: int) -> None:
        self.n = n

    def dec(self, r: _Reader) -> str:
        r.enter(r.pos)
        p = r.pos
        if p + self.n > r.end:
            r.short(r.end, r.end + 1)
        r.pos = p + self.n
        r.leave()
        text, _, pad = r.data[p:p + self.n].partition(b"\0")
        if pad.strip(b"\0"):
            raise Custom(p, "a byte after the terminator is not 0")
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            raise Custom(p, "a padded string is not UTF-8") from None

    def enc(self, w: _Writer, v: str) -> None:
        if not isinstance(v, str):
            raise EncodeError(f"not a str: {type(v).__name__}")
        raw = v.encode("utf-8")
        if len(raw) > self.n or b"\0" in raw:
            raise EncodeError(f"{len(raw)} bytes (or a 0 byte) in a string padded to {self.n}")
        w.enter()
        w.out += raw + bytes(self.n - len(raw))
        w.leave()


class _Option:
    def __init__(self, inner: Any, wrapped: bool) -> None:
        self.inner = inner
        self.wrapped = wrapped

    def dec(self, r: _Reader) -> Any:
        p = r.take(1)
        b = r.data[p]
        if b == 0:
            return None
        if b != 1:
            raise InvalidOption(p, f"byte {b:#04x}")
        r.enter(p)
        v = self.inner.dec(r)
        r.leave()
        return Some(v) if self.wrapped else v

    def enc(self, w: _Writer, v: Any) -> None:
        if v is None:
            w.out.append(0)
            return
        if self.wrapped and not isinstance(v, Some):
            raise EncodeError(f"an Option in an Option takes None or Some(...): {type(v).__name__}")
        w.out.append(1)
        w.enter()
        self.inner.enc(w, v.value if self.wrapped else v)
        w.leave()


class _CStr:
    """`netwire::with::cstr`: the bytes, then a 0 byte."""

    def __init__(self, text: bool) -> None:
        self.text = text

    def dec(self, r: _Reader) -> Any:
        start = r.pos
        i = r.data.find(b"\0", start, r.end)
        if i < 0:
            r.short(start, r.end + 1)
        r.pos = i + 1
        raw = bytes(r.data[start:i])
        if not self.text:
            return raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidUtf8(start) from None

    def enc(self, w: _Writer, v: Any) -> None:
        if self.text and not isinstance(v, str):
            raise EncodeError(f"not a str: {type(v).__name__}")
        raw = v.encode("utf-8") if self.text else _bytes(v)
        if b"\0" in raw:
            raise EncodeError("a 0 byte inside a C string")
        w.out += raw
        w.out.append(0)


_NO_END = "the message's end is not known here (decode it whole, not a prefix)"


class _RestBytes:
    """`netwire::with::rest` on bytes: everything to the message's end."""

    def dec(self, r: _Reader) -> bytes:
        start = r.pos
        if not r.whole:
            raise Unsupported(None, _NO_END)
        if r.cut:
            raise LengthOverLimit(start, LIMIT + 1, LIMIT)
        r.pos = r.end
        return bytes(r.data[start:r.end])

    def enc(self, w: _Writer, v: bytes) -> None:
        w.out += _bytes(v)


class _RestRaw:
    """`netwire::with::rest` on a `Vec<u8>`: the bytes to the message's end,
    in one slice (each byte is an element of the sequence's budget)."""

    def dec(self, r: _Reader) -> bytes:
        start = r.pos
        if not r.whole:
            raise Unsupported(None, _NO_END)
        r.enter(start)
        n = r.end - start
        if n > r.elements:
            raise LengthOverLimit(start + r.elements, 1, 0)
        r.elements -= n
        if r.cut:
            raise LengthOverLimit(r.end, r.end + 1, LIMIT)
        r.pos = r.end
        r.leave()
        return r.data[start:r.end]

    def enc(self, w: _Writer, v: bytes) -> None:
        if type(v) is not bytes:
            v = _bytes(v)
        n = len(v)
        if n > w.elements:
            w.charge(n)
        w.elements -= n
        if not w.depth:
            w.enter()
        w.out += v


class _OpenSeq:
    """`netwire::with::rest` (terminated=False) or `nul_terminated` on a
    sequence: no count."""

    def __init__(self, elem: Any, terminated: bool) -> None:
        self.elem = elem
        self.terminated = terminated

    def dec(self, r: _Reader) -> Any:
        start = r.pos
        if not self.terminated and r.at_end() is None:
            raise Unsupported(None, _NO_END)
        r.enter(start)
        out = []
        while True:
            p = r.pos
            if self.terminated:
                if p >= r.end:
                    r.short(p, p + 1)
                if r.data[p] == 0:
                    r.pos = p + 1
                    break
            elif r.at_end() is not False:
                break
            r.charge(1, p)
            out.append(self.elem.dec(r))
            if r.pos == p:
                raise EmptyMessage(p, "an element of no bytes")
        r.leave()
        if self.elem is _U8:
            return bytes(out)
        return out

    def enc(self, w: _Writer, v: Any) -> None:
        v = _bytes(v) if self.elem is _U8 else _items(v, (list,), "list")
        w.charge(len(v))
        w.enter()
        for x in v:
            before = len(w.out)
            self.elem.enc(w, x)
            if self.terminated and (len(w.out) == before or w.out[before] == 0):
                raise EncodeError("an element of a nul_terminated sequence starts with a 0 byte")
        w.leave()
        if self.terminated:
            w.out.append(0)


class _Nullable:
    """`netwire::with::nullable_i16`/`_i32`: None is the length -1."""

    def __init__(self, size: int, inner: Any) -> None:
        self.size = size
        self.inner = inner

    def dec(self, r: _Reader) -> Any:
        start = r.pos
        p = r.take(self.size)
        n = int.from_bytes(r.data[p:p + self.size], "big", signed=True)
        if n == -1:
            return None
        if n < 0:
            raise NegativeLength(start, n)
        return self.inner.dec_body(r, n, r.pos)

    def enc(self, w: _Writer, v: Any) -> None:
        if v is None:
            w.out += b"\xff" * self.size
            return
        _Len(self.size, True).write(w, self.inner.count(v))
        self.inner.enc_body(w, v)


class _EmptyAsNone:
    """`netwire::with::empty_as_none`: None when nothing is left."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def dec(self, r: _Reader) -> Any:
        end = r.at_end()
        if end is None:
            raise Unsupported(None, _NO_END)
        if end:
            return None
        return self.inner.dec(r)

    def enc(self, w: _Writer, v: Any) -> None:
        if v is not None:
            self.inner.enc(w, v)


class _Named:
    def __init__(self, dec: Callable[[_Reader], Any], enc: Callable[[_Writer, Any], None]) -> None:
        self.dec = dec
        self.enc = enc


def _tag(r: _Reader, size: int) -> Tuple[int, int]:
    start = r.pos
    p = r.take(size)
    return int.from_bytes(r.data[p:p + size], "big"), start


def _variant(table: Dict[int, Callable[[_Reader], Any]], tag: int, start: int, variants: int) -> Callable[[_Reader], Any]:
    try:
        return table[tag]
    except KeyError:
        raise TagOutOfRange(start, tag, variants) from None


_U8 = _Prim("B")
_U16 = _Prim("H")
_U32 = _Prim("I")
_U64 = _Prim("Q")
_I8 = _Prim("b")
_I16 = _Prim("h")
_I32 = _Prim("i")
_I64 = _Prim("q")
_F32 = _F32Codec()
_F64 = _Prim("d")
_U128 = _Wide(False)
_I128 = _Wide(True)
_BOOL = _Bool()
_CHAR = _Char()
_UNIT = _Unit()
