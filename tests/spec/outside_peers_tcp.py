# The Python side of a live BitTorrent peer-wire exchange with a Rust
# server: the generated module's MessageSocket over a TCP connection.
#
# argv: DIR PORT N SEED. Connects to 127.0.0.1:PORT, sends its handshake
# (the preamble) and reads the server's, then sends N frames from one
# thread while it reads N frames in another, each checked against the
# sequence the server derives from SEED + 1 (the same generator as the
# Rust test's), then shuts its side down and expects the server's end.
# Prints "ok SENT RECEIVED" or "FAIL ..." (and exits 1).

import socket
import sys
import threading

DIR, PORT, N, SEED = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, DIR)
import nw_peer_wire as m  # noqa: E402

TIMEOUT = 20.0
MASK = (1 << 64) - 1
PATTERN = bytes(range(256)) * 66


class Rng:
    """xorshift64*, as `Rng` in outside_peers.rs."""

    def __init__(self, seed):
        self.s = seed | 1

    def next(self):
        s = self.s
        s ^= s >> 12
        s ^= (s << 25) & MASK
        s ^= s >> 27
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & MASK

    def below(self, n):
        return self.next() % n

    def u32(self):
        return self.next() & 0xFFFFFFFF


def block(r, most):
    n = r.below(most + 1)
    at = r.below(256)
    return PATTERN[at:at + n]


def frame(r):
    """The next frame of the sequence, as `frame` in outside_peers.rs."""
    k = r.below(10)
    if k == 0:
        return m.Frame(None)
    if k <= 4:
        return m.Frame([m.Message_Choke, m.Message_Unchoke, m.Message_Interested,
                        m.Message_NotInterested][k - 1]())
    if k == 5:
        return m.Frame(m.Message_Have(r.u32()))
    if k == 6:
        return m.Frame(m.Message_Bitfield(block(r, 64)))
    if k in (7, 9):
        cls = m.Message_Request if k == 7 else m.Message_Cancel
        return m.Frame(cls(r.u32(), r.u32(), r.u32()))
    index, begin = r.u32(), r.u32()
    return m.Frame(m.Message_Piece(index, begin, block(r, [16, 256, 4096, 16384][r.below(4)])))


def main():
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=TIMEOUT)
    sock.settimeout(TIMEOUT)
    ms = m.MessageSocket(sock)
    ours = m.Handshake("BitTorrent protocol", bytes(8), bytes(range(20)), b"-PY0001-000000000001")
    ms.send_preamble(ours)
    theirs = ms.recv_preamble()
    want = m.Handshake("BitTorrent protocol", bytes(8), bytes(range(20)), b"-NW0001-000000000001")
    if theirs != want:
        print(f"FAIL the server's handshake {theirs!r}")
        return 1

    sent = [0]
    failed = []

    def sender():
        try:
            r = Rng(SEED)
            for _ in range(N):
                ms.send(frame(r))
                sent[0] += 1
            sock.shutdown(socket.SHUT_WR)
        except Exception as e:  # noqa: BLE001
            failed.append(f"sending frame {sent[0]}: {e!r}")

    t = threading.Thread(target=sender)
    t.start()
    r = Rng(SEED + 1)
    received = 0
    try:
        for i in range(N):
            got = ms.recv()
            want = frame(r)
            if got != want:
                failed.append(f"frame {i}: {got!r}, the server sent {want!r}")
                break
            received += 1
        else:
            end = ms.recv()
            if end is not None:
                failed.append(f"a frame after the last: {end!r}")
    except Exception as e:  # noqa: BLE001
        failed.append(f"receiving frame {received}: {e!r}")
    t.join(TIMEOUT)
    if t.is_alive():
        failed.append("the sender did not finish")
    sock.close()
    if failed:
        print("FAIL " + "; ".join(failed))
        return 1
    print(f"ok {sent[0]} {received}")
    return 0


sys.exit(main())
