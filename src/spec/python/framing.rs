//! The framing part of the module: `frame` and `unframe` for each
//! framing, and `MessageSocket`, which sends and receives whole
//! messages (and the preamble, when there is one) over a socket.

use std::fmt::Write as _;

use crate::spec::{Framing, Spec};

impl Spec {
    /// The framing part of the module: `FRAMING`, `frame`, `unframe` and
    /// `MessageSocket`.
    pub(super) fn python_framing(&self) -> String {
        let mut out = String::from(
            "\n\n# ---- framing -------------------------------------------------------------\n\n",
        );
        let _ = writeln!(out, "FRAMING = {:?}\n", self.framing.to_string());
        match self.framing {
            Framing::SelfDelimited => out.push_str(
                "def frame(payload: bytes) -> bytes:\n    \"\"\"No frame: the message is its own payload.\"\"\"\n    return bytes(payload)\n\n\n\
                 def unframe(buf: bytes) -> Optional[Tuple[bytes, int]]:\n    \"\"\"Not used: messages are found by decoding them.\"\"\"\n    raise FrameError(\"a self-delimited stream has no frames\")\n",
            ),
            Framing::LengthPrefix {
                width,
                includes_header,
            } => {
                let w = width.size();
                let adj = if includes_header { w } else { 0 };
                let _ = write!(
                    out,
                    "def frame(payload: bytes) -> bytes:\n    \"\"\"The payload after its {w}-byte big-endian length.\"\"\"\n\
                     \x20   n = len(payload) + {adj}\n    if len(payload) > LIMIT or n >= 1 << {bits}:\n        raise EncodeError(f\"a payload of {{len(payload)}} bytes is too long\")\n\
                     \x20   return n.to_bytes({w}, \"big\") + bytes(payload)\n\n\n\
                     def unframe(buf: bytes) -> Optional[Tuple[bytes, int]]:\n    \"\"\"The first frame's payload and the bytes it takes, or None if incomplete.\"\"\"\n\
                     \x20   if len(buf) < {w}:\n        return None\n    n = int.from_bytes(buf[:{w}], \"big\") - {adj}\n\
                     \x20   if n < 0 or n > LIMIT:\n        raise FrameError(f\"a frame announces {{n}} bytes (limit {{LIMIT}})\")\n\
                     \x20   if len(buf) < {w} + n:\n        return None\n    return bytes(buf[{w}:{w} + n]), {w} + n\n",
                    bits = 8 * w
                );
            }
            Framing::Datagram => out.push_str(
                "def frame(payload: bytes) -> bytes:\n    \"\"\"No frame: a datagram holds one message.\"\"\"\n    if len(payload) > LIMIT:\n        raise EncodeError(f\"a payload of {len(payload)} bytes is too long\")\n    return bytes(payload)\n\n\n\
                 def unframe(buf: bytes) -> Optional[Tuple[bytes, int]]:\n    \"\"\"The whole datagram is the payload.\"\"\"\n    if len(buf) > LIMIT:\n        raise FrameError(f\"a datagram of {len(buf)} bytes (limit {LIMIT})\")\n    return bytes(buf), len(buf)\n",
            ),
            Framing::AsciiDigits(d) => {
                let _ = write!(
                    out,
                    "def frame(payload: bytes) -> bytes:\n    \"\"\"The payload after its length in {d} ASCII digits.\"\"\"\n\
                     \x20   if len(payload) > LIMIT or len(payload) >= 10 ** {d}:\n        raise EncodeError(f\"a payload of {{len(payload)}} bytes is too long\")\n\
                     \x20   return b\"%0{d}d\" % len(payload) + bytes(payload)\n\n\n\
                     def unframe(buf: bytes) -> Optional[Tuple[bytes, int]]:\n    \"\"\"The first frame's payload and the bytes it takes, or None if incomplete.\"\"\"\n\
                     \x20   head = bytes(buf[:{d}])\n    for i, b in enumerate(head):\n        if not 0x30 <= b <= 0x39:\n            raise FrameError(f\"byte {{i}} of the header is not a digit\")\n\
                     \x20   if len(head) < {d}:\n        return None\n    n = int(head)\n\
                     \x20   if n > LIMIT:\n        raise FrameError(f\"a frame announces {{n}} bytes (limit {{LIMIT}})\")\n\
                     \x20   if len(buf) < {d} + n:\n        return None\n    return bytes(buf[{d}:{d} + n]), {d} + n\n"
                );
            }
        }
        let self_delimited = matches!(self.framing, Framing::SelfDelimited);
        if self.preamble.is_some() {
            // The preamble comes first, once each way: until it is
            // through, messages are refused rather than misread.
            out.push_str(
                &SOCKET_HEAD
                    .replace(
                        "        self._buf = bytearray()\n",
                        "        self._buf = bytearray()\n        self._preamble_in = False\n        self._preamble_out = False\n",
                    )
                    .replace(
                        "        data = memoryview(frame(encode(value)))\n",
                        "        if not self._preamble_out:\n            raise FrameError(\"send_preamble first: the stream starts with a preamble\")\n\
                         \x20       self._send(frame(encode(value)))\n\n\
                         \x20   def send_preamble(self, value: Any) -> None:\n        \"\"\"Sends the preamble (a PREAMBLE), once, before any message.\"\"\"\n\
                         \x20       if self._preamble_out:\n            raise FrameError(\"the preamble was sent already\")\n\
                         \x20       if not isinstance(value, PREAMBLE):\n            raise EncodeError(f\"the preamble is a {PREAMBLE.__name__}, not {type(value).__name__}\")\n\
                         \x20       data = encode(value)\n        self._preamble_out = True\n        self._send(data)\n\n\
                         \x20   def recv_preamble(self) -> Any:\n        \"\"\"Reads the peer's preamble (a PREAMBLE), once, before any message.\"\"\"\n\
                         \x20       if self._preamble_in:\n            raise FrameError(\"the preamble was read already\")\n\
                         \x20       while True:\n            try:\n                value, used = decode_prefix(self._buf, PREAMBLE)\n\
                         \x20           except UnexpectedEnd:\n                pass\n            else:\n\
                         \x20               del self._buf[:used]\n                self._preamble_in = True\n                return value\n\
                         \x20           chunk = self.sock.recv(65536)\n            if not chunk:\n\
                         \x20               raise FrameError(f\"the peer closed before its preamble ({len(self._buf)} bytes)\")\n\
                         \x20           self._buf += chunk\n\n\
                         \x20   def _send(self, payload: bytes) -> None:\n        data = memoryview(payload)\n",
                    )
                    .replace(
                        "    def _take(self) -> Optional[Tuple[Any]]:\n",
                        "    def _take(self) -> Optional[Tuple[Any]]:\n        if not self._preamble_in:\n\
                         \x20           raise FrameError(\"recv_preamble first: the stream starts with a preamble\")\n",
                    ),
            );
        } else {
            out.push_str(SOCKET_HEAD);
        }
        if self_delimited {
            out.push_str(
                "        if not self._buf:\n            return None\n        try:\n            value, used = decode_prefix(self._buf, self.cls)\n\
                 \x20       except UnexpectedEnd:\n            return None\n        del self._buf[:used]\n        return (value,)\n",
            );
        } else {
            out.push_str(
                "        got = unframe(self._buf)\n        if got is None:\n            return None\n        payload, used = got\n\
                 \x20       del self._buf[:used]\n        return (decode(payload, self.cls),)\n",
            );
        }
        out
    }
}

const SOCKET_HEAD: &str = r#"

class MessageSocket:
    """Whole messages over a connected stream socket.

    `recv()` calls `sock.recv` until a whole message is in, keeps the bytes
    of the next one, and returns None on a clean close between messages;
    `send(value)` calls `sock.send` until every byte is sent (at most
    `send_chunk` bytes per call, when given)."""

    def __init__(self, sock: Any, cls: type = MESSAGE, send_chunk: Optional[int] = None) -> None:
        self.sock = sock
        self.cls = cls
        self.send_chunk = send_chunk
        self._buf = bytearray()

    def send(self, value: Any) -> None:
        data = memoryview(frame(encode(value)))
        while data:
            piece = data if self.send_chunk is None else data[:self.send_chunk]
            n = self.sock.send(piece)
            data = data[n:]

    def recv(self) -> Any:
        while True:
            got = self._take()
            if got is not None:
                return got[0]
            chunk = self.sock.recv(65536)
            if not chunk:
                if self._buf:
                    raise FrameError(f"the peer closed inside a message ({len(self._buf)} bytes)")
                return None
            self._buf += chunk

    def _take(self) -> Optional[Tuple[Any]]:
"#;
