# Packets built and parsed by libraries netwire did not write (scapy, dpkt,
# tftpy), against netwire's generated Python modules.
#
# argv: DIR SEED N. DIR holds the generated modules nw_tftp.py, nw_ntp.py,
# nw_dns.py and netwire.jsonl (packets netwire encoded, with their values).
# Writes DIR/built.jsonl: per line a packet one of the libraries built from
# random values, with those values in the JSON form serde_json gives the
# Rust types. Each built packet must decode in the generated module to
# those values and re-encode byte for byte; each netwire packet must parse
# in the libraries to its values. Prints "FAIL ..." per disagreement and
# one "count ..." line per protocol and library.

import decimal
import json
import logging
import random
import socket
import struct
import sys
from collections import Counter

DIR, SEED, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, DIR)
logging.getLogger("scapy").setLevel(logging.ERROR)
logging.getLogger("tftpy").setLevel(logging.ERROR)
decimal.getcontext().prec = 80

import dpkt  # noqa: E402
from scapy.layers.dns import DNS, DNSQR  # noqa: E402
from scapy.layers.ntp import NTPAuthenticator, NTPHeader  # noqa: E402
from scapy.layers.tftp import (  # noqa: E402
    TFTP, TFTP_ACK, TFTP_DATA, TFTP_ERROR, TFTP_OACK, TFTP_RRQ, TFTP_WRQ,
    TFTP_Option, TFTP_Options)
from scapy.packet import Raw  # noqa: E402
from tftpy.TftpPacketFactory import TftpPacketFactory  # noqa: E402
from tftpy.TftpPacketTypes import (  # noqa: E402
    TftpPacketACK, TftpPacketDAT, TftpPacketERR, TftpPacketOACK,
    TftpPacketRRQ, TftpPacketWRQ)

import nw_dns  # noqa: E402
import nw_ntp  # noqa: E402
import nw_tftp  # noqa: E402

MODULES = {"tftp": nw_tftp, "ntp": nw_ntp, "dns": nw_dns}
rng = random.Random(SEED)
counts = Counter()


def fail(what):
    print("FAIL " + what.replace("\n", " "))


# ---- values -------------------------------------------------------------

ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&()*+,;=:@/ "
WIDE = ASCII + "\u00e9\u00df\u65e5\u672c\U0001f600"


def text(lo, hi, wide=False):
    alphabet = WIDE if wide else ASCII
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def options(unique):
    names = set()
    out = []
    for _ in range(rng.randint(0, 4)):
        name = text(1, 10)
        if unique and name in names:
            continue
        names.add(name)
        out.append((name, text(1, 12) if unique else text(0, 12, wide=True)))
    return out


def label():
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-") for _ in range(rng.randint(3, 20)))


def u(bits):
    return rng.getrandbits(bits)


def signed8(b):
    return b - 256 if b > 127 else b


def is_value(v):
    """Whether `v` is a value class of a generated module (a tuple with
    named fields, below the module's `_Value`)."""
    return any(c.__name__ == "_Value" for c in type(v).__mro__[1:])


def to_json(v):
    """A value of a generated module in the form serde_json gives Rust's."""
    if is_value(v):
        cls = type(v)
        names = list(cls._fields)
        if names == ["value"]:
            inner = to_json(v.value)
        else:
            inner = {n: to_json(getattr(v, n)) for n in names}
        base = cls.__mro__[1]
        if base.__name__ != "_Value":
            # A variant: the enum's class is its base.
            return {cls.__name__[len(base.__name__) + 1:]: inner}
        return inner
    if isinstance(v, (bytes, bytearray)):
        return list(v)
    if isinstance(v, (list, tuple)):
        return [to_json(x) for x in v]
    return v


# ---- TFTP ---------------------------------------------------------------

TFTPY_MESSAGES = TftpPacketERR().errmsgs


def request_json(kind, filename, mode, opts):
    return {kind: {"filename": filename, "mode": mode,
                   "options": [{"name": k, "value": x} for k, x in opts]}}


def build_tftp():
    kind = rng.choice(["Rrq", "Wrq", "Data", "Ack", "Error", "Oack"])
    libs = {"Rrq": ["scapy", "dpkt", "tftpy"], "Wrq": ["scapy", "dpkt", "tftpy"],
            "Data": ["scapy", "dpkt", "tftpy"], "Ack": ["scapy", "dpkt", "tftpy"],
            "Error": ["scapy", "dpkt", "tftpy"], "Oack": ["scapy", "tftpy"]}[kind]
    lib = rng.choice(libs)
    if kind in ("Rrq", "Wrq"):
        opcode = 1 if kind == "Rrq" else 2
        if lib == "scapy":
            filename, mode, opts = text(0, 40, wide=True), rng.choice(["octet", "netascii", "OCTET", "mail"]), options(False)
            layer = TFTP_RRQ if kind == "Rrq" else TFTP_WRQ
            p = TFTP(op=opcode) / layer(filename=filename.encode(), mode=mode.encode())
            if opts:
                p = p / TFTP_Options(options=[TFTP_Option(oname=k.encode(), value=x.encode()) for k, x in opts])
            return lib, bytes(p), request_json(kind, filename, mode, opts)
        if lib == "dpkt":
            filename, mode = text(0, 40, wide=True), rng.choice(["octet", "netascii"])
            p = dpkt.tftp.TFTP(opcode=opcode, filename=filename.encode(), mode=mode.encode())
            return lib, bytes(p), request_json(kind, filename, mode, [])
        filename, opts = text(1, 40), options(True)
        p = TftpPacketRRQ() if kind == "Rrq" else TftpPacketWRQ()
        p.filename, p.mode, p.options = filename, "octet", dict(opts)
        return lib, p.encode().buffer, request_json(kind, filename, "octet", opts)
    if kind == "Data":
        block, data = u(16), bytes(u(8) for _ in range(rng.choice([0, 1, rng.randint(0, 512), 512])))
        if lib == "scapy":
            p = TFTP(op=3) / TFTP_DATA(block=block)
            if data:
                p = p / Raw(load=data)
            b = bytes(p)
        elif lib == "dpkt":
            b = bytes(dpkt.tftp.TFTP(opcode=3, block=block, data=data))
        else:
            p = TftpPacketDAT()
            p.blocknumber, p.data = block, data
            b = p.encode().buffer
        return lib, b, {"Data": {"block": block, "data": list(data)}}
    if kind == "Ack":
        block = u(16)
        if lib == "scapy":
            b = bytes(TFTP(op=4) / TFTP_ACK(block=block))
        elif lib == "dpkt":
            b = bytes(dpkt.tftp.TFTP(opcode=4, block=block))
        else:
            p = TftpPacketACK()
            p.blocknumber = block
            b = p.encode().buffer
        return lib, b, {"Ack": {"block": block}}
    if kind == "Error":
        if lib == "tftpy":
            code = rng.choice(sorted(TFTPY_MESSAGES))
            p = TftpPacketERR()
            p.errorcode = code
            message = TFTPY_MESSAGES[code].decode()
            b = p.encode().buffer
        else:
            code, message = u(16), text(0, 60, wide=True)
            if lib == "scapy":
                b = bytes(TFTP(op=5) / TFTP_ERROR(errorcode=code, errormsg=message.encode()))
            else:
                b = bytes(dpkt.tftp.TFTP(opcode=5, errcode=code, errmsg=message.encode()))
        return lib, b, {"Error": {"code": code, "message": message}}
    if lib == "scapy":
        opts = options(False)
        p = TFTP(op=6) / TFTP_OACK()
        if opts:
            p = p / TFTP_Options(options=[TFTP_Option(oname=k.encode(), value=x.encode()) for k, x in opts])
        b = bytes(p)
    else:
        opts = options(True)
        p = TftpPacketOACK()
        p.options = dict(opts)
        b = p.encode().buffer
    return lib, b, {"Oack": {"options": [{"name": k, "value": x} for k, x in opts]}}


def parse_tftp(b, value):
    """The libraries' reading of a packet netwire encoded, against its value."""
    (kind, fields), = value.items()
    p = TFTP(b)
    got = {"op": p.op}
    want = {"op": ["Rrq", "Wrq", "Data", "Ack", "Error", "Oack"].index(kind) + 1}
    if kind in ("Rrq", "Wrq", "Oack"):
        if kind != "Oack":
            got.update(filename=p.filename, mode=p.mode)
            want.update(filename=fields["filename"].encode(), mode=fields["mode"].encode())
        opts = p[TFTP_Options].options if TFTP_Options in p else []
        got["options"] = [(o.oname, o.value) for o in opts]
        want["options"] = [(o["name"].encode(), o["value"].encode()) for o in fields["options"]]
    elif kind == "Data":
        got.update(block=p.block, data=bytes(p[TFTP_DATA].payload))
        want.update(block=fields["block"], data=bytes(fields["data"]))
    elif kind == "Ack":
        got["block"], want["block"] = p.block, fields["block"]
    else:
        got.update(code=p.errorcode, message=p.errormsg)
        want.update(code=fields["code"], message=fields["message"].encode())
    check("tftp", "scapy", b, got, want)

    if kind != "Oack" and not (kind in ("Rrq", "Wrq") and fields["options"]):
        d = dpkt.tftp.TFTP(b)
        got = {"op": d.opcode}
        if kind in ("Rrq", "Wrq"):
            got.update(filename=d.filename, mode=d.mode)
        elif kind == "Data":
            got.update(block=d.block, data=d.data)
        elif kind == "Ack":
            got["block"] = d.block
        else:
            got.update(code=d.errcode, message=d.errmsg)
        want.pop("options", None)
        check("tftp", "dpkt", b, got, want)

    ascii_only = all(x.isascii() for x in json.dumps(fields, ensure_ascii=False))
    names = [o["name"] for o in fields.get("options", [])]
    values = [o["value"] for o in fields.get("options", [])]
    # tftpy refuses an empty option value, and keeps options in a dict.
    tftpy_can = (ascii_only and len(set(names)) == len(names) and len(b) > 2 and all(values)
                 and (kind not in ("Rrq", "Wrq") or fields["mode"] == "octet"))
    if tftpy_can:
        t = TftpPacketFactory().parse(b)
        got = {"op": t.opcode}
        if kind in ("Rrq", "Wrq"):
            got.update(filename=t.filename, mode=t.mode, options=t.options)
            want = {"op": want["op"], "filename": fields["filename"], "mode": fields["mode"],
                    "options": {o["name"]: o["value"] for o in fields["options"]}}
        elif kind == "Oack":
            got["options"] = t.options
            want = {"op": 6, "options": {o["name"]: o["value"] for o in fields["options"]}}
        elif kind == "Data":
            got.update(block=t.blocknumber, data=t.data)
        elif kind == "Ack":
            got["block"] = t.blocknumber
        else:
            got.update(code=t.errorcode, message=t.errmsg)
        check("tftp", "tftpy", b, got, want)


# ---- NTP ----------------------------------------------------------------

TIMESTAMPS = ["reference", "origin", "receive", "transmit"]


def build_ntp():
    lib = rng.choice(["scapy", "dpkt"])
    v = {"stratum": u(8), "poll": signed8(u(8)), "precision": signed8(u(8)),
         "root_delay": u(32), "root_dispersion": u(32)}
    ts = {k: {"seconds": u(32), "fraction": u(32)} for k in TIMESTAMPS}
    if lib == "dpkt":
        v["flags"] = u(8)
        ref = bytes(u(8) for _ in range(4))

        def raw(k):
            return struct.pack(">II", ts[k]["seconds"], ts[k]["fraction"])
        p = dpkt.ntp.NTP(flags=v["flags"], stratum=v["stratum"], interval=v["poll"] & 0xFF,
                         precision=v["precision"] & 0xFF, delay=v["root_delay"],
                         dispersion=v["root_dispersion"], id=ref, update_time=raw("reference"),
                         originate_time=raw("origin"), receive_time=raw("receive"),
                         transmit_time=raw("transmit"))
        b = bytes(p)
    else:
        leap, version, mode = u(2), u(3), rng.randint(1, 5)
        v["flags"] = leap << 6 | version << 3 | mode

        def fixed(k):
            return decimal.Decimal(ts[k]["seconds"] << 32 | ts[k]["fraction"]) / (1 << 32)
        kw = dict(leap=leap, version=version, mode=mode, stratum=v["stratum"], poll=v["poll"],
                  precision=v["precision"], delay=decimal.Decimal(v["root_delay"]) / 65536,
                  dispersion=decimal.Decimal(v["root_dispersion"]) / 65536, ref=fixed("reference"),
                  orig=fixed("origin"), recv=fixed("receive"), sent=fixed("transmit"))
        if v["stratum"] > 1:
            ref = bytes(u(8) for _ in range(4))
            kw["id"] = socket.inet_ntoa(ref)
        else:
            ref = bytes(rng.choice(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
            kw["ref_id"] = ref
        b = bytes(NTPHeader(**kw))
    v["reference_id"] = list(ref)
    v.update(ts)
    return lib, b, v


def parse_ntp(b, v):
    d = dpkt.ntp.NTP(b)
    stamp = {k: struct.pack(">II", v[k]["seconds"], v[k]["fraction"]) for k in TIMESTAMPS}
    got = (d.flags, d.li, d.v, d.mode, d.stratum, d.interval, d.precision, d.delay, d.dispersion,
           d.id, d.update_time, d.originate_time, d.receive_time, d.transmit_time)
    f = v["flags"]
    want = (f, f >> 6, f >> 3 & 7, f & 7, v["stratum"], v["poll"] & 0xFF, v["precision"] & 0xFF,
            v["root_delay"], v["root_dispersion"], bytes(v["reference_id"]), stamp["reference"],
            stamp["origin"], stamp["receive"], stamp["transmit"])
    check("ntp", "dpkt", b, got, want)
    if f & 7 in (6, 7):
        return  # scapy reads modes 6 and 7 as control and private messages
    s = NTPHeader(b)
    got = [s.leap, s.version, s.mode, s.stratum, s.poll, s.precision,
           s.getfieldval("delay"), s.getfieldval("dispersion")]
    got += [s.getfieldval(k) for k in ("ref", "orig", "recv", "sent")]
    got.append(socket.inet_aton(s.id) if v["stratum"] > 1 else s.ref_id)
    want = [f >> 6, f >> 3 & 7, f & 7, v["stratum"], v["poll"], v["precision"], v["root_delay"],
            v["root_dispersion"]]
    want += [v[k]["seconds"] << 32 | v[k]["fraction"] for k in TIMESTAMPS]
    ref = bytes(v["reference_id"])
    # scapy's reference ID below stratum 2 is text: NUL padding is not its.
    want.append(ref if v["stratum"] > 1 else ref.rstrip(b"\0"))
    check("ntp", "scapy", b, got, want)


# ---- DNS ----------------------------------------------------------------

def build_dns():
    lib = rng.choice(["scapy", "dpkt"])
    questions = []
    tails = set()
    for _ in range(rng.randint(0, 3) if lib == "scapy" else 1):
        labels = [label() for _ in range(rng.randint(0, 4))]
        if labels and labels[-1] in tails:
            continue
        if labels:
            tails.add(labels[-1])
        questions.append({"name": labels, "qtype": u(16), "qclass": u(16)})
    if lib == "scapy":
        qr, opcode, aa, tc, rd, ra, z, ad, cd, rcode = (u(1), u(4), u(1), u(1), u(1), u(1), u(1),
                                                         u(1), u(1), u(4))
        flags = (qr << 15 | opcode << 11 | aa << 10 | tc << 9 | rd << 8 | ra << 7 | z << 6
                 | ad << 5 | cd << 4 | rcode)
        ident = u(16)
        qd = [DNSQR(qname=(".".join(q["name"]) + ".").encode(), qtype=q["qtype"],
                    unicastresponse=q["qclass"] >> 15, qclass=q["qclass"] & 0x7FFF) for q in questions]
        p = DNS(id=ident, qr=qr, opcode=opcode, aa=aa, tc=tc, rd=rd, ra=ra, z=z, ad=ad, cd=cd,
                rcode=rcode, qd=qd)
        b = bytes(p)
    else:
        ident, flags = u(16), u(16)
        p = dpkt.dns.DNS(id=ident, op=flags,
                         qd=[dpkt.dns.DNS.Q(name=".".join(q["name"]), type=q["qtype"], cls=q["qclass"])
                             for q in questions])
        b = bytes(p)
    header = {"id": ident, "flags": flags, "qdcount": len(questions), "ancount": 0,
              "nscount": 0, "arcount": 0}
    return lib, b, {"header": header, "questions": questions}


def parse_dns(b, v):
    h, qs = v["header"], v["questions"]
    s = DNS(b)
    flags = (s.qr << 15 | s.opcode << 11 | s.aa << 10 | s.tc << 9 | s.rd << 8 | s.ra << 7
             | s.z << 6 | s.ad << 5 | s.cd << 4 | s.rcode)
    got = [s.id, flags, s.qdcount, s.ancount, s.nscount, s.arcount,
           [(q.qname, q.qtype, q.unicastresponse << 15 | q.qclass) for q in (s.qd or [])]]
    want = [h["id"], h["flags"], h["qdcount"], h["ancount"], h["nscount"], h["arcount"],
            [((".".join(q["name"]) + ".").encode(), q["qtype"], q["qclass"]) for q in qs]]
    if h["qdcount"] == len(qs) and not h["ancount"] | h["nscount"] | h["arcount"]:
        check("dns", "scapy", b, got, want)
        d = dpkt.dns.DNS(b)
        got = [d.id, d.op, [(q.name, q.type, q.cls) for q in d.qd]]
        want = [h["id"], h["flags"], [(".".join(q["name"]), q["qtype"], q["qclass"]) for q in qs]]
        check("dns", "dpkt", b, got, want)


# ---- what netwire's types do not describe --------------------------------

def refused_ntp():
    """An NTP header with a MAC after it (RFC 5905, 7.3): not an `Ntp`."""
    lib, b, _ = build_ntp()
    if lib == "scapy":
        p = NTPHeader(b) / NTPAuthenticator(key_id=u(32), dgst=bytes(u(8) for _ in range(16)))
        return lib, bytes(p)
    return lib, b + bytes(u(8) for _ in range(20))


def refused_dns():
    """A query whose second name points back into the first (RFC 1035,
    4.1.4): netwire's `Name` has no compression."""
    tail = [label(), label()]
    p = dpkt.dns.DNS(id=u(16), op=u(16), qd=[dpkt.dns.DNS.Q(name=".".join([label()] + tail), type=u(16), cls=u(16)),
                                          dpkt.dns.DNS.Q(name=".".join([label()] + tail), type=u(16), cls=u(16))])
    return "dpkt", bytes(p)


REFUSED = {"ntp": refused_ntp, "dns": refused_dns}

# ---- checks -------------------------------------------------------------

def check(proto, lib, b, got, want):
    counts[(proto, "parsed by " + lib)] += 1
    if got != want:
        fail(f"{lib} read netwire's {proto} {b.hex()}: {got!r}, netwire's value {want!r}")


BUILD = {"tftp": build_tftp, "ntp": build_ntp, "dns": build_dns}
PARSE = {"tftp": parse_tftp, "ntp": parse_ntp, "dns": parse_dns}

with open(f"{DIR}/built.jsonl", "w") as out:
    for proto, build in BUILD.items():
        m = MODULES[proto]
        for _ in range(N):
            lib, b, value = build()
            counts[(proto, "built by " + lib)] += 1
            out.write(json.dumps({"proto": proto, "lib": lib, "hex": b.hex(), "value": value}) + "\n")
            try:
                decoded = m.decode(b)
            except Exception as e:  # noqa: BLE001
                fail(f"python module refused {lib}'s {proto} {b.hex()}: {e!r}")
                continue
            if to_json(decoded) != value:
                fail(f"python module read {lib}'s {proto} {b.hex()} as {to_json(decoded)}, not {value}")
            again = m.encode(decoded)
            if again != b:
                fail(f"python module re-encoded {lib}'s {proto} {b.hex()} as {again.hex()}")

    # Real packets outside the types: the module refuses them, with the
    # kind and offset netwire must give too.
    for proto, build in REFUSED.items():
        m = MODULES[proto]
        for _ in range(max(N // 10, 5)):
            lib, b = build()
            counts[(proto, "refused, built by " + lib)] += 1
            try:
                v = m.decode(b)
                fail(f"python module read {lib}'s {proto} {b.hex()} as {to_json(v)}")
                continue
            except m.DecodeError as e:
                verdict = f"{e.kind} {e.offset}"
            out.write(json.dumps({"proto": proto, "lib": lib, "hex": b.hex(), "value": None,
                                  "python": verdict}) + "\n")

with open(f"{DIR}/netwire.jsonl") as inp:
    for line in inp:
        case = json.loads(line)
        b = bytes.fromhex(case["hex"])
        try:
            PARSE[case["proto"]](b, case["value"])
        except Exception as e:  # noqa: BLE001
            fail(f"parsing netwire's {case['proto']} {case['hex']}: {e!r}")

for (proto, what), n in sorted(counts.items()):
    print(f"count {proto} {what} {n}")
